// `npm run --silent cert:verify -- FILE --trust certs/dev/root-ca.pem [--status-list FILE ...] [--audience A --nonce N] [--json]`:
// verifies an onegate certificate credential offline — no database, no network — with the root CA
// certificate(s) and, to confirm its status, status list credentials cached earlier.
// The verdicts go to stdout, problems with the arguments or input to stderr.
// Exit codes: 0 valid, 1 not valid (any verdict failed), 2 bad arguments or unreadable input.
import { open } from 'node:fs/promises';
import { readCatalogFiles } from '../catalog/catalog-files.js';
import { isEntryPoint, parseCliArgs } from '../common/cli.js';
import { certificateTypeMap, readCertificateTypes } from './certificate-types.js';
import { MAX_CREDENTIAL_LENGTH, MAX_STATUS_LIST_CREDENTIAL_LENGTH } from './credential/credential-model.js';
import { verifyCredential, type VerificationResult } from './credential/verify-credential.js';
import {
  indexStatusLists,
  OfflineStatusListError,
  offlineStatusListSource,
  printable,
  type StatusListFile,
  type StatusListRequest,
} from './offline-status-lists.js';
import { trustAnchorsFromPem, type TrustAnchors } from './trust/chain.js';

export const USAGE = `usage: npm run --silent cert:verify -- <file | -> --trust <pem file> [--status-list <file> ...] [--audience <aud> --nonce <nonce>] [--types <dir>] [--at <ISO-8601>] [--json]

  <file>                 the credential: a compact vc+jwt, or an SD-JWT VC (dc+sd-jwt, as issued or as
                         a presentation, ending in "~" or in the holder's key-binding JWT); - reads it
                         from stdin. At most 64 KiB.
  --trust <pem file>     the onegate root CA certificate(s), PEM (development: certs/dev/root-ca.pem)
  --status-list <file>   a status list saved from its URL: a Bitstring Status List credential
                         (GET /status-lists/<department>/<n>/<purpose>, named by a vc+jwt's
                         credentialStatus) or a Token Status List token (GET /status-lists/<department>/<n>,
                         named by an SD-JWT VC's status claim); repeat for each list the credential names
  --audience <aud>       for a holder-bound SD-JWT VC (cnf): the audience its key-binding JWT must name
  --nonce <nonce>        ... and the nonce it must carry (the one given to the holder)
  --types <dir>          the certificate type declarations (default: the project's schemas/certificates)
  --at <ISO-8601>        verify as of this time, e.g. 2027-03-01T00:00:00Z (default: now)
  --json                 print the verification result as one JSON object

Checks integrity (signature, certificate chain to the trust anchors), status (validity period and
the cached status lists — without them the status is UNKNOWN: a fresh status list is needed to
confirm it offline) and issuer identity (the signing department issues this certificate type).
Exit codes: 0 valid, 1 not valid, 2 bad arguments or unreadable input.`;

export interface CertVerifyArgs {
  /** A path, or "-" for stdin. */
  credential: string;
  trust: string;
  statusLists: string[];
  types?: string;
  at?: Date;
  /** The audience and nonce a holder-bound presentation's key-binding JWT must be for. */
  audience?: string;
  nonce?: string;
  json: boolean;
}

/** Bad command-line arguments or unusable input (exit code 2). The message says what to fix. */
export class CertVerifyArgsError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'CertVerifyArgsError';
  }
}

const FLAGS = {
  trust: { type: 'string' },
  'status-list': { type: 'string', multiple: true },
  types: { type: 'string' },
  at: { type: 'string' },
  audience: { type: 'string' },
  nonce: { type: 'string' },
  json: { type: 'boolean' },
  help: { type: 'boolean', short: 'h' },
} as const;
const STDIN = '-';

