import { randomUUID } from 'node:crypto';
import { chmodSync, existsSync, linkSync, mkdirSync, readFileSync, unlinkSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';

/**
 * Reads `file`, creating it first with `make()` when it does not exist. For development material
 * shared by every process using one DATA_DIR (gateways, test workers): the content is written aside
 * and linked into place, so the link fails for all but one racer and nobody reads a half-written file.
 */
export function readOrCreateFileOnce(file: string, make: () => string, mode = 0o600): string {
  if (existsSync(file)) return readFileSync(file, 'utf8');
  mkdirSync(dirname(file), { recursive: true, mode: 0o700 });
  const temp = `${file}.${process.pid}.${randomUUID()}.tmp`;
  writeFileSync(temp, make(), { mode, flag: 'wx' });
  try {
    chmodSync(temp, mode);
    linkSync(temp, file);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
  } finally {
    try {
      unlinkSync(temp);
    } catch {
      // already gone
    }
  }
  return readFileSync(file, 'utf8');
}

/**
 * Writes public development material (a verifier key, a root certificate) where tools look for it
 * by default, unless the file already holds exactly that content.
 */
export function publishFile(file: string, content: string): void {
  if (existsSync(file) && readFileSync(file, 'utf8') === content) return;
  mkdirSync(dirname(file), { recursive: true });
  writeFileSync(file, content, { mode: 0o644 });
}
