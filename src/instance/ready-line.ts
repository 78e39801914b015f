import { isIPv6 } from 'node:net';
import type { AppConfig } from '../config/app-config.js';
import type { LogOutput } from '../logging/logger.js';

/** The gateway's own address as a person would open it: a wildcard host is reached on localhost. */
export function localBaseUrl(config: Pick<AppConfig, 'HOST' | 'PORT'>): string {
  const host = config.HOST === '0.0.0.0' || config.HOST === '::' || config.HOST === '' ? 'localhost' : config.HOST;
  return `http://${isIPv6(host) ? `[${host}]` : host}:${config.PORT}`;
}

/**
 * The one plain line a person starting the gateway needs: where the console and the verification
 * page are, and how to get a token (the development issuer's command, or where tokens come from
 * when it is off). Never a token or a secret.
 */
export function readyLine(config: Pick<AppConfig, 'HOST' | 'PORT' | 'devIssuerEnabled' | 'TOKEN_ISSUER'>): string {
  const base = localBaseUrl(config);
  const token = config.devIssuerEnabled
    ? 'token: npm run --silent token -- --role clerk --sub C-001 --hall JINGAN-01'
    : `tokens: from the issuer ${config.TOKEN_ISSUER} (the development issuer is off)`;
  return `onegate ready: console ${base}/console/ · verify ${base}/verify · ${token}`;
}

/**
 * Prints the ready line once the gateway listens: on stdout when it is a terminal (among the
 * pretty-printed logs), otherwise on stderr, so that stdout stays one JSON object per line for
 * whatever collects the logs.
 */
export function printReadyLine(config: Parameters<typeof readyLine>[0], stdout: LogOutput = process.stdout, stderr: LogOutput = process.stderr): void {
  (stdout.isTTY ? stdout : stderr).write(readyLine(config) + '\n');
}
