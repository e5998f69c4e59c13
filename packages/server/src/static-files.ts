/**
 * The viewer's files (web/), read once at start: a few kilobytes, served from memory. They sit
 * next to this module both in the sources and in the build (the build script copies them). The
 * browser libraries the package names in `webVendor` (the charting library) are served under
 * `vendor/<package>/`: the build copies them into web/vendor/, and run from the sources they are
 * read where npm installed them.
 */
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';

export interface StaticFile {
  body: Buffer;
  contentType: string;
}

const TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.svg': 'image/svg+xml',
};

function vendorFiles(dir: string, files: Map<string, StaticFile>): void {
  const pkg = JSON.parse(readFileSync(path.join(__dirname, '..', 'package.json'), 'utf8')) as { webVendor?: Record<string, string[]> };
  for (const [name, list] of Object.entries(pkg.webVendor ?? {})) {
    for (const file of list) {
      const type = TYPES[path.extname(file)];
      if (type === undefined) continue;
      const copied = path.join(dir, 'vendor', name, path.basename(file));
      const where = existsSync(copied) ? copied : path.join(path.dirname(require.resolve(`${name}/package.json`)), file);
      files.set(`vendor/${name}/${path.basename(file)}`, { body: readFileSync(where), contentType: type });
    }
  }
}

export function loadWebFiles(dir = path.join(__dirname, 'web')): Map<string, StaticFile> {
  const files = new Map<string, StaticFile>();
  for (const name of readdirSync(dir)) {
    const type = TYPES[path.extname(name)];
    if (type !== undefined) files.set(name, { body: readFileSync(path.join(dir, name)), contentType: type });
  }
  vendorFiles(dir, files);
  return files;
}
