// `npm run ledger:verify -- --export FILE [--checkpoint FILE] [--key VKEY_OR_FILE] [--json]`:
// checks a ledger export offline — leaf hashes, the Merkle root or inclusion proofs, and the
// signed checkpoints — with nothing but the export, the ledger's public key and this code.
// The report goes to stdout, problems with the arguments or input to stderr.
// Exit codes: 0 verified, 1 verification failed, 2 bad arguments or unreadable/malformed input.
import { createReadStream, existsSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { isEntryPoint, parseCliArgs } from '../common/cli.js';
import { ConfigError, loadConfig } from '../config/app-config.js';
import { CheckpointError, parseVkey, type ParsedVkey } from './checkpoint.js';
import { formatReport, LedgerExportInputError, verifyLedgerExport } from './ledger-verify.js';

export const USAGE = `usage: npm run ledger:verify -- --export <file> [--checkpoint <file>] [--key <vkey or file>] [--json]

  --export <file>        the NDJSON ledger export to check
  --checkpoint <file>    a signed checkpoint note saved earlier (or later); the export must agree with it
  --key <vkey or file>   the ledger's verifier key (name+keyid+key, ledgerPublicKey.vkey; its
                         cosignatureVkey works too), or a file holding it
                         (default: <DATA_DIR>/keys/ledger.vkey, written by the development gateway)
  --json                 print the report as one JSON object

Recomputes every leaf hash and, for a complete export, the Merkle root at each signed size; for a
filtered export, checks each entry's inclusion proof. Every checkpoint must be signed by the key,
as a plain Ed25519 note signature (0x01) or a tlog-cosignature/v1 (0x04, the only one on
checkpoints signed before the 0x01 line was added); every such line present must verify.
Exit codes: 0 verified, 1 verification failed, 2 bad arguments or unreadable input.`;

export interface LedgerVerifyArgs {
  exportPath: string;
  checkpointPath?: string;
  /** A vkey or a path to a file holding one; absent: the development key under DATA_DIR. */
  key?: string;
  json: boolean;
}

/** Bad command-line arguments or unusable input (exit code 2). The message says what to fix. */
export class LedgerVerifyArgsError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'LedgerVerifyArgsError';
  }
}

const FLAGS = {
  export: { type: 'string' },
  checkpoint: { type: 'string' },
  key: { type: 'string' },
  json: { type: 'boolean' },
  help: { type: 'boolean', short: 'h' },
} as const;

/** Parses the CLI arguments (without the node and script paths). Pure; throws LedgerVerifyArgsError. */
export function parseLedgerVerifyArgs(argv: readonly string[]): LedgerVerifyArgs {
  const fail = (message: string) => new LedgerVerifyArgsError(message);
  const { values } = parseCliArgs(argv, FLAGS, { fail, example: '--export ledger.ndjson' });
  for (const [name, value] of Object.entries(values)) if (value === '') throw fail(`--${name} needs a value`);
  const exportPath = values.export;
  if (exportPath === undefined) throw fail('--export is required');
  return { exportPath, checkpointPath: values.checkpoint, key: values.key, json: values.json === true };
}

function messageOf(error: unknown): string {
  return typeof error === 'object' && error !== null && 'message' in error ? String(error.message) : String(error);
}

const VKEY_SHAPE = /^[^\s+]+\+[0-9a-fA-F]{8}\+\S+$/;

