import { existsSync, readFileSync, readdirSync, statSync } from 'node:fs';
import { extname, join, relative, sep } from 'node:path';

const TYPES: Readonly<Record<string, string>> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.ico': 'image/x-icon',
};

export interface ConsoleAsset {
  body: Buffer;
  type: string;
}

/**
 * The built console (dist/console: index.html, styles and compiled modules), read once into memory.
 * Only the files found at start are ever served — a request path is looked up, never joined onto
 * the file system — and only the types above (source maps stay out).
 */
export class ConsoleAssets {
  private readonly files = new Map<string, ConsoleAsset>();

  constructor(readonly dir: string) {
    if (!existsSync(dir)) return;
    const visit = (path: string) => {
      for (const name of readdirSync(path)) {
        const full = join(path, name);
        if (statSync(full).isDirectory()) visit(full);
        else {
          const type = TYPES[extname(name)];
          if (type) this.files.set(relative(dir, full).split(sep).join('/'), { body: readFileSync(full), type });
        }
      }
    };
    visit(dir);
  }

  get built(): boolean {
    return this.files.has('index.html');
  }

  /** The file at `path` (relative to /console/), or the app's page for a path of the app's own (no extension). */
  find(path: string): ConsoleAsset | undefined {
    const file = this.files.get(path);
    if (file) return file;
    return extname(path) === '' ? this.files.get('index.html') : undefined;
  }
}
