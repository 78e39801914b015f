import { generateKeyPairSync } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { parseCertVerifyArgs, parseInstant, runCertVerifyCli, USAGE } from './cert-verify.cli.js';
import type { SigningKey } from './credential/credential-model.js';
import { issueSdJwt, presentSdJwt } from './credential/sd-jwt.js';
import type { StatusPurpose } from './credential/status-list.js';
import {
  CIVIL_AFFAIRS,
  CLAIMS,
  departmentKey,
  holderSubject,
  ID_NUMBER,
  IDENTIFIER,
  INDEX,
  LEGACY_IDENTIFIER,
  ISSUED,
  listUrl,
  marriageCredential,
  bindPresentation,
  sdJwtPayload,
  signedStatusList,
  signedStatusListToken,
  testRoot,
  tokenStatus,
} from './credential/test-credentials.fixture.js';
import { signVcJwt } from './credential/vc-jwt.js';
import type { VerificationResult } from './credential/verify-credential.js';
import type { RootCa } from './trust/certificate-authority.js';
import { derToPem } from './trust/x509.js';

const AT = '2027-03-01T00:00:00Z';
let dir: string;
let root: RootCa;
let civilAffairs: SigningKey;
let rootPem: string;
let otherRootPem: string;

function path(name: string): string {
  return join(dir, name);
}

function write(name: string, content: string): string {
  writeFileSync(path(name), content);
  return path(name);
}

/** A status list credential file as saved from GET /status-lists/CIVIL_AFFAIRS/1/<purpose>. */
async function statusListFile(purpose: StatusPurpose, set: number[] = [], validUntil = new Date('2027-03-02T00:00:00Z')): Promise<string> {
  return write(
    `${purpose}-${set.join('_')}-${validUntil.getTime()}.jwt`,
    (await signedStatusList(civilAffairs, CIVIL_AFFAIRS, purpose, { set, validUntil })) + '\n',
  );
}

function marriageSdJwt(): Promise<string> {
  return issueSdJwt({ payload: sdJwtPayload(), disclosable: CLAIMS, key: civilAffairs });
}

async function freshLists(revoked: number[] = []): Promise<string[]> {
  return ['--status-list', await statusListFile('revocation', revoked), '--status-list', await statusListFile('suspension')];
}

interface Run {
  code: number;
  stdout: string;
  stderr: string;
}

async function run(argv: string[], stdin: string = ''): Promise<Run> {
  let stdout = '';
  let stderr = '';
  const code = await runCertVerifyCli(argv, {
    stdout: { write: (text: string) => (stdout += text) },
    stderr: { write: (text: string) => (stderr += text) },
    stdin: Readable.from([Buffer.from(stdin)]),
  });
  return { code, stdout, stderr };
}

async function verify(credentialFile: string, ...more: string[]): Promise<Run> {
  return run([credentialFile, '--trust', path('root-ca.pem'), '--at', AT, ...more]);
}

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'onegate-cert-verify-'));
  root = testRoot();
  rootPem = derToPem(root.certificate);
  otherRootPem = derToPem(testRoot().certificate);
  write('root-ca.pem', rootPem);
  write('other-root-ca.pem', otherRootPem);
  civilAffairs = await departmentKey(root, CIVIL_AFFAIRS);
  write('department.pem', derToPem(Buffer.from(civilAffairs.x5c[0]!, 'base64')));
  write('marriage.jwt', (await signVcJwt(marriageCredential(), civilAffairs, ISSUED)) + '\n');
});

afterAll(() => {
  rmSync(dir, { recursive: true, force: true });
});

