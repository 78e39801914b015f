import { describe, expect, it } from '@jest/globals';
import { parseConnectorConfig } from './connector-config.js';

const ACCOUNTS = {
  path: '/v1/social-insurance/accounts?idNumbers={subjects}',
  batch: true,
  records: 'accounts',
  subjectField: 'id_number',
  fields: { accountNumber: 'account_no', status: 'status', contributionMonths: 'contribution_months', employer: 'employer' },
};

function http(overrides: Record<string, unknown> = {}) {
  return {
    kind: 'http',
    baseUrl: 'http://127.0.0.1:4100',
    auth: { kind: 'hmac', keyId: 'onegate', secretEnv: 'HR_API_HMAC_SECRET' },
    items: { 'social_insurance.account': ACCOUNTS },
    ...overrides,
  };
}

function problem(value: unknown): string {
  try {
    parseConnectorConfig(value, 'HUMAN_RESOURCES');
  } catch (error) {
    return (error as Error).message;
  }
  throw new Error('expected the configuration to be refused');
}

describe('parseConnectorConfig', () => {
  it('accepts the database connector', () => {
    expect(parseConnectorConfig({ kind: 'database' }, 'CIVIL_AFFAIRS')).toEqual({ kind: 'database' });
  });

  it('accepts an HTTP connector with each kind of auth and returns a normalised copy', () => {
    const input = http({ baseUrl: 'https://hr.example.gov:8443/api/', timeoutMs: 1500 });
    const parsed = parseConnectorConfig(input, 'HUMAN_RESOURCES');
    expect(parsed).toEqual({ ...input, baseUrl: 'https://hr.example.gov:8443/api' });
    expect(parsed).not.toBe(input);
    expect(parseConnectorConfig(http({ auth: { kind: 'bearer', tokenEnv: 'HR_TOKEN' } }), 'HUMAN_RESOURCES')).toMatchObject({
      auth: { kind: 'bearer', tokenEnv: 'HR_TOKEN' },
    });
    expect(parseConnectorConfig(http({ auth: { kind: 'none' } }), 'HUMAN_RESOURCES')).toMatchObject({ auth: { kind: 'none' } });
  });

  it('accepts a per-subject item with {subject} and a batch item with maxBatch', () => {
    const items = {
      'social_insurance.account': { ...ACCOUNTS, path: '/v1/accounts/{subject}', batch: false },
      'person.identity': { ...ACCOUNTS, path: '/v1/people?ids={subjects}', maxBatch: 20, records: 'data.people' },
    };
    expect(parseConnectorConfig(http({ items }), 'HUMAN_RESOURCES')).toMatchObject({ items });
  });

  it('names the department and the bad field', () => {
    expect(problem(http({ baseUrl: 'ftp://127.0.0.1' }))).toBe('connector of HUMAN_RESOURCES is invalid: baseUrl: must use http or https, not ftp');
  });

  it.each([
    ['not an object', 'database', '(root): must be an object'],
    ['unknown kind', { kind: 'grpc' }, 'kind: must be one of "database", "http"'],
    ['extra key on database', { kind: 'database', url: 'x' }, 'url: is not a known setting'],
    ['missing baseUrl', http({ baseUrl: undefined }), 'baseUrl: must be an http(s) URL'],
    ['unparsable baseUrl', http({ baseUrl: 'not a url' }), 'baseUrl: is not a valid URL'],
    ['credentials in baseUrl', http({ baseUrl: 'https://user:pw@hr.example.gov' }), 'baseUrl: must not contain credentials'],
    ['query in baseUrl', http({ baseUrl: 'https://hr.example.gov/?a=1' }), 'baseUrl: must not have a query'],
    ['zero timeout', http({ timeoutMs: 0 }), 'timeoutMs: must be an integer'],
    ['missing auth', http({ auth: undefined }), 'auth: must be an object'],
    ['unknown auth kind', http({ auth: { kind: 'basic' } }), 'auth.kind: must be one of'],
    [
      'secret instead of env name',
      http({ auth: { kind: 'bearer', tokenEnv: 'eyJhbGciOi.secret' } }),
      'auth.tokenEnv: must be the name of an environment variable',
    ],
    ['secret key on hmac', http({ auth: { kind: 'hmac', keyId: 'onegate', secretEnv: 'S', secret: 'x' } }), 'auth.secret: is not a known setting'],
    ['bad keyId', http({ auth: { kind: 'hmac', keyId: 'has space', secretEnv: 'S' } }), 'auth.keyId: must be'],
    ['no items', http({ items: {} }), 'items: must be an object with at least one data item'],
    ['bad item code', http({ items: { Accounts: ACCOUNTS } }), 'items["Accounts"]: is not a data item code'],
    [
      'batch path without {subjects}',
      http({ items: { 'a.b': { ...ACCOUNTS, path: '/v1/accounts/{subject}' } } }),
      'items["a.b"].path: must contain {subjects} exactly once',
    ],
    ['single path without {subject}', http({ items: { 'a.b': { ...ACCOUNTS, batch: false } } }), 'items["a.b"].path: must contain {subject} exactly once'],
    ['relative path', http({ items: { 'a.b': { ...ACCOUNTS, path: 'v1/x?ids={subjects}' } } }), 'items["a.b"].path: must be a string starting with "/"'],
    [
      'other placeholder',
      http({ items: { 'a.b': { ...ACCOUNTS, path: '/v1/{region}/x?ids={subjects}' } } }),
      'items["a.b"].path: must contain {subjects} exactly once',
    ],
    ['batch not boolean', http({ items: { 'a.b': { ...ACCOUNTS, batch: 'yes' } } }), 'items["a.b"].batch: must be true or false'],
    [
      'maxBatch on single',
      http({ items: { 'a.b': { ...ACCOUNTS, path: '/x/{subject}', batch: false, maxBatch: 5 } } }),
      'items["a.b"].maxBatch: only applies when batch is true',
    ],
    ['empty records', http({ items: { 'a.b': { ...ACCOUNTS, records: '' } } }), 'items["a.b"].records: must be a dotted path'],
    ['records through the prototype', http({ items: { 'a.b': { ...ACCOUNTS, records: 'x.__proto__' } } }), 'items["a.b"].records: must be a dotted path'],
    ['missing subjectField', http({ items: { 'a.b': { ...ACCOUNTS, subjectField: undefined } } }), 'items["a.b"].subjectField: must be a dotted path'],
    ['no fields', http({ items: { 'a.b': { ...ACCOUNTS, fields: {} } } }), 'items["a.b"].fields: must map at least one'],
    ['bad source path', http({ items: { 'a.b': { ...ACCOUNTS, fields: { status: 'a..b' } } } }), 'items["a.b"].fields.status: must be a dotted path'],
    [
      'bad target field',
      http({ items: { 'a.b': { ...ACCOUNTS, fields: { 'account-number': 'a' } } } }),
      'items["a.b"].fields["account-number"]: is not a valid field name',
    ],
    ['typo in an item key', http({ items: { 'a.b': { ...ACCOUNTS, subjectfield: 'id' } } }), 'items["a.b"].subjectfield: is not a known setting'],
  ])('refuses %s', (_label, value, message) => {
    expect(problem(value)).toContain(message);
  });

  it('lists every problem at once', () => {
    const message = problem(http({ baseUrl: 'ftp://x', auth: { kind: 'bearer' }, items: { 'a.b': { ...ACCOUNTS, batch: 1 } } }));
    expect(message).toContain('baseUrl:');
    expect(message).toContain('auth.tokenEnv:');
    expect(message).toContain('items["a.b"].batch:');
  });
});
