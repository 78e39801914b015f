import { localBaseUrl, printReadyLine, readyLine } from './ready-line.js';

const DEV = { HOST: '127.0.0.1', PORT: 3000, devIssuerEnabled: true, TOKEN_ISSUER: 'onegate-dev' };

describe('the ready line', () => {
  it('names the console, the verification page and the token command', () => {
    expect(readyLine(DEV)).toBe(
      'onegate ready: console http://127.0.0.1:3000/console/ · verify http://127.0.0.1:3000/verify · token: npm run --silent token -- --role clerk --sub C-001 --hall JINGAN-01',
    );
  });

  it('says where tokens come from when the development issuer is off', () => {
    expect(readyLine({ ...DEV, devIssuerEnabled: false, TOKEN_ISSUER: 'https://idp.example' })).toMatch(
      /· tokens: from the issuer https:\/\/idp\.example \(the development issuer is off\)$/,
    );
  });

  it('opens a wildcard host on localhost, and brackets IPv6', () => {
    expect(localBaseUrl({ HOST: '0.0.0.0', PORT: 8080 })).toBe('http://localhost:8080');
    expect(localBaseUrl({ HOST: '::', PORT: 8080 })).toBe('http://localhost:8080');
    expect(localBaseUrl({ HOST: '::1', PORT: 8080 })).toBe('http://[::1]:8080');
  });

  it('goes to stdout on a terminal, else to stderr: stdout stays JSON lines', () => {
    const written = { stdout: '', stderr: '' };
    const stream = (name: 'stdout' | 'stderr', isTTY: boolean) => ({ isTTY, write: (text: string) => (written[name] += text) });
    printReadyLine(DEV, stream('stdout', false), stream('stderr', false));
    expect(written).toEqual({ stdout: '', stderr: `${readyLine(DEV)}\n` });
    printReadyLine(DEV, stream('stdout', true), stream('stderr', false));
    expect(written.stdout).toBe(`${readyLine(DEV)}\n`);
  });
});