describe('cert:verify with a cached status list', () => {
  it("accepts a certificate identified in onegate's legacy form (issued before GB/T 36904 identifiers), VC and SD-JWT alike", async () => {
    const lists = await freshLists();
    const vc = write('legacy.jwt', await signVcJwt(marriageCredential({ id: `urn:oid:${LEGACY_IDENTIFIER}` }), civilAffairs, ISSUED));
    const sdJwt = write(
      'legacy.sd-jwt',
      await issueSdJwt({ payload: sdJwtPayload({ jti: `urn:oid:${LEGACY_IDENTIFIER}` }), disclosable: CLAIMS, key: civilAffairs }),
    );
    for (const file of [vc, sdJwt]) {
      const result = await verify(file, ...lists);
      expect(result.code).toBe(0);
      expect(result.stdout).toMatch(/^VALID\n/);
      expect(result.stdout).toMatch(new RegExp(`identifier\\s+${LEGACY_IDENTIFIER.replaceAll('.', '\\.')}`));
      expect(result.stdout).toMatch(/type\s+MARRIAGE_CERTIFICATE/);
    }
  });

  it('reports a valid credential: three verdicts, identifier, type and claims; exit 0', async () => {
    const result = await verify(path('marriage.jwt'), ...(await freshLists()));
    expect(result.stderr).toBe('');
    expect(result.code).toBe(0);
    expect(result.stdout).toMatch(/^VALID\n/);
    expect(result.stdout).toMatch(/integrity\s+ok — signed with the certificate issuing key of CIVIL_AFFAIRS/);
    expect(result.stdout).toMatch(/status\s+VALID — in force/);
    expect(result.stdout).toMatch(/issuer identity\s+ok, CIVIL_AFFAIRS \(Civil Affairs Bureau\) — /);
    expect(result.stdout).toMatch(new RegExp(`identifier\\s+${IDENTIFIER.replaceAll('.', '\\.')}`));
    expect(result.stdout).toMatch(/type\s+MARRIAGE_CERTIFICATE/);
    expect(result.stdout).toContain('verified at      2027-03-01T00:00:00.000Z');
    for (const value of Object.values(CLAIMS)) expect(result.stdout).toContain(value);
    expect(result.stdout).toContain(`urn:onegate:person:${ID_NUMBER}`);
    expect(result.stdout).toContain('cached copy: ');
    expect(result.stdout).not.toContain('fresh status list');
  });

  it('never echoes the credential itself', async () => {
    const compact = readFileSync(path('marriage.jwt'), 'utf8').trim();
    const [header, payload, signature] = compact.split('.') as [string, string, string];
    for (const argv of [[], ['--json']]) {
      const result = await verify(path('marriage.jwt'), ...argv, ...(await freshLists()));
      for (const part of [header, payload, signature]) expect(result.stdout).not.toContain(part.slice(0, 24));
    }
  });

  it('reports a credential revoked per the cached list as REVOKED; exit 1', async () => {
    const result = await verify(path('marriage.jwt'), ...(await freshLists([INDEX])));
    expect(result.code).toBe(1);
    expect(result.stdout).toMatch(/^NOT VALID\n/);
    expect(result.stdout).toMatch(/status\s+REVOKED — the issuing department has revoked this certificate/);
    expect(result.stdout).toMatch(/integrity\s+ok/);
  });

  it('reads the credential from stdin with -', async () => {
    const compact = await signVcJwt(marriageCredential(), civilAffairs, ISSUED);
    const result = await run(['-', '--trust', path('root-ca.pem'), '--at', AT, ...(await freshLists())], `\n  ${compact}\r\n`);
    expect(result).toMatchObject({ code: 0, stderr: '' });
    expect(result.stdout).toMatch(/^VALID\n/);
  });
});

