import { describe, expect, it } from '@jest/globals';
import { createGatewayLogger, createLogger } from './logger.js';

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

function output(isTTY: boolean) {
  const lines: string[] = [];
  return { lines, stream: { isTTY, write: (text: string) => void lines.push(text) } };
}

describe('createGatewayLogger', () => {
  it('writes JSON lines when the output is not a terminal', async () => {
    const { lines, stream } = output(false);
    const logger = await createGatewayLogger('info', stream);
    logger.info({ requestId: 'r-1', authorization: 'Bearer secret' }, 'request completed');
    expect(lines).toHaveLength(1);
    expect(JSON.parse(lines[0]!)).toMatchObject({ level: 30, msg: 'request completed', requestId: 'r-1', authorization: '[redacted]' });
  });

  it('pretty-prints on a terminal with pino-pretty, redacted all the same', async () => {
    const { lines, stream } = output(true);
    const logger = await createGatewayLogger('info', stream);
    logger.info({ requestId: 'r-2', token: 'eyJsecret' }, 'request completed');
    logger.debug('not at this level');
    expect(lines).toHaveLength(1);
    const text = lines[0]!.replace(/\u001b\[[0-9;]*m/g, '');
    expect(text).toMatch(/^\[\d{2}:\d{2}:\d{2}\.\d{3}\] INFO \(onegate\): request completed \{"requestId":"r-2","token":"\[redacted\]"\}\n$/);
    expect(text).not.toContain('eyJsecret');
    expect(() => JSON.parse(lines[0]!)).toThrow();
  });
});
