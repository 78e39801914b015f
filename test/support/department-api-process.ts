import { expect } from '@jest/globals';
import { type ChildProcess, spawn } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { signRequest } from '../../src/exchange/hmac-signature.js';

/** The compiled reference department API (examples/department-api/), built by the e2e global setup. */
export const DEPARTMENT_API_SERVER = join(dirname(fileURLToPath(import.meta.url)), '..', '..', 'dist', 'examples', 'department-api', 'server.js');

/**
 * The reference connector (examples/department-api/connector.example.json) as Human Resources' at
 * `port` on loopback with `timeoutMs`, written to `dir`/connectors.json for DEPARTMENT_CONNECTORS_FILE.
 */
export function writeConnectorsFile(dir: string, port: number, timeoutMs: number): string {
  const example = JSON.parse(
    readFileSync(join(dirname(fileURLToPath(import.meta.url)), '..', '..', 'examples', 'department-api', 'connector.example.json'), 'utf8'),
  ) as Record<string, unknown>;
  const file = join(dir, 'connectors.json');
  writeFileSync(file, JSON.stringify({ HUMAN_RESOURCES: { ...example, baseUrl: `http://127.0.0.1:${port}`, timeoutMs } }));
  return file;
}

export interface Stats {
  requests: number;
  hanging: number;
  abandoned: number;
}

/** The compiled reference department API as a child process, its output collected. */
export class DepartmentApiProcess {
  readonly output: string[] = [];
  url = '';
  exit: Promise<number | null>;
  private readonly child: ChildProcess;

  constructor(
    env: Record<string, string>,
    private readonly secret: string,
  ) {
    this.child = spawn(process.execPath, [DEPARTMENT_API_SERVER], { env: { PATH: process.env.PATH ?? '', ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
    this.exit = new Promise((resolve) => this.child.once('exit', (code) => resolve(code)));
    this.child.stderr!.setEncoding('utf8').on('data', (chunk: string) => this.output.push(chunk));
  }

  listening(): Promise<string> {
    return new Promise((resolve, reject) => {
      let buffered = '';
      const timer = setTimeout(() => reject(new Error(`department API did not start: ${this.output.join('')}`)), 20_000);
      this.child.stdout!.setEncoding('utf8').on('data', (chunk: string) => {
        this.output.push(chunk);
        buffered += chunk;
        for (let newline = buffered.indexOf('\n'); newline >= 0; newline = buffered.indexOf('\n')) {
          const line = JSON.parse(buffered.slice(0, newline)) as { msg: string; url?: string };
          buffered = buffered.slice(newline + 1);
          if (line.msg === 'listening' && line.url) {
            clearTimeout(timer);
            this.url = line.url;
            resolve(line.url);
          }
        }
      });
      void this.exit.then((code) => {
        clearTimeout(timer);
        reject(new Error(`department API exited (${code}): ${this.output.join('')}`));
      });
    });
  }

  /** A signed request to the API (for the control endpoints and raw checks). */
  async call(method: string, path: string, body?: unknown, secret = this.secret): Promise<Response> {
    const text = body === undefined ? '' : JSON.stringify(body);
    const headers = signRequest({ keyId: 'onegate', secret, method, pathWithQuery: path, body: text });
    return fetch(this.url + path, { method, headers: { ...headers, 'content-type': 'application/json' }, body: body === undefined ? undefined : text });
  }

  async fault(mode: string, delayMs = 0): Promise<void> {
    const res = await this.call('POST', '/_control/fault', { mode, delayMs });
    expect(res.status).toBe(200);
  }

  async stats(): Promise<Stats> {
    return (await (await this.call('GET', '/_control/stats')).json()) as Stats;
  }

  kill(signal: NodeJS.Signals): void {
    if (this.child.exitCode === null && this.child.signalCode === null) this.child.kill(signal);
  }
}