describe('cert:verify without a usable status list', () => {
  it('says UNKNOWN and that a fresh status list is needed when none is cached; exit 1', async () => {
    const result = await verify(path('marriage.jwt'));
    expect(result.code).toBe(1);
    expect(result.stdout).toMatch(/^NOT VALID\n/);
    expect(result.stdout).toMatch(/status\s+UNKNOWN \(STATUS_UNAVAILABLE\) — /);
    expect(result.stdout).toContain('A fresh status list is needed to confirm the status offline');
    expect(result.stdout).toContain(`${listUrl('CIVIL_AFFAIRS', 'revocation')}\n    not given`);
    expect(result.stdout).toContain(`${listUrl('CIVIL_AFFAIRS', 'suspension')}\n    not given`);
    // The integrity and issuer verdicts still hold, and the claims are shown.
    expect(result.stdout).toMatch(/integrity\s+ok/);
    expect(result.stdout).toMatch(/issuer identity\s+ok/);
    expect(result.stdout).toContain(CLAIMS.name);
  });

  it('says UNKNOWN when only one of the two lists is cached', async () => {
    const result = await verify(path('marriage.jwt'), '--status-list', await statusListFile('revocation'));
    expect(result.code).toBe(1);
    expect(result.stdout).toMatch(/status\s+UNKNOWN \(STATUS_UNAVAILABLE\)/);
    expect(result.stdout).toContain(`${listUrl('CIVIL_AFFAIRS', 'suspension')}\n    not given`);
  });

  it('says UNKNOWN when the cached lists are out of date', async () => {
    const old = new Date('2027-02-28T12:00:00Z');
    const result = await verify(
      path('marriage.jwt'),
      '--status-list',
      await statusListFile('revocation', [], old),
      '--status-list',
      await statusListFile('suspension', [], old),
    );
    expect(result.code).toBe(1);
    expect(result.stdout).toMatch(/status\s+UNKNOWN \(STATUS_LIST_INVALID\) — .*out of date/);
    expect(result.stdout).toContain('A fresh status list is needed');
  });
});

describe('cert:verify: integrity and trust', () => {
  it('reports a tampered credential as failing integrity, without claims; exit 1', async () => {
    const [header, , signature] = (await signVcJwt(marriageCredential(), civilAffairs, ISSUED)).split('.');
    const edited = Buffer.from(JSON.stringify(marriageCredential({ credentialSubject: holderSubject({ name: 'Someone Else' }) }))).toString('base64url');
    const file = write('tampered.jwt', `${header}.${edited}.${signature}`);
    const result = await verify(file, ...(await freshLists()));
    expect(result.code).toBe(1);
    expect(result.stdout).toMatch(/^NOT VALID\n/);
    expect(result.stdout).toMatch(/integrity\s+FAILED BAD_SIGNATURE — /);
    expect(result.stdout).toMatch(/status\s+NOT CHECKED/);
    expect(result.stdout).toMatch(/issuer identity\s+NOT CHECKED/);
    expect(result.stdout).toContain('No claims are shown');
    expect(result.stdout).not.toContain('Someone Else');
    expect(result.stdout).not.toContain(ID_NUMBER);
  });

  it('refuses a credential under another trust anchor; exit 1', async () => {
    const result = await run([path('marriage.jwt'), '--trust', path('other-root-ca.pem'), '--at', AT, ...(await freshLists())]);
    expect(result.code).toBe(1);
    expect(result.stdout).toMatch(/integrity\s+FAILED UNTRUSTED_ISSUER/);
  });

  it('accepts a trust file holding several roots (a rollover)', async () => {
    const both = write('both-roots.pem', otherRootPem + rootPem);
    const result = await run([path('marriage.jwt'), '--trust', both, '--at', AT, ...(await freshLists())]);
    expect(result.code).toBe(0);
  });

  it('reads the types from --types: an empty folder knows no type; exit 1', async () => {
    const empty = mkdtempSync(join(dir, 'types-'));
    const result = await verify(path('marriage.jwt'), '--types', empty, ...(await freshLists()));
    expect(result.code).toBe(1);
    expect(result.stdout).toMatch(/issuer identity\s+FAILED TYPE_UNKNOWN, CIVIL_AFFAIRS/);
  });

  it('escapes control characters in signed claims', async () => {
    const file = write(
      'escape.jwt',
      await signVcJwt(marriageCredential({ credentialSubject: holderSubject({ ...CLAIMS, name: 'Li\u001b[2J Lei\u009b' }) }), civilAffairs, ISSUED),
    );
    const result = await verify(file, ...(await freshLists()));
    expect(result.code).toBe(0);
    expect(result.stdout).toContain('Li\\u001b[2J Lei\\u009b');
    expect(result.stdout).not.toMatch(/[\u001b\u009b]/);
  });
});

