import { Injectable } from '@nestjs/common';
import { readCatalogFiles, type CatalogDepartment } from '../catalog/catalog-files.js';
import type { DepartmentCode } from '../common/departments.js';
import { certificateTypeMap, checkClaimTerms, readCertificateTypes, type CertificateType } from './certificate-types.js';
import { loadContext, ONEGATE_CONTEXTS, type LoadedContext } from './credential/onegate-context.js';

/**
 * The certificate types (schemas/certificates/) and the departments that issue them, read once at
 * start-up with onegate's JSON-LD context (schemas/contexts/): a malformed type file, a claim name
 * the context does not define, or a context file that is not the published one stops the gateway
 * with a message naming it.
 */
@Injectable()
export class CertificateCatalog {
  readonly types: readonly CertificateType[];
  readonly departments: ReadonlyMap<DepartmentCode, CatalogDepartment>;
  /** Type code → issuing department: what the verifier's issuer-identity verdict needs. */
  readonly issuers: ReadonlyMap<string, { issuer: string }>;
  /** Every version of onegate's JSON-LD context, as published (the gateway serves them). */
  readonly contexts: readonly LoadedContext[];
  /** The version credentials are issued with. */
  readonly context: LoadedContext;
  private readonly byCode: ReadonlyMap<string, CertificateType>;

  constructor() {
    const files = readCatalogFiles();
    this.types = readCertificateTypes(files);
    this.contexts = ONEGATE_CONTEXTS.map((published) => loadContext(published));
    this.context = this.contexts.at(-1)!;
    checkClaimTerms(this.types, this.context);
    this.departments = new Map(files.departments.map((d) => [d.code, d]));
    this.byCode = new Map(this.types.map((t) => [t.code, t]));
    this.issuers = certificateTypeMap(this.types);
  }

  type(code: string): CertificateType | undefined {
    return this.byCode.get(code);
  }

  department(code: DepartmentCode): CatalogDepartment {
    const department = this.departments.get(code);
    if (!department) throw new Error(`department ${code} is not in the catalog`);
    return department;
  }
}
