import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';

/**
 * The folder holding onegate's package.json. Code runs from src/ under tests and from dist/src/
 * after a build, so data folders (schemas/, certs/) are found by walking up instead of by a fixed
 * relative path.
 */
export function projectRoot(): string {
  let dir = import.meta.dirname;
  while (!existsSync(join(dir, 'package.json'))) {
    const parent = dirname(dir);
    if (parent === dir) throw new Error('onegate: package.json not found above ' + import.meta.dirname);
    dir = parent;
  }
  return dir;
}
