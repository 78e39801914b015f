import { describe, expect, it } from '@jest/globals';
import { createLogger } from './logger.js';

const ID_NUMBER = '330825198803142023';

function capture(log: (logger: ReturnType<typeof createLogger>) => void): string {
  let out = '';
  const logger = createLogger('info', 'test', { write: (line: string) => void (out += line) });
  log(logger);
  return out;
}

describe('createLogger', () => {
  it('redacts tokens, passwords and GraphQL variables', () => {
    const out = capture((l) => l.info({ token: 'eyJ.secret', password: 'hunter2', variables: { idNumber: ID_NUMBER } }, 'x'));
    expect(out).not.toMatch(/eyJ\.secret|hunter2|330825/);
    expect(out).toContain('[redacted]');
  });

  it('keeps database error details and bound parameters, which may quote a citizen, out of the log', () => {
    const failing = Object.assign(new Error('new row violates check constraint'), { code: '23514', detail: `Failing row contains (${ID_NUMBER})` });
    const wrapped = new Error('the audit ledger cannot be written', { cause: failing });
    const typeorm = Object.assign(new Error('QueryFailedError'), { parameters: [ID_NUMBER], driverError: { detail: `Key (id)=(${ID_NUMBER})` } });
    const out = capture((l) => {
      l.error({ err: failing }, 'a');
      l.error({ err: wrapped }, 'b');
      l.error({ err: typeorm }, 'c');
    });
    expect(out).not.toContain(ID_NUMBER);
    expect(out).toContain('new row violates check constraint');
    expect(out).toContain('23514');
  });
});