describe('cert:verify --json', () => {
  it('prints the VerificationResult', async () => {
    const result = await verify(path('marriage.jwt'), '--json', ...(await freshLists()));
    expect(result.code).toBe(0);
    const parsed = JSON.parse(result.stdout) as VerificationResult;
    expect(parsed).toEqual({
      valid: true,
      format: 'vc+jwt',
      identifier: IDENTIFIER,
      certificateType: 'MARRIAGE_CERTIFICATE',
      integrity: { ok: true, reason: null, message: expect.any(String) },
      status: { ok: true, reason: null, message: expect.any(String), state: 'VALID' },
      issuer: { ok: true, reason: null, message: expect.any(String), department: 'CIVIL_AFFAIRS' },
      claims: { id: `urn:onegate:person:${ID_NUMBER}`, ...CLAIMS },
      holderBound: false,
    });
  });

  it('prints a not-valid result as JSON too, with exit 1', async () => {
    const result = await verify(path('marriage.jwt'), '--json');
    expect(result.code).toBe(1);
    expect(JSON.parse(result.stdout)).toMatchObject({ valid: false, status: { ok: false, state: 'UNKNOWN', reason: 'STATUS_UNAVAILABLE' } });
  });
});

describe('cert:verify: SD-JWT VC', () => {
  it('shows all claims of an issuance', async () => {
    const file = write('issued.sd-jwt', await marriageSdJwt());
    const result = await verify(file, ...(await freshLists()));
    expect(result.code).toBe(0);
    expect(result.stdout).toMatch(/format\s+dc\+sd-jwt/);
    expect(result.stdout).toContain('Disclosed claims:');
    for (const value of Object.values(CLAIMS)) expect(result.stdout).toContain(value);
  });

  it('shows only the disclosed claims of a presentation', async () => {
    const file = write('presented.sd-jwt', presentSdJwt(await marriageSdJwt(), ['name', 'registeredOn']) + '\n');
    const result = await verify(file, ...(await freshLists()));
    expect(result.code).toBe(0);
    expect(result.stdout).toMatch(/name\s+Li Lei\n/);
    expect(result.stdout).toMatch(/registeredOn\s+2026-11-22\n/);
    expect(result.stdout).not.toContain('spouseName');
    expect(result.stdout).not.toContain(CLAIMS.spouseName);
    expect(result.stdout).not.toContain(CLAIMS.registrationOffice);
    const json = await verify(file, '--json', ...(await freshLists()));
    expect((JSON.parse(json.stdout) as VerificationResult).claims).toEqual({ name: 'Li Lei', registeredOn: '2026-11-22' });
  });

  it('says when nothing is disclosed', async () => {
    const file = write('nothing.sd-jwt', presentSdJwt(await marriageSdJwt(), []));
    const result = await verify(file, ...(await freshLists()));
    expect(result.code).toBe(0);
    expect(result.stdout).toContain('(none disclosed)');
  });
});

