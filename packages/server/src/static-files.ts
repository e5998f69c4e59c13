/**
 * The viewer's files (web/), read once at start: a few kilobytes, served from memory. They sit
 * next to this module both in the sources and in the build (the build script copies them).
 */
import { readdirSync, readFileSync } from 'node:fs';
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

export function loadWebFiles(dir = path.join(__dirname, 'web')): Map<string, StaticFile> {
  const files = new Map<string, StaticFile>();
  for (const name of readdirSync(dir)) {
    const type = TYPES[path.extname(name)];
    if (type !== undefined) files.set(name, { body: readFileSync(path.join(dir, name)), contentType: type });
  }
  return files;
}
