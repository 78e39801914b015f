import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { spawnSync } from 'node:child_process';
import { chmodSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { createServer, type Server } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { freePort } from './harness/free-port.js';
import { GatewayProcess, probe, sleep } from './support/gateway-process.js';

/*
 * RELIABILITY-AND-SECURITY §I 47: one gateway per data directory. Real gateway processes, each
 * with its embedded PostgreSQL (initialised once, then copied for the other "checkouts").
 */

const EXIT_WITHIN_MS = 5000;

function postmasterPid(dataDir: string): number {
  return Number(readFileSync(join(dataDir, 'postgres', 'postmaster.pid'), 'utf8').split('\n')[0]);
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

/** Waits for a launched gateway to exit; how long it took. */
async function exitOf(gateway: GatewayProcess): Promise<number> {
  const started = performance.now();
  await Promise.race([gateway.exited, sleep(30_000)]);
  if (gateway.alive) {
    await gateway.kill('SIGKILL');
    throw new Error(`the gateway did not exit:\n${gateway.tail()}`);
  }
  return performance.now() - started;
}

describe('§I 47: one gateway per data directory', () => {
  const root = mkdtempSync(join(tmpdir(), 'onegate-instance-'));
  const dir = (name: string) => {
    const path = join(root, name);
    mkdirSync(path, { recursive: true });
    // Run as root, PostgreSQL runs as `postgres`, which must be able to enter these folders.
    chmodSync(path, 0o711);
    return path;
  };
  const gateways: GatewayProcess[] = [];
  const start = async (dataDir: string, port: number) => {
    const gateway = await GatewayProcess.start({ dataDir, exactDataDir: true, port }, 120_000);
    gateways.push(gateway);
    return gateway;
  };
  let first: GatewayProcess;
  let firstDir: string;

  beforeAll(async () => {
    chmodSync(root, 0o711);
    firstDir = dir('a');
    first = await start(firstDir, await freePort());
  }, 150_000);
  afterAll(async () => {
    await Promise.all(gateways.map((g) => g.stop()));
    rmSync(root, { recursive: true, force: true });
  }, 60_000);

  it('says, in one plain line once it listens, where the console and the verification page are and how to get a token', async () => {
    const line = `onegate ready: console ${first.url}/console/ · verify ${first.url}/verify · token: npm run --silent token -- --role clerk --sub C-001 --hall JINGAN-01\n`;
    for (let i = 0; i < 50 && !first.tail().includes(line); i++) await sleep(100);
    expect(first.tail()).toContain(line);
  });

  it('a second start on the same DATA_DIR exits within 5 s naming the first, which keeps serving on its PostgreSQL', async () => {
    const pg = postmasterPid(firstDir);
    const second = GatewayProcess.launch({ dataDir: firstDir, exactDataDir: true, port: await freePort() });
    const ms = await exitOf(second);
    console.log(`§I 47: the second gateway on the same DATA_DIR exited after ${Math.round(ms)} ms: ${second.tail().trim()}`);
    expect(ms).toBeLessThan(EXIT_WITHIN_MS);
    expect(second.child.exitCode).toBe(1);
    expect(second.tail()).toContain(
      `another onegate gateway is running on the data directory ${firstDir}: pid ${first.child.pid}, listening on 127.0.0.1:${first.port}, started `,
    );
    expect(await probe(`${first.url}/health/ready`, 5000)).toBe(200);
    expect(postmasterPid(firstDir)).toBe(pg);
    expect(alive(pg)).toBe(true);
    expect(JSON.parse(readFileSync(join(firstDir, 'gateway.lock'), 'utf8'))).toMatchObject({ pid: first.child.pid, port: first.port });
  });

  it('a start on a port in use exits at once naming the port (and the gateway on it), before touching its database', async () => {
    const otherDir = dir('b');
    const onOurs = GatewayProcess.launch({ dataDir: otherDir, exactDataDir: true, port: first.port });
    expect(await exitOf(onOurs)).toBeLessThan(EXIT_WITHIN_MS);
    expect(onOurs.tail()).toContain(
      `port ${first.port} on 127.0.0.1 is already in use by another onegate gateway (data directory ${firstDir}: pid ${first.child.pid}`,
    );
    expect(existsSync(join(otherDir, 'postgres'))).toBe(false);
    // Another program on the port: named by its port alone.
    const squatter: Server = createServer();
    const port = await freePort();
    await new Promise<void>((resolve) => squatter.listen(port, '127.0.0.1', resolve));
    try {
      const onTheirs = GatewayProcess.launch({ dataDir: otherDir, exactDataDir: true, port });
      expect(await exitOf(onTheirs)).toBeLessThan(EXIT_WITHIN_MS);
      expect(onTheirs.tail()).toContain(`port ${port} on 127.0.0.1 is already in use. Stop it, or choose another PORT.`);
    } finally {
      squatter.close();
    }
    expect(existsSync(join(otherDir, 'postgres'))).toBe(false);
    expect(existsSync(join(otherDir, 'gateway.lock'))).toBe(false);
    expect(await probe(`${first.url}/health/ready`, 5000)).toBe(200);
  });

  describe('two checkouts on one machine, embedded PostgreSQL without EMBEDDED_PG_PORT', () => {
    let c: GatewayProcess;
    let cDir: string;

    it('started at the same time, both become ready, each on the socket in its own DATA_DIR', async () => {
      await first.stop();
      expect(existsSync(join(firstDir, 'gateway.lock'))).toBe(false);
      // Two more checkouts' data: the initialised one copied (owners kept), rather than two more initdb runs.
      cDir = join(root, 'c');
      const dDir = join(root, 'd');
      for (const target of [cDir, dDir]) expect(spawnSync('cp', ['-a', firstDir, target]).status).toBe(0);
      const [cPort, dPort] = [await freePort(), await freePort()];
      const [cGateway, dGateway] = await Promise.all([start(cDir, cPort), start(dDir, dPort)]);
      c = cGateway;
      for (const [gateway, dataDir] of [
        [cGateway, cDir],
        [dGateway, dDir],
      ] as const) {
        expect(await probe(`${gateway.url}/health/ready`, 5000)).toBe(200);
        expect(existsSync(join(dataDir, 'run', '.s.PGSQL.5432'))).toBe(true);
        expect(readFileSync(join(dataDir, 'postgres', 'postmaster.pid'), 'utf8').split('\n')[4]).toBe(join(dataDir, 'run'));
      }
      await dGateway.stop();
    }, 150_000);

    it('its embedded PostgreSQL killed, a running gateway starts it again and answers again', async () => {
      const killed = postmasterPid(cDir);
      process.kill(killed, 'SIGKILL');
      const since = performance.now();
      let back = 0;
      while (performance.now() - since < 60_000) {
        if ((await probe(`${c.url}/health/ready`, 2000)) === 200 && alive(postmasterPid(cDir)) && postmasterPid(cDir) !== killed) {
          back = performance.now() - since;
          break;
        }
        await sleep(200);
      }
      console.log(`§I 47: PostgreSQL (pid ${killed}) killed under the gateway; ready again after ${Math.round(back)} ms`);
      expect(back).toBeGreaterThan(0);
      // All the output kept, not the last 4000 characters: each failed readiness probe meanwhile is a
      // warning with a stack (about 1.4 KB), and a slow restart logs enough of them to push the line out.
      const output = () => c.tail(64 * 1024);
      expect(output()).toContain('the embedded PostgreSQL stopped under the gateway; starting it again');
      // The gateway's pool may be back a moment before its restart loop has seen the server answer.
      for (let i = 0; i < 100 && !output().includes('the embedded PostgreSQL is running again'); i++) await sleep(100);
      expect(output()).toContain('the embedded PostgreSQL is running again');
    }, 90_000);

    it('a lock left by a gateway killed with SIGKILL is taken over by the next start, which adopts its PostgreSQL', async () => {
      const pg = postmasterPid(cDir);
      await c.kill('SIGKILL');
      expect(JSON.parse(readFileSync(join(cDir, 'gateway.lock'), 'utf8')).pid).toBe(c.child.pid);
      const again = await start(cDir, await freePort());
      expect(JSON.parse(readFileSync(join(cDir, 'gateway.lock'), 'utf8')).pid).toBe(again.child.pid);
      expect(postmasterPid(cDir)).toBe(pg);
      await again.stop();
      expect(alive(pg)).toBe(false);
      expect(existsSync(join(cDir, 'gateway.lock'))).toBe(false);
    }, 90_000);
  });
});