/** The verifier key from --key (a vkey, or a file holding one) or the development default. */
export async function resolveVerifierKey(key: string | undefined, env: NodeJS.ProcessEnv): Promise<ParsedVkey> {
  const parse = (text: string, source: string) => {
    try {
      return parseVkey(text);
    } catch (error) {
      if (error instanceof CheckpointError) throw new LedgerVerifyArgsError(`${source}: ${error.message}`);
      throw error;
    }
  };
  const readKeyFile = async (path: string) => {
    try {
      return await readFile(path, 'utf8');
    } catch (error) {
      throw new LedgerVerifyArgsError(`cannot read the key file ${path}: ${messageOf(error)}`);
    }
  };
  if (key !== undefined) return VKEY_SHAPE.test(key) ? parse(key, '--key') : parse(await readKeyFile(key), key);

  let dataDir: string;
  try {
    dataDir = loadConfig(env).dataDir;
  } catch (error) {
    if (error instanceof ConfigError) {
      throw new LedgerVerifyArgsError(`no verifier key: pass --key <vkey or file> (the configuration is invalid: ${error.message})`);
    }
    throw error;
  }
  const path = join(dataDir, 'keys', 'ledger.vkey');
  if (!existsSync(path)) throw new LedgerVerifyArgsError(`no verifier key: pass --key <vkey or file> (the default, ${path}, does not exist)`);
  return parse(await readKeyFile(path), path);
}

async function readCheckpointFile(path: string): Promise<string> {
  let bytes: Buffer;
  try {
    bytes = await readFile(path);
  } catch (error) {
    throw new LedgerVerifyArgsError(`cannot read the checkpoint ${path}: ${messageOf(error)}`);
  }
  let text: string;
  try {
    text = new TextDecoder('utf-8', { fatal: true }).decode(bytes);
  } catch {
    throw new LedgerVerifyArgsError(`the checkpoint ${path} is not UTF-8 text`);
  }
  // A note saved with `echo` gains a newline; the note itself ends with exactly one.
  return text.replace(/\n+$/, '\n');
}

interface TextStream {
  write(text: string): unknown;
}

export interface CliStreams {
  stdout: TextStream;
  stderr: TextStream;
}

/** Runs the CLI; resolves to the exit code. */
export async function runLedgerVerifyCli(argv: readonly string[], env: NodeJS.ProcessEnv = process.env, io: CliStreams = process): Promise<number> {
  const usageError = (message: string) => {
    io.stderr.write(`onegate ledger:verify: ${message}\n`);
    return 2;
  };
  if (argv.includes('--help') || argv.includes('-h')) {
    io.stderr.write(USAGE + '\n');
    return 0;
  }
  try {
    let args: LedgerVerifyArgs;
    try {
      args = parseLedgerVerifyArgs(argv);
    } catch (error) {
      if (error instanceof LedgerVerifyArgsError) return usageError(`${error.message}\n\n${USAGE}`);
      throw error;
    }
    const vkey = await resolveVerifierKey(args.key, env);
    const checkpoint = args.checkpointPath === undefined ? undefined : await readCheckpointFile(args.checkpointPath);

    const stream = createReadStream(args.exportPath, { encoding: 'utf8' });
    const lines = createInterface({ input: stream, crlfDelay: Infinity });
    let report;
    try {
      report = await verifyLedgerExport(lines, { vkey, checkpoint });
    } catch (error) {
      if (error instanceof LedgerExportInputError) throw new LedgerVerifyArgsError(`${args.exportPath}: ${error.message}`);
      // A file system error (ENOENT, EISDIR…); duck-typed, as it may come from another realm.
      if (typeof error === 'object' && error !== null && 'code' in error) {
        throw new LedgerVerifyArgsError(`cannot read ${args.exportPath}: ${messageOf(error)}`);
      }
      throw error;
    } finally {
      lines.close();
      stream.destroy();
    }
    io.stdout.write(args.json ? JSON.stringify(report) + '\n' : formatReport(report));
    return report.ok ? 0 : 1;
  } catch (error) {
    if (error instanceof LedgerVerifyArgsError) return usageError(error.message);
    throw error;
  }
}

if (isEntryPoint(import.meta.url)) {
  process.exitCode = await runLedgerVerifyCli(process.argv.slice(2)).catch((error: unknown) => {
    process.stderr.write(`onegate ledger:verify: ${error instanceof Error ? error.message : String(error)}\n`);
    return 1;
  });
}
