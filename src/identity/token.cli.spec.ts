import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { computeIdNumberCheck } from '../common/identifiers/id-number.js';
import { loadConfig } from '../config/app-config.js';
import { TokenVerifier } from './token-verifier.js';
import { DEFAULT_TTL_SECONDS, parseTokenArgs, runTokenCli, TokenArgsError } from './token.cli.js';

const CITIZEN_ID = '11010519491231002' + computeIdNumberCheck('11010519491231002');

describe('parseTokenArgs', () => {
  const fails = (argv: string[], message: RegExp) => {
    expect(() => parseTokenArgs(argv)).toThrow(TokenArgsError);
    expect(() => parseTokenArgs(argv)).toThrow(message);
  };

  it('parses a clerk and derives the region from a known hall', () => {
    expect(parseTokenArgs(['--role', 'clerk', '--sub', 'C-001', '--hall', 'JINGAN-01'])).toEqual({
      role: 'clerk',
      sub: 'C-001',
      hall: 'JINGAN-01',
      region: '310106',
      ttlSeconds: DEFAULT_TTL_SECONDS,
    });
    expect(parseTokenArgs(['--role=clerk', '--sub=C-2', '--hall=YINCHUAN-HF-01'])).toMatchObject({ region: '640106' });
  });

  it('takes an explicit region, and requires one for a hall outside the registry', () => {
    expect(parseTokenArgs(['--role', 'clerk', '--sub', 'C-1', '--hall', 'PUDONG-07', '--region', '310115'])).toMatchObject({
      hall: 'PUDONG-07',
      region: '310115',
    });
    fails(['--role', 'clerk', '--sub', 'C-1', '--hall', 'PUDONG-07'], /unknown hall PUDONG-07: give its --region/);
    fails(['--role', 'clerk', '--sub', 'C-1', '--hall', 'JINGAN-01', '--region', '3101'], /--region must be a 6-digit/);
  });

  it('parses department, auditor, admin and citizen', () => {
    expect(parseTokenArgs(['--role', 'department', '--sub', 'svc-health', '--department', 'HEALTH'])).toEqual({
      role: 'department',
      sub: 'svc-health',
      department: 'HEALTH',
      ttlSeconds: DEFAULT_TTL_SECONDS,
    });
    expect(parseTokenArgs(['--role', 'department', '--sub', 'svc-water', '--department', 'WATER_SUPPLY'])).toMatchObject({ department: 'WATER_SUPPLY' });
    expect(parseTokenArgs(['--role', 'auditor', '--sub', 'U-1'])).toMatchObject({ role: 'auditor' });
    expect(parseTokenArgs(['--role', 'admin', '--sub', 'A-1', '--ttl', '600'])).toMatchObject({ role: 'admin', ttlSeconds: 600 });
    expect(parseTokenArgs(['--role', 'citizen', '--sub', CITIZEN_ID])).toMatchObject({ role: 'citizen', sub: CITIZEN_ID });
  });

  it('rejects unknown flags, stray arguments, missing and repeated values', () => {
    fails(['--role', 'admin', '--sub', 'A-1', '--scope', 'all'], /unknown flag --scope/);
    fails(['admin'], /unexpected argument/);
    fails(['-r', 'admin'], /unexpected argument/);
    fails(['--role'], /--role needs a value/);
    fails(['--role', '--sub', 'A-1'], /--role needs a value/);
    fails(['--role=', '--sub', 'A-1'], /--role needs a value/);
    fails(['--role', 'admin', '--role', 'clerk', '--sub', 'A-1'], /more than once/);
    fails(['--sub', 'A-1'], /--role is required/);
    fails(['--role', 'admin'], /--sub is required/);
  });

  it('rejects a role that is not one of the five', () => {
    fails(['--role', 'root', '--sub', 'A-1'], /--role must be one of clerk, department, auditor, admin, citizen/);
    fails(['--role', 'Admin', '--sub', 'A-1'], /--role must be one of/);
  });

  it('rejects a clerk without a hall, and hall/region for other roles', () => {
    fails(['--role', 'clerk', '--sub', 'C-1'], /--hall is required for --role clerk/);
    fails(['--role', 'clerk', '--sub', 'C-1', '--hall', 'jingan 01'], /--hall must be a hall code/);
    fails(['--role', 'admin', '--sub', 'A-1', '--hall', 'JINGAN-01'], /apply only to --role clerk/);
  });

  it('rejects a department without a valid --department, and --department for other roles', () => {
    fails(['--role', 'department', '--sub', 'svc'], /--department must be one of PUBLIC_SECURITY/);
    fails(['--role', 'department', '--sub', 'svc', '--department', 'health'], /--department must be one of/);
    fails(['--role', 'auditor', '--sub', 'U-1', '--department', 'HEALTH'], /applies only to --role department/);
  });

  it('rejects a citizen whose sub is not a valid ID number, without echoing it', () => {
    const wrong = CITIZEN_ID.slice(0, 17) + (CITIZEN_ID.endsWith('0') ? '1' : '0');
    fails(['--role', 'citizen', '--sub', wrong], /valid ID number: .*check character/);
    expect(() => parseTokenArgs(['--role', 'citizen', '--sub', wrong])).not.toThrow(wrong);
    fails(['--role', 'citizen', '--sub', 'C-001'], /valid ID number/);
  });

  it('rejects a sub with spaces or odd characters', () => {
    fails(['--role', 'admin', '--sub', 'a b'], /--sub must be/);
    fails(['--role', 'admin', '--sub', '-x'], /--sub must be/);
    fails(['--role', 'admin', '--sub', 'x'.repeat(129)], /--sub must be/);
  });

  it('rejects a ttl that is not an integer in range', () => {
    for (const ttl of ['59', '43201', '1e3', '600.5', '-600', 'soon', ' 600']) {
      fails(['--role', 'admin', '--sub', 'A-1', '--ttl', ttl], /--ttl must be an integer number of seconds from 60 to 43200/);
    }
    expect(parseTokenArgs(['--role', 'admin', '--sub', 'A-1', '--ttl', '43200'])).toMatchObject({ ttlSeconds: 43200 });
    expect(() => parseTokenArgs(['--role', 'admin', '--sub', 'A-1', '--ttl', '7200'], { maxTtlSeconds: 3600 })).toThrow(/60 to 3600/);
    expect(parseTokenArgs(['--role', 'admin', '--sub', 'A-1'], { maxTtlSeconds: 600 })).toMatchObject({ ttlSeconds: 600 });
  });
});

