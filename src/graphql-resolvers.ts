import { ApplicationsResolver } from './applications/applications.resolver.js';
import { AuditResolver } from './audit/audit.resolver.js';
import { LedgerResolver } from './ledger/ledger.resolver.js';
import { CaseFieldsResolver, CasePartyResolver } from './cases/case-fields.resolver.js';
import { CasesResolver } from './cases/cases.resolver.js';
import { CatalogResolver } from './catalog/catalog.resolver.js';
import { MattersResolver } from './catalog/matters.resolver.js';
import { CertificatesResolver } from './certificates/certificates.resolver.js';
import { CitizenCertificatesResolver } from './certificates/citizen-certificates.resolver.js';
import { ConsentResolver } from './consent/consent.resolver.js';
import { ExchangeResolver } from './exchange/exchange.resolver.js';
import { CitizenViewLedgerResolver, EnterpriseViewLedgerResolver } from './exchange/view-ledger.resolver.js';
import { DevSignInResolver } from './identity/dev-sign-in.resolver.js';
import { IdentityResolver } from './identity/identity.resolver.js';
import { OneThingsResolver } from './one-things/one-things.resolver.js';

/**
 * Every GraphQL resolver class written in code, for generating schemas/schema.graphql without a
 * database (with the data items' views, made from the catalog: see schema.cli.ts). The e2e schema
 * test compares the running app's schema with the file, so a resolver missing here fails the tests.
 */
export const GRAPHQL_RESOLVERS: Function[] = [
  ApplicationsResolver,
  AuditResolver,
  CaseFieldsResolver,
  CasePartyResolver,
  CasesResolver,
  CatalogResolver,
  CertificatesResolver,
  CitizenCertificatesResolver,
  ConsentResolver,
  DevSignInResolver,
  ExchangeResolver,
  CitizenViewLedgerResolver,
  EnterpriseViewLedgerResolver,
  IdentityResolver,
  LedgerResolver,
  MattersResolver,
  OneThingsResolver,
];
