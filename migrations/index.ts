import { Roles1795300000000 } from './1795300000000-Roles.js';
import { DepartmentSources1795300000100 } from './1795300000100-DepartmentSources.js';
import { Catalog1795300000200 } from './1795300000200-Catalog.js';
import { Ledger1795300000300 } from './1795300000300-Ledger.js';
import { Matters1795300000400 } from './1795300000400-Matters.js';
import { Consent1795300000500 } from './1795300000500-Consent.js';
import { Certificates1795300000600 } from './1795300000600-Certificates.js';
import { LedgerClientRequestId1795300000710 } from './1795300000710-LedgerClientRequestId.js';
import { ConsentScope1795300000720 } from './1795300000720-ConsentScope.js';
import { PresentationLinks1795300000780 } from './1795300000780-PresentationLinks.js';
import { SubjectConditions1795400000100 } from './1795400000100-SubjectConditions.js';
import { CertificateHolderKey1795400000400 } from './1795400000400-CertificateHolderKey.js';
import { IdentifierVersion1795500000310 } from './1795500000310-IdentifierVersion.js';
import { DepartmentItemViews1795600000410 } from './1795600000410-DepartmentItemViews.js';
import { LookupAllowance1795600000850 } from './1795600000850-LookupAllowance.js';
import { ResidentParents1795700000100 } from './1795700000100-ResidentParents.js';
import { Cases1795700000200 } from './1795700000200-Cases.js';
import { PublicAllowance1795700000260 } from './1795700000260-PublicAllowance.js';
import { Applications1795800000100 } from './1795800000100-Applications.js';

/** Every migration, in order. A new migration file is added here too. */
export const MIGRATIONS = [
  Roles1795300000000,
  DepartmentSources1795300000100,
  Catalog1795300000200,
  Ledger1795300000300,
  Matters1795300000400,
  Consent1795300000500,
  Certificates1795300000600,
  LedgerClientRequestId1795300000710,
  ConsentScope1795300000720,
  PresentationLinks1795300000780,
  SubjectConditions1795400000100,
  CertificateHolderKey1795400000400,
  IdentifierVersion1795500000310,
  DepartmentItemViews1795600000410,
  LookupAllowance1795600000850,
  ResidentParents1795700000100,
  Cases1795700000200,
  PublicAllowance1795700000260,
  Applications1795800000100,
];
