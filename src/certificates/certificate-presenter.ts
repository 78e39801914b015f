import { Injectable } from '@nestjs/common';
import type { DepartmentCode } from '../common/departments.js';
import { CertificateCatalog } from './certificate-catalog.js';
import { CertificateRegistry, certificateStatus } from './certificate-registry.service.js';
import type { RegisteredCertificate } from './certificate.repository.js';
import type { Certificate, CertificateStatusValue } from './models/certificate.model.js';

/** The registered row travels with the model, for the fields computed on demand (the QR code). */
export type CertificateWithRow = Certificate & { row: RegisteredCertificate };

/** Registry rows as the GraphQL `Certificate` (GraphQL models stay separate from entities). */
@Injectable()
export class CertificatePresenter {
  constructor(
    private readonly catalog: CertificateCatalog,
    private readonly registry: CertificateRegistry,
  ) {}

  toModel(row: RegisteredCertificate): CertificateWithRow {
    const type = this.catalog.type(row.type);
    const department = this.catalog.departments.get(row.issuer as DepartmentCode);
    return {
      row,
      id: row.id,
      identifier: row.identifier,
      type: row.type,
      typeName: type?.name ?? row.type,
      holder: row.holder,
      issuer: { code: row.issuer, name: department?.name ?? row.issuer, creditCode: department?.creditCode ?? '' },
      version: row.version,
      replaces: row.replacesId,
      status: certificateStatus(row) as CertificateStatusValue,
      statusReason: row.stateReason,
      statusChangedAt: row.stateChangedAt,
      issuedAt: row.issuedAt,
      validUntil: row.validUntil,
      claims: claimsOf(row.credential),
      credential: row.credential,
      sdJwt: row.sdJwt,
      holderKey: row.holderKey,
      verificationUrl: this.registry.verificationUrl(row),
      qrSvg: '',
    };
  }
}

/** The credentialSubject of our own signed VC (read back, not verified: it comes from the registry). */
function claimsOf(credential: string): Record<string, unknown> {
  const payload = JSON.parse(Buffer.from(credential.split('.')[1] ?? '', 'base64url').toString('utf8')) as { credentialSubject?: Record<string, unknown> };
  const { id: _id, ...claims } = payload.credentialSubject ?? {};
  return claims;
}
