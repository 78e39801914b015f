import { digest, ES256, generateSalt } from '@sd-jwt/crypto-nodejs';
import { getListFromStatusListJWT, getStatusListFromJWT } from '@sd-jwt/jwt-status-list';
import { SDJwtVcInstance } from '@sd-jwt/sd-jwt-vc';
import { X509Certificate } from 'node:crypto';
import { issueSdJwt } from '../../src/certificates/credential/sd-jwt.js';
import { Bitstring } from '../../src/certificates/credential/status-list.js';
import { STATUS_LIST_TOKEN_TYPE } from '../../src/certificates/credential/token-status-list.js';
import { protectedHeaderFor, signCompact } from '../../src/certificates/credential/vc-jwt.js';
import { IssuingKeysService } from '../../src/certificates/issuing-keys.service.js';
import { freePort } from '../harness/free-port.js';
import { createTestApp, type TestApp } from '../harness/test-app.js';
import { deflateSync } from 'node:zlib';

/*
 * SD-JWT VC as wallets and verifiers we did not write read it: the OpenWallet
 * Foundation's @sd-jwt/sd-jwt-vc (SD-JWT VC, RFC 9901 key binding) and @sd-jwt/jwt-status-list
 * (IETF Token Status List), against certificates issued by the running gateway and the status
 * list it serves over HTTP. The library is the issuer-side verifier (x5c leaf chained to the
 * onegate root), the holder's wallet (presents a subset with a key-binding JWT signed by its
 * key) and a relying party; onegate's own verifier must agree with it both ways. The drift tests
 * at the end show that a renamed claim or a changed bit order is caught here.
 */

const LI_WEI = '330825198803142023';
const AUDIENCE = 'https://bank.example/verifier';

const ISSUE = `mutation($input: IssueCertificateInput!) { issueCertificate(input: $input) { id identifier sdJwt holderKey } }`;
const PRESENT = `query($id: ID!, $disclose: [String!]!) { certificatePresentation(id: $id, disclose: $disclose) }`;
const VERIFY = `query($credential: String!, $audience: String, $nonce: String) { verifyCertificate(credential: $credential, audience: $audience, nonce: $nonce) {
  valid holderBound claims integrity { ok reason message } status { ok reason state } issuer { ok department } } }`;

interface Issued {
  id: string;
  identifier: string;
  sdJwt: string;
  holderKey: Record<string, unknown> | null;
}

interface Verification {
  valid: boolean;
  holderBound: boolean;
  claims: Record<string, unknown>;
  integrity: { ok: boolean; reason: string | null; message: string };
  status: { ok: boolean; reason: string | null; state: string };
  issuer: { ok: boolean; department: string | null };
}

type Jwk = Record<string, unknown>;

function decodePart(jwt: string, part: 0 | 1): Record<string, any> {
  return JSON.parse(Buffer.from(jwt.split('.')[part]!, 'base64url').toString('utf8'));
}

