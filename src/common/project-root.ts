import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

/**
 * The folder holding onegate's package.json. Code runs from src/ under tests and from dist/src/
 * after a build, so data folders (schemas/, certs/) are found by walking up instead of by a fixed
 * relative path.
 */
export function projectRoot(): string {
  const here = dirname(fileURLToPath(import.meta.url));
  let dir = here;
  while (!existsSync(join(dir, 'package.json'))) {
    const parent = dirname(dir);
    if (parent === dir) throw new Error('onegate: package.json not found above ' + here);
    dir = parent;
  }
  return dir;
}
