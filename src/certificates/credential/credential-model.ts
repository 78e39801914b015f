import type { KeyObject } from 'node:crypto';

/**
 * Shared vocabulary of the credential formats (VC 2.0 JWT, SD-JWT VC, Bitstring Status List).
 * See docs/certificates.md, "Credentials" and "Verification".
 */

/** A department's issuing key as the signers need it. */
export interface SigningKey {
  /** RFC 7638 SHA-256 thumbprint of the public key (see `kidOf`). */
  kid: string;
  privateKey: KeyObject;
  /** Standard base64 DER certificates, leaf (the department certificate) first; never the root. */
  x5c: string[];
}

/** The only signature algorithm onegate issues or accepts: ECDSA P-256 with SHA-256. */
export const SIGNING_ALGORITHM = 'ES256';

/** `typ` of a VC 2.0 credential secured with JOSE (VC-JOSE-COSE). */
export const VC_JWT_TYPE = 'vc+jwt';

/** `typ` of an SD-JWT VC issuer-signed JWT. */
export const SD_JWT_TYPE = 'dc+sd-jwt';

export type CredentialFormat = typeof VC_JWT_TYPE | typeof SD_JWT_TYPE;

export const VC_CONTEXT_V2 = 'https://www.w3.org/ns/credentials/v2';

/**
 * onegate's own JSON-LD context (schemas/contexts/onegate-credentials-v1.jsonld): the terms onegate
 * puts in credentials and status list credentials that the VC 2.0 context does not define. The URL
 * is an identifier, the same for every deployment (whatever its PUBLIC_BASE_URL); verifiers load
 * the context from their own copy, never from the network. Each gateway also serves it at
 * `GET /ns/credentials/v1` (see docs/certificates.md, "JSON-LD contexts").
 */
export const ONEGATE_CONTEXT_V1 = 'https://w3id.org/onegate/credentials/v1';

/** Where onegate's terms and types live: `certificateType` is `${ONEGATE_VOCABULARY}certificateType`. */
export const ONEGATE_VOCABULARY = 'https://w3id.org/onegate/credentials#';

/**
 * The Subresource Integrity digest (SHA-384 of the file's bytes) of onegate's context v1. A
 * published context never changes: credentials pin it with this digest (VC 2.0 §5.3
 * `relatedResource`), so new terms go into a new version of the context, beside this one.
 */
export const ONEGATE_CONTEXT_V1_DIGEST_SRI = 'sha384-wxZBTXT6iF3kKG5RXGYB3QJCunA/GJ4sjnS/hU8wSLjF/0VOyqK81VWRaq+kBqTW';

/** The `@context` of the credentials and status list credentials onegate issues. */
export const CREDENTIAL_CONTEXT: readonly string[] = [VC_CONTEXT_V2, ONEGATE_CONTEXT_V1];

/**
 * Every `@context` a verifier accepts, compared as they are (nothing is fetched): the current one,
 * and the VC 2.0 context alone, which credentials issued before onegate's context carry.
 */
export const ACCEPTED_CONTEXTS: readonly (readonly string[])[] = [CREDENTIAL_CONTEXT, [VC_CONTEXT_V2]];

/** Contexts whose exact content onegate knows, by URL: the digest a `relatedResource` naming one must carry. */
export const PINNED_CONTEXTS: ReadonlyMap<string, string> = new Map([[ONEGATE_CONTEXT_V1, ONEGATE_CONTEXT_V1_DIGEST_SRI]]);

/** VC 2.0 §5.3 `relatedResource`: pins the content of onegate's context to its digest. */
export function contextRelatedResources(): Array<{ id: string; digestSRI: string }> {
  return [{ id: ONEGATE_CONTEXT_V1, digestSRI: ONEGATE_CONTEXT_V1_DIGEST_SRI }];
}

/**
 * Upper bound on a credential as text. Real credentials are a few KiB; the limit keeps hostile
 * input (pasted into the public endpoint or the CLI) from costing parse time or memory.
 */
export const MAX_CREDENTIAL_LENGTH = 64 * 1024;

/** Status list credentials carry a gzipped bitstring, so they may be larger than a certificate. */
export const MAX_STATUS_LIST_CREDENTIAL_LENGTH = 256 * 1024;

export const DEPARTMENT_URN_PREFIX = 'urn:onegate:department:';
export const CERTIFICATE_TYPE_URN_PREFIX = 'urn:onegate:certificate-type:';
export const OID_URN_PREFIX = 'urn:oid:';

/** `issuer.id` / `iss` naming a department. */
export function departmentUrn(departmentCode: string): string {
  return `${DEPARTMENT_URN_PREFIX}${departmentCode}`;
}

/** SD-JWT VC `vct` of a certificate type. */
export function certificateTypeUrn(typeCode: string): string {
  return `${CERTIFICATE_TYPE_URN_PREFIX}${typeCode}`;
}

/** A failure reported as a value: parsers of untrusted input never throw. */
export interface Failure<R extends string = string> {
  ok: false;
  reason: R;
  message: string;
}

export type JsonObject = Record<string, unknown>;

export function isJsonObject(value: unknown): value is JsonObject {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** XSD dateTime in UTC to the second, the form VC 2.0 examples use (`2026-11-22T09:30:00Z`). */
export function xsdDateTime(date: Date): string {
  return date.toISOString().replace(/\.\d{3}Z$/, 'Z');
}

const DATE_TIME = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d{1,9})?(Z|[+-]\d{2}:\d{2})$/;

/** Reads an XSD dateTime with an explicit offset; null for anything else (no locale-dependent parsing). */
export function parseDateTime(value: unknown): Date | null {
  if (typeof value !== 'string' || !DATE_TIME.test(value)) return null;
  const millis = Date.parse(value);
  return Number.isNaN(millis) ? null : new Date(millis);
}

/** Seconds since the epoch, as JWT `iat`/`nbf`/`exp` use. */
export function epochSeconds(date: Date): number {
  return Math.floor(date.getTime() / 1000);
}