/** Parses the CLI arguments (without the node and script paths). Pure; throws CertVerifyArgsError. */
export function parseCertVerifyArgs(argv: readonly string[]): CertVerifyArgs {
  const fail = (message: string) => new CertVerifyArgsError(message);
  const { values, positionals: positional } = parseCliArgs(argv, FLAGS, { fail, example: '--trust root-ca.pem', positionals: true });
  for (const [name, value] of Object.entries(values)) {
    if (value === '' || (Array.isArray(value) && value.includes(''))) throw fail(`--${name} needs a value`);
  }

  if (positional.length === 0) throw fail('the credential <file> is required (or - to read it from stdin)');
  if (positional.length > 1) throw fail(`give one credential <file>, not ${positional.length} (unexpected "${printable(positional[1]!, 64)}")`);
  const trust = values.trust;
  if (trust === undefined) throw fail('--trust <pem file> is required: the onegate root CA certificate(s), e.g. certs/dev/root-ca.pem');
  const statusLists = values['status-list'] ?? [];
  for (const [flag, paths] of [
    ['trust', [trust]],
    ['status-list', statusLists],
  ] as const) {
    if (paths.includes(STDIN)) throw fail(`--${flag} reads a file; stdin (-) is only for the credential`);
  }
  const at = values.at;
  return {
    credential: positional[0]!,
    trust,
    statusLists,
    types: values.types,
    at: at === undefined ? undefined : parseInstant(at),
    audience: values.audience,
    nonce: values.nonce,
    json: values.json === true,
  };
}

const INSTANT = /^(\d{4})-(\d{2})-(\d{2})(?:T(\d{2}):(\d{2})(?::(\d{2})(?:\.\d{1,9})?)?(?:Z|[+-](\d{2}):(\d{2})))?$/;

/** An ISO-8601 date (midnight UTC) or date-time with a zone (Z or ±hh:mm); anything else is refused, not guessed. */
export function parseInstant(text: string): Date {
  const match = INSTANT.exec(text);
  const refuse = () =>
    new CertVerifyArgsError(`--at "${printable(text, 64)}" is not an ISO-8601 date or date-time with a zone, e.g. 2027-03-01 or 2027-03-01T09:30:00+08:00`);
  if (!match) throw refuse();
  const [, year, month, day, hour = '0', minute = '0', second = '0', zoneHour = '0', zoneMinute = '0'] = match;
  const calendar = new Date(Date.UTC(Number(year), Number(month) - 1, Number(day)));
  const realDay = calendar.getUTCFullYear() === Number(year) && calendar.getUTCMonth() === Number(month) - 1 && calendar.getUTCDate() === Number(day);
  if (!realDay || Number(hour) > 23 || Number(minute) > 59 || Number(second) > 59 || Number(zoneHour) > 23 || Number(zoneMinute) > 59) throw refuse();
  const date = new Date(text);
  if (Number.isNaN(date.getTime())) throw refuse();
  return date;
}

// ---------------------------------------------------------------------------------------------
// Input

function messageOf(error: unknown): string {
  return typeof error === 'object' && error !== null && 'message' in error ? String(error.message) : String(error);
}

function fileProblem(error: unknown): string {
  const code = typeof error === 'object' && error !== null && 'code' in error ? String(error.code) : '';
  switch (code) {
    case 'ENOENT':
      return 'no such file';
    case 'EACCES':
    case 'EPERM':
      return 'permission denied';
    case 'EISDIR':
      return 'it is a directory';
    default:
      return messageOf(error);
  }
}

/** Surrounding whitespace (a trailing newline, CRLF, a BOM) is allowed beyond the size limits. */
const WHITESPACE_ALLOWANCE = 4096;

/** Reads at most `limit` + 1 bytes of a file, so a huge file or a device is not read to the end. */
async function readFileBounded(path: string, limit: number, what: string): Promise<Buffer> {
  let handle;
  try {
    handle = await open(path, 'r');
  } catch (error) {
    throw new CertVerifyArgsError(`cannot read ${what} ${printable(path, 256)}: ${fileProblem(error)}`);
  }
  try {
    const buffer = Buffer.alloc(limit + 1);
    let length = 0;
    while (length < buffer.length) {
      const { bytesRead } = await handle.read(buffer, length, buffer.length - length, null);
      if (bytesRead === 0) break;
      length += bytesRead;
    }
    return buffer.subarray(0, length);
  } catch (error) {
    throw new CertVerifyArgsError(`cannot read ${what} ${printable(path, 256)}: ${fileProblem(error)}`);
  } finally {
    await handle.close();
  }
}

async function readStreamBounded(stream: AsyncIterable<Buffer | string>, limit: number): Promise<Buffer> {
  const chunks: Buffer[] = [];
  let length = 0;
  try {
    for await (const chunk of stream) {
      const bytes = typeof chunk === 'string' ? Buffer.from(chunk, 'utf8') : chunk;
      chunks.push(bytes);
      length += bytes.length;
      if (length > limit) break;
    }
  } catch (error) {
    throw new CertVerifyArgsError(`cannot read the credential from stdin: ${messageOf(error)}`);
  }
  return Buffer.concat(chunks).subarray(0, limit + 1);
}