describe('cert:verify: SD-JWT VC with a Token Status List and holder binding', () => {
  const holder = generateKeyPairSync('ec', { namedCurve: 'P-256' });
  const tokenFile = async (statuses: Record<number, number> = {}) =>
    write(`token-${JSON.stringify(statuses).replace(/\W/g, '')}.jwt`, await signedStatusListToken(civilAffairs, CIVIL_AFFAIRS, { statuses }));

  it('reads statuslist+jwt files beside the Bitstring ones, and needs the one the status claim names', async () => {
    const file = write(
      'with-status.sd-jwt',
      await issueSdJwt({ payload: sdJwtPayload({ status: tokenStatus('CIVIL_AFFAIRS') }), disclosable: CLAIMS, key: civilAffairs }),
    );
    const without = await verify(file, ...(await freshLists()));
    expect(without.code).toBe(1);
    expect(without.stdout).toMatch(/UNKNOWN/);
    expect(without.stdout).toContain('https://onegate.example/status-lists/CIVIL_AFFAIRS/1\n    not given');
    const valid = await verify(file, ...(await freshLists()), '--status-list', await tokenFile());
    expect(valid.code).toBe(0);
    const suspended = await verify(file, ...(await freshLists()), '--status-list', await tokenFile({ [INDEX]: 2 }));
    expect(suspended.code).toBe(1);
    expect(suspended.stdout).toMatch(/status\s+SUSPENDED/);
  });

  it('checks the key-binding JWT of a holder-bound presentation with --audience and --nonce', async () => {
    const bound = await issueSdJwt({
      payload: sdJwtPayload({ cnf: { jwk: holder.publicKey.export({ format: 'jwk' }) } }),
      disclosable: CLAIMS,
      key: civilAffairs,
    });
    const file = write('bound.sd-jwt', bindPresentation(presentSdJwt(bound, ['name']), holder.privateKey, { audience: 'https://bank.example', nonce: 'n-42' }));
    const ok = await verify(file, ...(await freshLists()), '--audience', 'https://bank.example', '--nonce', 'n-42');
    expect(ok.code).toBe(0);
    expect(ok.stdout).toMatch(/holder binding\s+verified/);
    const replayed = await verify(file, ...(await freshLists()), '--audience', 'https://bank.example', '--nonce', 'n-43');
    expect(replayed.code).toBe(1);
    expect(replayed.stdout).toMatch(/FAILED KEY_BINDING_INVALID/);
    const unchecked = await verify(file, ...(await freshLists()));
    expect(unchecked.stdout).toMatch(/FAILED KEY_BINDING_INVALID .*audience and nonce/);
    const missing = await verify(
      write('unbound-presentation.sd-jwt', presentSdJwt(bound, ['name'])),
      ...(await freshLists()),
      '--audience',
      'a',
      '--nonce',
      'n',
    );
    expect(missing.stdout).toMatch(/FAILED KEY_BINDING_MISSING/);
  });
});