describe('runTokenCli', () => {
  let root: string;

  beforeAll(async () => {
    root = await mkdtemp(join(tmpdir(), 'onegate-token-cli-'));
  });

  afterAll(async () => {
    await rm(root, { recursive: true, force: true });
  });

  async function run(argv: string[], env: NodeJS.ProcessEnv = {}) {
    let stdout = '';
    let stderr = '';
    const code = await runTokenCli(
      argv,
      { NODE_ENV: 'development', DATA_DIR: root, ...env },
      {
        stdout: { write: (text: string) => (stdout += text) },
        stderr: { write: (text: string) => (stderr += text) },
      },
    );
    return { code, stdout, stderr };
  }

  it('prints exactly one verifiable token and a newline on stdout', async () => {
    const { code, stdout, stderr } = await run(['--role', 'clerk', '--sub', 'C-001', '--hall', 'LONGYOU-01']);
    expect(code).toBe(0);
    expect(stderr).toBe('');
    expect(stdout).toMatch(/^[\w-]+\.[\w-]+\.[\w-]+\n$/);
    const verifier = new TokenVerifier(loadConfig({ NODE_ENV: 'development', DATA_DIR: root }));
    expect(await verifier.verify(stdout.trim())).toMatchObject({ kind: 'clerk', hall: 'LONGYOU-01', region: '330825' });
  });

  it('exits 2 with a message on stderr for bad arguments', async () => {
    const { code, stdout, stderr } = await run(['--role', 'clerk', '--sub', 'C-001']);
    expect(code).toBe(2);
    expect(stdout).toBe('');
    expect(stderr).toMatch(/--hall is required for --role clerk/);
  });

  it('refuses in production and with an external issuer (exit 1)', async () => {
    const production = await run(['--role', 'admin', '--sub', 'A-1'], { NODE_ENV: 'production' });
    expect(production).toMatchObject({ code: 1, stdout: '' });
    expect(production.stderr).toMatch(/refused: .*NODE_ENV=production/);
    const external = await run(['--role', 'admin', '--sub', 'A-1'], { TOKEN_JWKS_URL: 'https://idp.example/jwks' });
    expect(external).toMatchObject({ code: 1, stdout: '' });
    expect(external.stderr).toMatch(/refused: TOKEN_JWKS_URL is set/);
  });

  it('prints a configuration error and exits 1', async () => {
    const { code, stdout, stderr } = await run(['--role', 'admin', '--sub', 'A-1'], { TOKEN_MAX_AGE_SECONDS: 'soon' });
    expect(code).toBe(1);
    expect(stdout).toBe('');
    expect(stderr).toMatch(/invalid configuration:[\s\S]*TOKEN_MAX_AGE_SECONDS/);
  });

  it('bounds --ttl by TOKEN_MAX_AGE_SECONDS', async () => {
    const { code, stderr } = await run(['--role', 'admin', '--sub', 'A-1', '--ttl', '7200'], { TOKEN_MAX_AGE_SECONDS: '3600' });
    expect(code).toBe(2);
    expect(stderr).toMatch(/from 60 to 3600/);
  });
});