/** Reads a text input: trimmed, within `maxLength` characters. */
async function readText(path: string, maxLength: number, what: string, stdin: AsyncIterable<Buffer | string>): Promise<string> {
  const limit = maxLength + WHITESPACE_ALLOWANCE;
  const where = path === STDIN ? 'stdin' : printable(path, 256);
  const bytes = path === STDIN ? await readStreamBounded(stdin, limit) : await readFileBounded(path, limit, what);
  const tooLarge = () => new CertVerifyArgsError(`${what} ${where} is too large: at most ${maxLength / 1024} KiB`);
  if (bytes.length > limit) throw tooLarge();
  const text = bytes.toString('utf8').trim();
  if (text.length > maxLength) throw tooLarge();
  if (text.length === 0) throw new CertVerifyArgsError(`${what} ${where} is empty`);
  return text;
}

const MAX_TRUST_PEM_BYTES = 1024 * 1024;

async function readTrustAnchors(path: string, stdin: AsyncIterable<Buffer | string>): Promise<TrustAnchors> {
  const pem = await readText(path, MAX_TRUST_PEM_BYTES, 'the trust anchor file', stdin);
  try {
    return trustAnchorsFromPem(pem);
  } catch (error) {
    throw new CertVerifyArgsError(`--trust ${printable(path, 256)}: ${messageOf(error)} (expected PEM root CA certificates, e.g. certs/dev/root-ca.pem)`);
  }
}

interface TypeCatalog {
  types: ReadonlyMap<string, { issuer: string }>;
  departmentNames: ReadonlyMap<string, string>;
}

function readTypes(dir: string | undefined): TypeCatalog {
  try {
    const catalog = readCatalogFiles();
    return {
      types: certificateTypeMap(readCertificateTypes(catalog, dir)),
      departmentNames: new Map(catalog.departments.map((d) => [d.code, d.name])),
    };
  } catch (error) {
    const where = dir === undefined ? '' : ` from ${printable(dir, 256)}`;
    throw new CertVerifyArgsError(`cannot read the certificate types${where}: ${messageOf(error)}`);
  }
}

async function readStatusLists(paths: readonly string[], stdin: AsyncIterable<Buffer | string>) {
  const files: StatusListFile[] = [];
  for (const path of paths) {
    files.push({ source: printable(path, 256), text: await readText(path, MAX_STATUS_LIST_CREDENTIAL_LENGTH, 'the status list', stdin) });
  }
  try {
    return indexStatusLists(files);
  } catch (error) {
    if (error instanceof OfflineStatusListError) throw new CertVerifyArgsError(error.message);
    throw error;
  }
}

// ---------------------------------------------------------------------------------------------
// Report

export interface ReportContext {
  at: Date;
  departmentNames: ReadonlyMap<string, string>;
  statusLists: readonly StatusListRequest[];
}

const LABEL_WIDTH = 17;

function line(label: string, text: string): string {
  return `  ${label.padEnd(LABEL_WIDTH)}${text}\n`;
}

function claimValue(value: unknown): string {
  return printable(typeof value === 'string' ? value : (JSON.stringify(value) ?? String(value)), 1024);
}

