import { jest } from '@jest/globals';
import { CoalescingBatcher } from './coalescing-batcher.js';

function deferred<T>() {
  let resolve!: (value: T) => void;
  let reject!: (error: unknown) => void;
  const promise = new Promise<T>((res, rej) => {
    resolve = res;
    reject = rej;
  });
  return { promise, resolve, reject };
}

describe('CoalescingBatcher', () => {
  it('sends keys asked for in the same tick in one call, each caller getting its own key', async () => {
    const calls: string[][] = [];
    const batcher = new CoalescingBatcher<string, string>(
      async (keys) => {
        calls.push(keys);
        return new Map(keys.map((k) => [k, k.toUpperCase()]));
      },
      { maxInFlight: 2, maxBatch: 10, missing: () => 'none' },
    );
    await expect(Promise.all([batcher.load('a'), batcher.load('b'), batcher.load('a')])).resolves.toEqual(['A', 'B', 'A']);
    expect(calls).toEqual([['a', 'b']]);
  });

  it('holds keys while maxInFlight calls run, then sends them together', async () => {
    const gates: Array<ReturnType<typeof deferred<void>>> = [];
    const calls: string[][] = [];
    const batcher = new CoalescingBatcher<string, string>(
      async (keys) => {
        calls.push(keys);
        const gate = deferred<void>();
        gates.push(gate);
        await gate.promise;
        return new Map(keys.map((k) => [k, k]));
      },
      { maxInFlight: 1, maxBatch: 2, missing: () => 'none' },
    );
    const first = batcher.load('a');
    await new Promise((r) => setImmediate(r));
    const rest = ['b', 'c', 'd'].map((k) => batcher.load(k));
    await new Promise((r) => setImmediate(r));
    expect(calls).toEqual([['a']]);
    gates[0]!.resolve();
    await first;
    await new Promise((r) => setImmediate(r));
    expect(calls).toEqual([['a'], ['b', 'c']]);
    gates[1]!.resolve();
    await new Promise((r) => setImmediate(r));
    gates[2]!.resolve();
    await expect(Promise.all(rest)).resolves.toEqual(['b', 'c', 'd']);
    expect(calls).toEqual([['a'], ['b', 'c'], ['d']]);
  });

  it('gives every caller of a failed call its error, and keys the source did not answer the missing value', async () => {
    let fail = true;
    const batcher = new CoalescingBatcher<string, string>(
      async (keys) => {
        if (fail) throw new Error('department down');
        return new Map(keys.filter((k) => k !== 'ghost').map((k) => [k, k]));
      },
      { maxInFlight: 1, maxBatch: 10, missing: () => 'none' },
    );
    const failed = await Promise.allSettled([batcher.load('a'), batcher.load('b')]);
    expect(failed.map((r) => r.status)).toEqual(['rejected', 'rejected']);
    fail = false;
    await expect(Promise.all([batcher.load('a'), batcher.load('ghost')])).resolves.toEqual(['a', 'none']);
  });

  describe('with a window', () => {
    // Timers and performance.now() are faked; process.nextTick (how a batcher gathers one tick's keys) is not.
    beforeEach(() => jest.useFakeTimers({ doNotFake: ['nextTick', 'queueMicrotask'] }));
    afterEach(() => jest.useRealTimers());

    function echoBatcher(windowMs: number, maxBatch = 10) {
      const calls: string[][] = [];
      const batcher = new CoalescingBatcher<string, string>(
        async (keys) => {
          calls.push(keys);
          return new Map(keys.map((k) => [k, k]));
        },
        { maxInFlight: 1, maxBatch, windowMs, missing: () => 'none' },
      );
      return { calls, batcher };
    }

    it('sends the first key at once, and keys asked for within the window after a call together when it ends', async () => {
      const { calls, batcher } = echoBatcher(4);
      const first = batcher.load('a');
      await jest.advanceTimersByTimeAsync(0);
      expect(calls).toEqual([['a']]);
      await expect(first).resolves.toBe('a');
      // The call is over, but the window is not: these wait for it to end, then go in one call.
      await jest.advanceTimersByTimeAsync(1);
      const later = [batcher.load('b'), batcher.load('c')];
      await jest.advanceTimersByTimeAsync(1);
      const last = batcher.load('d');
      await jest.advanceTimersByTimeAsync(1);
      expect(calls).toEqual([['a']]);
      await jest.advanceTimersByTimeAsync(1);
      expect(calls).toEqual([['a'], ['b', 'c', 'd']]);
      await expect(Promise.all([...later, last])).resolves.toEqual(['b', 'c', 'd']);
    });

    it('does not hold a key when no call started within the window', async () => {
      const { calls, batcher } = echoBatcher(4);
      await batcher.load('a');
      await jest.advanceTimersByTimeAsync(4);
      const next = batcher.load('b');
      await jest.advanceTimersByTimeAsync(0);
      expect(calls).toEqual([['a'], ['b']]);
      await expect(next).resolves.toBe('b');
    });

    it('sends a full batch without waiting for the window', async () => {
      const { calls, batcher } = echoBatcher(50, 2);
      await batcher.load('a');
      const loads = ['b', 'c', 'd'].map((k) => batcher.load(k));
      await jest.advanceTimersByTimeAsync(0);
      // b and c fill a batch and go; d waits for the window after their call.
      expect(calls).toEqual([['a'], ['b', 'c']]);
      await jest.advanceTimersByTimeAsync(49);
      expect(calls).toEqual([['a'], ['b', 'c']]);
      await jest.advanceTimersByTimeAsync(1);
      expect(calls).toEqual([['a'], ['b', 'c'], ['d']]);
      await expect(Promise.all(loads)).resolves.toEqual(['b', 'c', 'd']);
    });
  });
});
