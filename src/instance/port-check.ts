import { createServer } from 'node:net';
import { describeInstance, gatewayOnPort } from './data-dir-lock.js';

export class PortInUse extends Error {
  constructor(host: string, port: number) {
    const other = gatewayOnPort(port);
    super(
      `port ${port} on ${host} is already in use` +
        (other ? ` by another onegate gateway (data directory ${other.dataDir}: ${describeInstance(other)})` : '') +
        '. Stop it, or choose another PORT.',
    );
    this.name = 'PortInUse';
  }
}

/**
 * Fails at once when PORT cannot be listened on, before the database is touched: binding it is
 * the only true test. (Another process may still take it before the gateway listens for real;
 * then the gateway stops, its own database with it.)
 */
export async function ensurePortFree(host: string, port: number): Promise<void> {
  if (port === 0) return;
  await new Promise<void>((resolve, reject) => {
    const probe = createServer();
    probe.once('error', (error: NodeJS.ErrnoException) => reject(error.code === 'EADDRINUSE' ? new PortInUse(host, port) : error));
    probe.listen({ host, port, exclusive: true }, () => probe.close(() => resolve()));
  });
}