/** The human-readable report: overall answer, the three verdicts, what the credential says. */
export function formatVerification(result: VerificationResult, context: ReportContext): string {
  const { integrity, status, issuer } = result;
  let out = `${result.valid ? 'VALID' : 'NOT VALID'}\n\n`;

  const notChecked = (verdict: { reason: string | null }) => verdict.reason === 'NOT_CHECKED';
  out += line('integrity', integrity.ok ? `ok — ${printable(integrity.message)}` : `FAILED ${integrity.reason ?? ''} — ${printable(integrity.message)}`);
  const statusHead = notChecked(status)
    ? 'NOT CHECKED'
    : status.reason !== null && status.reason !== status.state
      ? `${status.state} (${status.reason})`
      : status.state;
  out += line('status', `${statusHead} — ${printable(status.message)}`);
  const department =
    issuer.department === null
      ? ''
      : ` ${issuer.department}${context.departmentNames.has(issuer.department) ? ` (${context.departmentNames.get(issuer.department)})` : ''}`;
  const issuerHead = notChecked(issuer) ? 'NOT CHECKED' : issuer.ok ? `ok,${department}` : `FAILED ${issuer.reason ?? ''},${department}`;
  out += line('issuer identity', `${issuerHead} — ${printable(issuer.message)}`);
  out += '\n';

  out += line('identifier', result.identifier === null ? '-' : printable(result.identifier, 256));
  out += line('type', result.certificateType === null ? '-' : printable(result.certificateType, 128));
  out += line('format', result.format ?? '-');
  if (result.holderBound) out += line('holder binding', 'verified — the holder proved possession of the key the credential is bound to');
  out += line('verified at', context.at.toISOString());

  if (integrity.ok && context.statusLists.length > 0) {
    out += '\nStatus lists:\n';
    for (const request of context.statusLists) {
      out += `  ${printable(request.url)}\n    ${request.source === null ? 'not given' : `cached copy: ${request.source}`}\n`;
    }
  }
  if (integrity.ok && status.state === 'UNKNOWN') {
    out +=
      '\nA fresh status list is needed to confirm the status offline: ' +
      (context.statusLists.length > 0
        ? 'download each status list URL above\n(e.g. curl -o FILE URL) and pass it with --status-list FILE.'
        : "the credential's status entries could not be read.") +
      ' Until then the certificate may have been\nrevoked or suspended.\n';
  }

  if (!integrity.ok) {
    out += '\nNo claims are shown: nothing in a credential that fails the integrity check can be trusted.\n';
  } else {
    const claims = Object.entries(result.claims);
    out += `\n${result.format === 'dc+sd-jwt' ? 'Disclosed claims' : 'Claims'}:\n`;
    if (claims.length === 0) out += '  (none disclosed)\n';
    const width = Math.min(32, Math.max(...claims.map(([name]) => name.length), 0) + 2);
    for (const [name, value] of claims) out += `  ${printable(name, 64).padEnd(width)}${claimValue(value)}\n`;
  }
  return out;
}

// ---------------------------------------------------------------------------------------------
// Running

interface TextStream {
  write(text: string): unknown;
}

export interface CertVerifyIo {
  stdout: TextStream;
  stderr: TextStream;
  stdin: AsyncIterable<Buffer | string>;
}

/** Runs the CLI; resolves to the exit code. */
export async function runCertVerifyCli(argv: readonly string[], io: CertVerifyIo = process): Promise<number> {
  if (argv.includes('--help') || argv.includes('-h')) {
    io.stderr.write(USAGE + '\n');
    return 0;
  }
  const usageError = (message: string) => {
    io.stderr.write(`onegate cert:verify: ${message}\n`);
    return 2;
  };
  let args: CertVerifyArgs;
  try {
    args = parseCertVerifyArgs(argv);
  } catch (error) {
    if (error instanceof CertVerifyArgsError) return usageError(`${error.message}\n\n${USAGE}`);
    throw error;
  }
  try {
    const anchors = await readTrustAnchors(args.trust, io.stdin);
    const { types, departmentNames } = readTypes(args.types);
    const lists = offlineStatusListSource(await readStatusLists(args.statusLists, io.stdin));
    const credential = await readText(args.credential, MAX_CREDENTIAL_LENGTH, 'the credential', io.stdin);
    const at = args.at ?? new Date();

    const keyBinding =
      args.audience !== undefined || args.nonce !== undefined ? { keyBinding: { audience: args.audience ?? null, nonce: args.nonce ?? null } } : {};
    const result = await verifyCredential(credential, { anchors, types, now: at, statusList: lists.statusList, ...keyBinding });
    io.stdout.write(args.json ? JSON.stringify(result) + '\n' : formatVerification(result, { at, departmentNames, statusLists: lists.requests() }));
    return result.valid ? 0 : 1;
  } catch (error) {
    if (error instanceof CertVerifyArgsError) return usageError(error.message);
    throw error;
  }
}

if (isEntryPoint(import.meta.url)) {
  process.exitCode = await runCertVerifyCli(process.argv.slice(2)).catch((error: unknown) => {
    process.stderr.write(`onegate cert:verify: ${error instanceof Error ? error.message : String(error)}\n`);
    return 1;
  });
}
