import { describe, expect, it } from '@jest/globals';
import { createLogger } from './logger.js';
import { errorKind, RepeatedErrorLog } from './repeated-errors.js';

function captured() {
  const lines: Array<Record<string, unknown>> = [];
  const logger = createLogger('info', 'test', { write: (line: string) => void lines.push(JSON.parse(line) as Record<string, unknown>) });
  return { logger, lines };
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

describe('RepeatedErrorLog (§I 53)', () => {
  it('logs a burst of 50 identical failures as one line, then one line with the count 49 after the interval', async () => {
    const { logger, lines } = captured();
    const log = new RepeatedErrorLog(logger, 200);
    const down = Object.assign(new Error('connect ECONNREFUSED 127.0.0.1:5432'), { code: 'ECONNREFUSED' });
    for (let i = 0; i < 50; i++) log.error('DATABASE_UNAVAILABLE', { requestId: `r${i}`, err: down }, 'GraphQL operation failed');
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatchObject({ msg: 'GraphQL operation failed', errorKind: 'DATABASE_UNAVAILABLE', requestId: 'r0', err: { message: down.message } });
    await sleep(300);
    expect(lines).toHaveLength(2);
    expect(lines[1]).toMatchObject({
      errorKind: 'DATABASE_UNAVAILABLE',
      repeated: 49,
      intervalMs: 200,
      msg: expect.stringMatching(/^GraphQL operation failed: 49 more times in 0.2 s/),
    });
    expect(lines[1]).not.toHaveProperty('err');
    // The next one after the interval is logged in full again; a different failure never waits.
    log.error('DATABASE_UNAVAILABLE', { requestId: 'r50', err: down }, 'GraphQL operation failed');
    log.error(errorKind(new TypeError('x is undefined')), { err: new TypeError('x is undefined') }, 'GraphQL operation failed');
    expect(lines.slice(2).map((l) => [l.requestId, l.errorKind])).toEqual([
      ['r50', 'DATABASE_UNAVAILABLE'],
      [undefined, 'TypeError:x is undefined'],
    ]);
    log.flush();
    expect(lines).toHaveLength(4);
  });

  it('says nothing more at the end of an interval with no repeats', async () => {
    const { logger, lines } = captured();
    const log = new RepeatedErrorLog(logger, 50);
    log.error('K', {}, 'once');
    await sleep(120);
    expect(lines).toHaveLength(1);
  });
});
