import type { CertificateType } from './certificate-types.js';
import { contextRelatedResources, CREDENTIAL_CONTEXT, departmentUrn, OID_URN_PREFIX, xsdDateTime } from './credential/credential-model.js';

/** What a certificate's VC 2.0 credential is made of, besides its type. */
export interface CertificateCredentialInput {
  type: CertificateType;
  /** The issuing department as the credential names it. */
  issuer: { name: string; creditCode: string };
  /** GB/T 36904 identifier, without `urn:oid:`. */
  identifier: string;
  /** The holder's ID number or credit code. */
  holder: string;
  /** The type's claims (built and checked against its claims schema). */
  claims: Record<string, unknown>;
  issuedAt: Date;
  validUntil: Date | null;
  /** The `BitstringStatusListEntry`s of the certificate. */
  credentialStatus: unknown[];
  /** Identifier of the certificate this one renews. */
  replaces: string | null;
}

/**
 * The unsigned W3C VC 2.0 credential of a certificate (sign it with `signVcJwt`), a JSON-LD 1.1
 * document under the VC 2.0 context and onegate's own (whose digest `relatedResource` pins): every
 * term in it is defined by one of the two, so JSON-LD processors expand it in safe mode.
 */
export function certificateCredential(c: CertificateCredentialInput): Record<string, unknown> {
  return {
    '@context': [...CREDENTIAL_CONTEXT],
    id: `${OID_URN_PREFIX}${c.identifier}`,
    type: ['VerifiableCredential', 'OnegateCertificate'],
    certificateType: c.type.code,
    name: c.type.name,
    issuer: { id: departmentUrn(c.type.issuer), name: c.issuer.name, creditCode: c.issuer.creditCode },
    validFrom: xsdDateTime(c.issuedAt),
    ...(c.validUntil ? { validUntil: xsdDateTime(c.validUntil) } : {}),
    credentialSubject: { id: `urn:onegate:${c.type.subject === 'PERSON' ? 'person' : 'enterprise'}:${c.holder}`, ...c.claims },
    credentialStatus: c.credentialStatus,
    ...(c.replaces ? { replaces: `${OID_URN_PREFIX}${c.replaces}` } : {}),
    relatedResource: contextRelatedResources(),
  };
}