describe('SD-JWT VC conformance: @sd-jwt/sd-jwt-vc and @sd-jwt/jwt-status-list', () => {
  let t: TestApp;
  let base: string;
  let root: X509Certificate;
  let civilAffairs: string;
  let holder: { publicKey: Jwk; privateKey: Jwk };
  let stranger: { publicKey: Jwk; privateKey: Jwk };
  /** Status list URIs the library fetched, and status values it judged. */
  const fetched: string[] = [];
  const statuses: number[] = [];

  /**
   * The issuer-signed JWT's (and the status list token's) signature, as a verifier resolves the key
   * under SD-JWT VC's x5c rule: the leaf certificate of the header's x5c, which must be issued by
   * the onegate root, and ES256.
   */
  async function x5cVerifier(data: string, signature: string): Promise<boolean> {
    const header = decodePart(`${data}.`, 0);
    if (header['alg'] !== 'ES256' || !Array.isArray(header['x5c'])) return false;
    const leaf = new X509Certificate(Buffer.from(header['x5c'][0], 'base64'));
    if (!leaf.checkIssued(root) || !leaf.verify(root.publicKey)) return false;
    return (await ES256.getVerifier(leaf.publicKey.export({ format: 'jwk' })))(data, signature);
  }

  /** The library as a wallet and verifier, holding `key` (its kbSigner) and trusting the onegate root. */
  async function library(key: { privateKey: Jwk } = holder) {
    return new SDJwtVcInstance({
      hasher: digest,
      hashAlg: 'sha-256',
      saltGenerator: generateSalt,
      signAlg: 'ES256',
      verifier: x5cVerifier,
      statusVerifier: x5cVerifier,
      kbSigner: await ES256.getSigner(key.privateKey),
      kbSignAlg: 'ES256',
      // The holder key comes from the credential's cnf.jwk, as RFC 9901 says.
      kbVerifier: async (data, signature, payload) => (await ES256.getVerifier((payload as { cnf: { jwk: Jwk } }).cnf.jwk))(data, signature),
      // The status list from the running gateway over HTTP, as a wallet asks for it.
      statusListFetcher: async (uri) => {
        fetched.push(uri);
        const response = await fetch(uri, { headers: { accept: 'application/statuslist+jwt' } });
        if (!response.ok) throw new Error(`status list: HTTP ${response.status}`);
        if (!response.headers.get('content-type')?.includes('application/statuslist+jwt')) throw new Error('status list: wrong content type');
        return response.text();
      },
      statusValidator: async (status) => {
        statuses.push(status);
        if (status !== 0) throw new Error(`status ${status}: not valid`);
      },
    });
  }

  const issue = async (idempotencyKey: string, holderKey: Jwk | null): Promise<Issued> => {
    const citizen = await t.token({ role: 'citizen', sub: LI_WEI });
    const consent = await t.graphql<{ grantConsent: { id: string } }>(
      `mutation { grantConsent(input: { matter: "MARRIAGE_REGISTRATION", departments: ["CIVIL_AFFAIRS"] }) { id } }`,
      undefined,
      citizen,
    );
    const purpose = { matter: 'MARRIAGE_REGISTRATION', caseNumber: `MR-${idempotencyKey}`, consent: consent.body.data!.grantConsent.id };
    const res = await t.graphql<{ issueCertificate: Issued }>(
      ISSUE,
      { input: { type: 'MARRIAGE_CERTIFICATE', holder: LI_WEI, idempotencyKey, purpose, ...(holderKey ? { holderKey } : {}) } },
      civilAffairs,
    );
    expect(res.body.errors).toBeUndefined();
    return res.body.data!.issueCertificate;
  };

  const verify = async (credential: string, expectation: { audience?: string; nonce?: string } = {}): Promise<Verification> => {
    const res = await t.graphql<{ verifyCertificate: Verification }>(VERIFY, { credential, ...expectation });
    expect(res.body.errors).toBeUndefined();
    return res.body.data!.verifyCertificate;
  };

  const present = async (id: string, disclose: string[], token = civilAffairs): Promise<string> => {
    const res = await t.graphql<{ certificatePresentation: string }>(PRESENT, { id, disclose }, token);
    expect(res.body.errors).toBeUndefined();
    return res.body.data!.certificatePresentation;
  };

  const now = () => Math.floor(Date.now() / 1000);

  beforeAll(async () => {
    const port = await freePort();
    base = `http://127.0.0.1:${port}`;
    // Listening for real: the library fetches the status list over HTTP from the URI the credential names.
    t = await createTestApp({ PUBLIC_BASE_URL: base, PUBLIC_RATE_LIMIT_MAX: '1000' });
    await t.app.listen({ port, host: '127.0.0.1' });
    root = new X509Certificate((await t.http().get('/trust/root-ca.pem')).text);
    civilAffairs = await t.token({ role: 'department', sub: 'civil-affairs-registry', department: 'CIVIL_AFFAIRS' });
    // A wallet's key pair as WebCrypto exports it (with key_ops and ext, which the gateway ignores).
    holder = (await ES256.generateKeyPair()) as unknown as typeof holder;
    stranger = (await ES256.generateKeyPair()) as unknown as typeof stranger;
  });

  afterAll(async () => {
    await t?.close();
  });

  describe("Li Wei's holder-bound marriage certificate", () => {
    let bound: Issued;

    beforeAll(async () => {
      bound = await issue('conformance-bound-1', holder.publicKey);
    });

    it('is an SD-JWT VC the library verifies: issuer signature by the x5c leaf, vct, cnf, and status from the served statuslist+jwt', async () => {
      const issuerJwt = bound.sdJwt.split('~')[0]!;
      expect(decodePart(issuerJwt, 0)).toMatchObject({ typ: 'dc+sd-jwt', alg: 'ES256', kid: expect.any(String), x5c: [expect.any(String)] });
      expect(bound.holderKey).toEqual({ kty: 'EC', crv: 'P-256', x: holder.publicKey['x'], y: holder.publicKey['y'] });
      const reference = getStatusListFromJWT(issuerJwt);
      expect(reference).toEqual({ idx: expect.any(Number), uri: `${base}/status-lists/CIVIL_AFFAIRS/1` });

      fetched.length = 0;
      statuses.length = 0;
      const { payload } = await (await library()).verify(bound.sdJwt);
      expect(payload).toMatchObject({
        iss: 'urn:onegate:department:CIVIL_AFFAIRS',
        vct: 'urn:onegate:certificate-type:MARRIAGE_CERTIFICATE',
        cnf: { jwk: bound.holderKey },
        status: { status_list: reference },
        name: 'Li Wei',
        maritalStatus: 'MARRIED',
      });
      // The library did check the status: it fetched the list the credential names and read VALID.
      expect(fetched).toEqual([reference.uri]);
      expect(statuses).toEqual([0]);
    });

    it('its status list is a signed statuslist+jwt with sub, iat, exp, ttl and a 2-bit ZLIB list the library reads', async () => {
      const reference = getStatusListFromJWT(bound.sdJwt.split('~')[0]!);
      const res = await fetch(reference.uri, { headers: { accept: 'application/statuslist+jwt' } });
      expect(res.status).toBe(200);
      expect(res.headers.get('content-type')).toMatch(/^application\/statuslist\+jwt/);
      expect(res.headers.get('cache-control')).toMatch(/^public, max-age=\d+$/);
      const token = await res.text();
      expect(decodePart(token, 0)).toMatchObject({
        typ: STATUS_LIST_TOKEN_TYPE,
        alg: 'ES256',
        kid: decodePart(bound.sdJwt.split('~')[0]!, 0)['kid'],
        x5c: [expect.any(String)],
      });
      const claims = decodePart(token, 1);
      expect(claims).toMatchObject({
        sub: reference.uri,
        iss: 'urn:onegate:department:CIVIL_AFFAIRS',
        status_list: { bits: 2, lst: expect.stringMatching(/^eN/) },
      });
      expect(claims['iat']).toBeLessThanOrEqual(now() + 1);
      expect(claims['exp']).toBeGreaterThan(claims['iat']);
      expect(claims['ttl']).toBeGreaterThan(0);
      const max = Number(/max-age=(\d+)/.exec(res.headers.get('cache-control')!)![1]);
      expect(max).toBeLessThanOrEqual(claims['ttl']);
      expect(await x5cVerifier(token.slice(0, token.lastIndexOf('.')), token.slice(token.lastIndexOf('.') + 1))).toBe(true);
      const list = getListFromStatusListJWT(token);
      expect(list.getBitsPerStatus()).toBe(2);
      expect(list.getStatus(reference.idx)).toBe(0);
    });

    it('the library as the wallet presents two claims with a key-binding JWT; onegate accepts it for that audience and nonce', async () => {
      const wallet = await library();
      const presentation = await wallet.present(
        bound.sdJwt,
        { registeredOn: true, maritalStatus: true },
        { kb: { payload: { iat: now(), aud: AUDIENCE, nonce: 'n-1' } } },
      );
      expect(presentation.split('~')).toHaveLength(4);
      const result = await verify(presentation, { audience: AUDIENCE, nonce: 'n-1' });
      expect(result).toMatchObject({
        valid: true,
        holderBound: true,
        integrity: { ok: true },
        status: { state: 'VALID' },
        issuer: { ok: true, department: 'CIVIL_AFFAIRS' },
      });
      expect(result.claims).toEqual({ registeredOn: '2014-05-20', maritalStatus: 'MARRIED' });
      // And the library as the relying party agrees.
      const checked = await wallet.verify(presentation, { keyBindingNonce: 'n-1' });
      expect(checked.kb?.payload).toMatchObject({ aud: AUDIENCE, nonce: 'n-1', sd_hash: expect.any(String) });
    });

    it('onegate refuses the wrong nonce or audience, a missing key-binding JWT, an sd_hash for other disclosures, and another key', async () => {
      const wallet = await library();
      const kbFor = (nonce: string, aud = AUDIENCE) => ({ kb: { payload: { iat: now(), aud, nonce } } });
      const presentation = await wallet.present(bound.sdJwt, { registeredOn: true }, kbFor('n-2'));
      expect(await verify(presentation, { audience: AUDIENCE, nonce: 'n-3' })).toMatchObject({
        valid: false,
        holderBound: false,
        integrity: { ok: false, reason: 'KEY_BINDING_INVALID', message: expect.stringMatching(/nonce/) },
        claims: {},
      });
      expect((await verify(presentation, { audience: 'https://other.example', nonce: 'n-2' })).integrity).toMatchObject({
        reason: 'KEY_BINDING_INVALID',
        message: expect.stringMatching(/audience/),
      });
      expect((await verify(presentation)).integrity.reason).toBe('KEY_BINDING_INVALID');

      const withoutKb = await wallet.present(bound.sdJwt, { registeredOn: true });
      expect((await verify(withoutKb, { audience: AUDIENCE, nonce: 'n-2' })).integrity).toMatchObject({ ok: false, reason: 'KEY_BINDING_MISSING' });

      // The KB-JWT of a one-claim presentation appended to a two-claim one: its sd_hash no longer matches.
      const kbJwt = presentation.slice(presentation.lastIndexOf('~') + 1);
      const wider = await wallet.present(bound.sdJwt, { registeredOn: true, maritalStatus: true });
      expect((await verify(`${wider}${kbJwt}`, { audience: AUDIENCE, nonce: 'n-2' })).integrity).toMatchObject({
        reason: 'KEY_BINDING_INVALID',
        message: expect.stringMatching(/sd_hash/),
      });

      const thief = await (await library(stranger)).present(bound.sdJwt, { registeredOn: true }, kbFor('n-2'));
      expect((await verify(thief, { audience: AUDIENCE, nonce: 'n-2' })).integrity).toMatchObject({
        reason: 'KEY_BINDING_INVALID',
        message: expect.stringMatching(/not signed by the holder key/),
      });
      // The library refuses the thief's presentation too.
      await expect(wallet.verify(thief, { keyBindingNonce: 'n-2' })).rejects.toThrow();
    });

    it('onegate\'s own presentation ends in "~" for the wallet to complete; completed by the library, both sides accept it', async () => {
      const ours = await present(bound.id, ['registeredOn']);
      expect(ours.endsWith('~')).toBe(true);
      expect((await verify(ours, { audience: AUDIENCE, nonce: 'n-4' })).integrity.reason).toBe('KEY_BINDING_MISSING');
      const wallet = await library();
      await expect(wallet.verify(ours, { keyBindingNonce: 'n-4' })).rejects.toThrow(/Key Binding JWT not exist/);
      const completed = await wallet.present(ours, { registeredOn: true }, { kb: { payload: { iat: now(), aud: AUDIENCE, nonce: 'n-4' } } });
      expect(completed.startsWith(ours)).toBe(true);
      expect(await wallet.verify(completed, { keyBindingNonce: 'n-4' })).toMatchObject({ payload: { registeredOn: '2014-05-20' } });
      expect(await verify(completed, { audience: AUDIENCE, nonce: 'n-4' })).toMatchObject({
        valid: true,
        holderBound: true,
        claims: { registeredOn: '2014-05-20' },
      });
    });

    it('once revoked, the library reports it not valid (status INVALID) and so does onegate', async () => {
      const revoke = await t.graphql(
        `mutation($id: ID!) { revokeCertificate(id: $id, reason: "divorce registered") { status } }`,
        { id: bound.id },
        civilAffairs,
      );
      expect(revoke.body.errors).toBeUndefined();
      statuses.length = 0;
      await expect((await library()).verify(bound.sdJwt)).rejects.toThrow(/status 1/);
      expect(statuses).toEqual([1]);
      const reference = getStatusListFromJWT(bound.sdJwt.split('~')[0]!);
      expect(getListFromStatusListJWT(await (await fetch(reference.uri)).text()).getStatus(reference.idx)).toBe(1);
      const presentation = await (
        await library()
      ).present(bound.sdJwt, { registeredOn: true }, { kb: { payload: { iat: now(), aud: AUDIENCE, nonce: 'n-5' } } });
      expect(await verify(presentation, { audience: AUDIENCE, nonce: 'n-5' })).toMatchObject({
        valid: false,
        integrity: { ok: true },
        status: { reason: 'REVOKED', state: 'REVOKED' },
      });
    });
  });

  describe('an unbound certificate (no holder key)', () => {
    let unbound: Issued;

    beforeAll(async () => {
      unbound = await issue('conformance-unbound-1', null);
    });

    it("has no cnf; onegate's presentation verifies with the library as it is, and with onegate as before", async () => {
      expect(unbound.holderKey).toBeNull();
      expect(decodePart(unbound.sdJwt.split('~')[0]!, 1)).not.toHaveProperty('cnf');
      const ours = await present(unbound.id, ['registeredOn', 'maritalStatus']);
      const { payload } = await (await library()).verify(ours);
      expect(payload).toMatchObject({ registeredOn: '2014-05-20', maritalStatus: 'MARRIED' });
      expect(payload).not.toHaveProperty('name');
      expect(await verify(ours)).toMatchObject({ valid: true, holderBound: false, claims: { registeredOn: '2014-05-20', maritalStatus: 'MARRIED' } });
    });

    it('suspension and reinstatement show in the library as SUSPENDED (2) and then VALID', async () => {
      const reference = getStatusListFromJWT(unbound.sdJwt.split('~')[0]!);
      const valueNow = async () => getListFromStatusListJWT(await (await fetch(reference.uri)).text()).getStatus(reference.idx);
      expect(
        (await t.graphql(`mutation($id: ID!) { suspendCertificate(id: $id, reason: "court order") { status } }`, { id: unbound.id }, civilAffairs)).body.errors,
      ).toBeUndefined();
      expect(await valueNow()).toBe(2);
      await expect((await library()).verify(unbound.sdJwt)).rejects.toThrow(/status 2/);
      expect((await verify(unbound.sdJwt)).status.state).toBe('SUSPENDED');
      expect(
        (await t.graphql(`mutation($id: ID!) { reinstateCertificate(id: $id) { status } }`, { id: unbound.id }, civilAffairs)).body.errors,
      ).toBeUndefined();
      expect(await valueNow()).toBe(0);
      await expect((await library()).verify(unbound.sdJwt)).resolves.toBeDefined();
    });
  });

  describe('drift is caught', () => {
    let issued: Issued;
    let reference: { idx: number; uri: string };

    /** The issued SD-JWT's signed claims, changed, and signed again with the department's real key. */
    async function resigned(edit: (payload: Record<string, any>) => void): Promise<string> {
      const payload = decodePart(issued.sdJwt.split('~')[0]!, 1);
      const { _sd: _digests, _sd_alg: _alg, ...claims } = payload;
      edit(claims);
      const key = await t.app.get(IssuingKeysService).signingKey('CIVIL_AFFAIRS');
      return issueSdJwt({ payload: claims, disclosable: { registeredOn: '2014-05-20' }, key });
    }

    beforeAll(async () => {
      issued = await issue('conformance-drift-1', null);
      reference = getStatusListFromJWT(issued.sdJwt.split('~')[0]!);
    });

    it('the status claim as issued is read by the library (the control)', async () => {
      fetched.length = 0;
      await (await library()).verify(await resigned(() => {}));
      expect(fetched).toEqual([reference.uri]);
    });

    it('status_list.idx renamed: the library rejects the credential', async () => {
      const drifted = await resigned((claims) => (claims['status'] = { status_list: { index: reference.idx, uri: reference.uri } }));
      await expect((await library()).verify(drifted)).rejects.toThrow();
      expect((await verify(drifted)).status).toMatchObject({ ok: false, reason: 'STATUS_LIST_INVALID' });
    });

    it('the status claim renamed: the library checks no status at all, which this tier requires it to', async () => {
      const drifted = await resigned((claims) => {
        claims['statusList'] = claims['status'];
        delete claims['status'];
      });
      fetched.length = 0;
      await (await library()).verify(drifted);
      expect(fetched).toEqual([]);
    });

    it('a status list packed most-significant-bit first (the Bitstring order): the library reads another entry', async () => {
      const key = await t.app.get(IssuingKeysService).signingKey('CIVIL_AFFAIRS');
      const msbFirst = new Bitstring(131_072 * 2);
      msbFirst.set(reference.idx * 2 + 1); // value 1 (INVALID) at idx, were the bits numbered from the top
      const token = await signCompact(
        {
          iss: 'urn:onegate:department:CIVIL_AFFAIRS',
          sub: reference.uri,
          iat: now(),
          exp: now() + 3600,
          ttl: 60,
          status_list: { bits: 2, lst: deflateSync(msbFirst.bytes).toString('base64url') },
        },
        protectedHeaderFor(key, STATUS_LIST_TOKEN_TYPE),
        key,
      );
      // The revoked entry is not what a conforming reader finds at idx.
      expect(getListFromStatusListJWT(token).getStatus(reference.idx)).not.toBe(1);
    });
  });
});
