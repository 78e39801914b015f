import rs from 'jsrsasign';
import type { TestApp } from '../../harness/test-app.js';

/**
 * What the conformance checks start from: a certificate as the running gateway issues it, the
 * way a department system does after a registration (Civil Affairs, Li Wei's marriage, with the
 * holder's consent for the matter it is issued under).
 */

export const LI_WEI = '330825198803142023';

export interface IssuedCertificate {
  id: string;
  identifier: string;
  type: string;
  version: number;
  credential: string;
  sdJwt: string;
}

const ISSUE = `mutation($input: IssueCertificateInput!) {
  issueCertificate(input: $input) { id identifier type version credential sdJwt } }`;
const GRANT = `mutation($m: String!) { grantConsent(input: { matter: $m, departments: ["CIVIL_AFFAIRS"] }) { id } }`;

export async function issueMarriageCertificate(t: TestApp, idempotencyKey: string, extra: Record<string, unknown> = {}): Promise<IssuedCertificate> {
  const citizen = await t.token({ role: 'citizen', sub: LI_WEI });
  const consent = await t.graphql<{ grantConsent: { id: string } }>(GRANT, { m: 'MARRIAGE_REGISTRATION' }, citizen);
  if (!consent.body.data) throw new Error(`consent: ${JSON.stringify(consent.body.errors)}`);
  const civilAffairs = await t.token({ role: 'department', sub: 'civil-affairs-registry', department: 'CIVIL_AFFAIRS' });
  const purpose = { matter: 'MARRIAGE_REGISTRATION', caseNumber: `CA-${idempotencyKey}`, consent: consent.body.data.grantConsent.id };
  const input = { type: 'MARRIAGE_CERTIFICATE', holder: LI_WEI, idempotencyKey, purpose, ...extra };
  const res = await t.graphql<{ issueCertificate: IssuedCertificate }>(ISSUE, { input }, civilAffairs);
  if (!res.body.data) throw new Error(`issue: ${JSON.stringify(res.body.errors)}`);
  return res.body.data.issueCertificate;
}

/** Revoke, suspend or reinstate, as the issuing department's system. */
export async function changeStatus(t: TestApp, id: string, change: 'revoke' | 'suspend' | 'reinstate'): Promise<void> {
  const civilAffairs = await t.token({ role: 'department', sub: 'civil-affairs-registry', department: 'CIVIL_AFFAIRS' });
  const mutation =
    change === 'reinstate'
      ? `mutation($id: ID!) { reinstateCertificate(id: $id) { id } }`
      : `mutation($id: ID!, $reason: String!) { ${change}Certificate(id: $id, reason: $reason) { id } }`;
  const res = await t.graphql(mutation, change === 'reinstate' ? { id } : { id, reason: 'conformance check' }, civilAffairs);
  if (res.body.errors) throw new Error(`${change}: ${JSON.stringify(res.body.errors)}`);
}

/** The decoded parts of a compact JWS, without checking anything. */
export function jwsParts(jws: string): { header: Record<string, unknown>; payload: Record<string, unknown> } {
  const [header, payload] = jws.split('.');
  const decode = (part: string | undefined) => JSON.parse(Buffer.from(part ?? '', 'base64url').toString('utf8')) as Record<string, unknown>;
  return { header: decode(header), payload: decode(payload) };
}

type VerifyKey = Parameters<typeof rs.KJUR.jws.JWS.verify>[1];

/**
 * jsrsasign's verdict on a compact JWS (not jose, which the gateway signs with), checked with the
 * public key of its own x5c leaf; it throws for an algorithm outside `algorithms`.
 */
export function verifiesWithX5cLeaf(jws: string, algorithms = ['ES256']): boolean {
  const leaf = new rs.X509();
  leaf.readCertHex(rs.b64tohex((jwsParts(jws).header['x5c'] as string[])[0]!));
  return rs.KJUR.jws.JWS.verify(jws, leaf.getPublicKey() as VerifyKey, algorithms);
}