describe('cert:verify usage errors (exit 2)', () => {
  async function expectUsageError(argv: string[], message: RegExp | string, stdin?: string): Promise<void> {
    const result = await run(argv, stdin);
    expect(result.code).toBe(2);
    expect(result.stdout).toBe('');
    expect(result.stderr).toMatch(/^onegate cert:verify: /);
    if (typeof message === 'string') expect(result.stderr).toContain(message);
    else expect(result.stderr).toMatch(message);
    expect(result.stderr).not.toMatch(/\n\s+at /); // no stack trace
  }

  it('requires the credential file and --trust', async () => {
    await expectUsageError([], 'the credential <file> is required');
    await expectUsageError(['--trust', path('root-ca.pem')], 'the credential <file> is required');
    await expectUsageError([path('marriage.jwt')], '--trust <pem file> is required');
    await expectUsageError([path('marriage.jwt'), 'second.jwt', '--trust', path('root-ca.pem')], 'give one credential <file>, not 2');
  });

  it('refuses unknown, repeated and value-less flags', async () => {
    await expectUsageError([path('marriage.jwt'), '--trust', path('root-ca.pem'), '--verbose'], 'unknown flag --verbose');
    await expectUsageError([path('marriage.jwt'), '--trust', path('root-ca.pem'), '--trust', path('root-ca.pem')], '--trust is given more than once');
    await expectUsageError([path('marriage.jwt'), '--trust'], '--trust needs a value');
    await expectUsageError([path('marriage.jwt'), '--trust', '--json'], '--trust needs a value');
    await expectUsageError([path('marriage.jwt'), '--trust', '-'], 'stdin (-) is only for the credential');
    await expectUsageError([path('marriage.jwt'), '--trust', path('root-ca.pem'), '--json', '--json'], '--json is given more than once');
  });

  it('refuses an unreadable, empty or oversized credential file', async () => {
    await expectUsageError([path('missing.jwt'), '--trust', path('root-ca.pem')], /cannot read the credential .*missing\.jwt: no such file/);
    await expectUsageError([dir, '--trust', path('root-ca.pem')], /cannot read the credential .*: it is a directory/);
    await expectUsageError([write('empty.jwt', '  \n'), '--trust', path('root-ca.pem')], 'is empty');
    await expectUsageError(['-', '--trust', path('root-ca.pem')], 'the credential stdin is empty', '');
    await expectUsageError([write('huge.jwt', 'a'.repeat(70 * 1024)), '--trust', path('root-ca.pem')], 'too large: at most 64 KiB');
  });

  it('refuses a bad trust file', async () => {
    await expectUsageError([path('marriage.jwt'), '--trust', path('missing.pem')], /cannot read the trust anchor file .*missing\.pem: no such file/);
    await expectUsageError([path('marriage.jwt'), '--trust', write('not.pem', 'hello\n')], 'no CERTIFICATE block found');
    await expectUsageError(
      [path('marriage.jwt'), '--trust', write('bad64.pem', '-----BEGIN CERTIFICATE-----\n!!!!\n-----END CERTIFICATE-----\n')],
      'not valid base64',
    );
    await expectUsageError([path('marriage.jwt'), '--trust', path('department.pem')], 'is not a CA certificate');
  });

  it('refuses status list files that are not status list credentials, or two copies of one list', async () => {
    const trust = ['--trust', path('root-ca.pem')];
    await expectUsageError([path('marriage.jwt'), ...trust, '--status-list', write('junk.jwt', 'junk')], /junk\.jwt is not a status list/);
    await expectUsageError([path('marriage.jwt'), ...trust, '--status-list', path('marriage.jwt')], 'its type is not BitstringStatusListCredential');
    await expectUsageError([path('marriage.jwt'), ...trust, '--status-list', path('nope.jwt')], /cannot read the status list .*nope\.jwt/);
    const revocation = await statusListFile('revocation');
    const again = write('again.jwt', (await signVcJwt({ ...payloadOf(revocation) }, civilAffairs, ISSUED)) + '\n');
    await expectUsageError([path('marriage.jwt'), ...trust, '--status-list', revocation, '--status-list', again], 'pass only the current one');
  });

  it('refuses a bad --at or --types', async () => {
    const base = [path('marriage.jwt'), '--trust', path('root-ca.pem')];
    await expectUsageError([...base, '--at', 'yesterday'], '--at "yesterday" is not an ISO-8601 date');
    await expectUsageError([...base, '--at', '2027-02-30'], 'is not an ISO-8601 date');
    await expectUsageError([...base, '--at', '2027-03-01T10:00:00'], 'with a zone');
    await expectUsageError([...base, '--types', path('no-such-dir')], /cannot read the certificate types from .*no-such-dir/);
  });

  it('prints the usage with --help, exit 0', async () => {
    const result = await run(['--help']);
    expect(result).toEqual({ code: 0, stdout: '', stderr: USAGE + '\n' });
    expect(USAGE).toContain('--trust <pem file>');
  });
});

describe('parseCertVerifyArgs', () => {
  it('reads the file, flags in either form, repeated --status-list and --json', () => {
    expect(parseCertVerifyArgs(['--trust=root.pem', 'c.jwt', '--status-list', 'a.jwt', '--status-list=b.jwt', '--json', '--at', '2027-03-01'])).toEqual({
      credential: 'c.jwt',
      trust: 'root.pem',
      statusLists: ['a.jwt', 'b.jwt'],
      types: undefined,
      at: new Date('2027-03-01T00:00:00Z'),
      json: true,
    });
    expect(parseCertVerifyArgs(['--trust', 'root.pem', '--', '-odd-name.jwt']).credential).toBe('-odd-name.jwt');
    expect(parseCertVerifyArgs(['-', '--trust', 'root.pem']).credential).toBe('-');
  });

  it('reads ISO-8601 instants with zones', () => {
    expect(parseInstant('2027-03-01T08:00:00+08:00')).toEqual(new Date('2027-03-01T00:00:00Z'));
    expect(parseInstant('2027-03-01T00:00Z')).toEqual(new Date('2027-03-01T00:00:00Z'));
    expect(() => parseInstant('2027-03-01T24:00:00Z')).toThrow('not an ISO-8601');
    expect(() => parseInstant('1772323200')).toThrow('not an ISO-8601');
  });
});

function payloadOf(file: string): Record<string, unknown> {
  return JSON.parse(Buffer.from(readFileSync(file, 'utf8').trim().split('.')[1]!, 'base64url').toString('utf8')) as Record<string, unknown>;
}
