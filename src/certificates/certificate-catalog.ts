import { Injectable } from '@nestjs/common';
import { readCatalogFiles, type CatalogDepartment } from '../catalog/catalog-files.js';
import type { DepartmentCode } from '../common/departments.js';
import { certificateTypeMap, readCertificateTypes, type CertificateType } from './certificate-types.js';

/**
 * The certificate types (schemas/certificates/) and the departments that issue them, read once at
 * start-up: a malformed type file stops the gateway with a message naming it.
 */
@Injectable()
export class CertificateCatalog {
  readonly types: readonly CertificateType[];
  readonly departments: ReadonlyMap<DepartmentCode, CatalogDepartment>;
  /** Type code → issuing department: what the verifier's issuer-identity verdict needs. */
  readonly issuers: ReadonlyMap<string, { issuer: string }>;
  private readonly byCode: ReadonlyMap<string, CertificateType>;

  constructor() {
    const files = readCatalogFiles();
    this.types = readCertificateTypes(files);
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
