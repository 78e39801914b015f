import { LoggerService } from '@nestjs/common';
import { pino, type DestinationStream, type Logger } from 'pino';
import type { LogLevel } from '../config/app-config.js';
import { RepeatedErrorLog } from './repeated-errors.js';

export type { Logger };

/**
 * One pino logger for the whole process: JSON lines on stdout. Whatever could carry a token or
 * citizen data is redacted at the source; request logs carry the route, never the query string
 * or the GraphQL variables.
 */
export function createLogger(level: LogLevel, name = 'onegate', destination?: DestinationStream): Logger {
  const options: pino.LoggerOptions = {
    name,
    level,
    base: { service: name },
    redact: {
      paths: [
        'req.headers.authorization',
        'req.headers.cookie',
        'headers.authorization',
        'authorization',
        'token',
        'password',
        'variables',
        // Database errors can quote the failing row (PostgreSQL's DETAIL) or the bound parameters
        // (TypeORM's QueryFailedError): either may hold an ID number.
        'err.detail',
        'err.parameters',
        'err.driverError.detail',
        'err.cause.detail',
        'err.cause.parameters',
      ],
      censor: '[redacted]',
    },
    serializers: {
      err: pino.stdSerializers.err,
    },
  };
  return destination ? pino(options, destination) : pino(options);
}

/** Where the gateway writes: a stream that may be a terminal. */
export interface LogOutput {
  write(text: string): unknown;
  isTTY?: boolean;
}

/**
 * The gateway's logger (`npm start`): JSON lines on stdout as createLogger writes them, unless stdout
 * is a terminal — then the same lines, redacted as ever, are made readable by pino-pretty's
 * prettyFactory, line by line and synchronously (nothing is lost at exit). A pipe, a file, a
 * container's log or CI always gets JSON.
 */
export async function createGatewayLogger(level: LogLevel, output: LogOutput = process.stdout): Promise<Logger> {
  if (!output.isTTY) return createLogger(level, 'onegate', output === process.stdout ? undefined : { write: (line: string) => void output.write(line) });
  const { prettyFactory } = (await import('pino-pretty')).default;
  const prettify = prettyFactory({ translateTime: 'SYS:HH:MM:ss.l', ignore: 'pid,hostname,service', singleLine: true });
  return createLogger(level, 'onegate', { write: (line: string) => void output.write(prettify(line)) });
}

/** Routes Nest's own log calls into pino; the same error again (e.g. an HTTP handler's, while the database is down) once per interval. */
export class PinoNestLogger implements LoggerService {
  private readonly repeated: RepeatedErrorLog;

  constructor(
    private readonly logger: Logger,
    repeatIntervalMs = 10_000,
  ) {
    this.repeated = new RepeatedErrorLog(logger, repeatIntervalMs);
  }

  log(message: unknown, context?: string) {
    this.logger.info({ context }, String(message));
  }
  error(message: unknown, trace?: string, context?: string) {
    this.repeated.error(`${context ?? ''}:${String(message)}`, { context, trace }, String(message));
  }
  warn(message: unknown, context?: string) {
    this.logger.warn({ context }, String(message));
  }
  debug(message: unknown, context?: string) {
    this.logger.debug({ context }, String(message));
  }
  verbose(message: unknown, context?: string) {
    this.logger.trace({ context }, String(message));
  }
  fatal(message: unknown, context?: string) {
    this.logger.fatal({ context }, String(message));
  }
}
