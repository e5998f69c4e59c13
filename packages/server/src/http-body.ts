/**
 * Reads a request body with a size cap that holds before and after decompression, so neither a
 * large body nor a small gzip bomb can make the server buffer more than `maxBytes`.
 */
import type { IncomingMessage } from 'node:http';
import { gunzip } from 'node:zlib';

export type BodyResult =
  | { kind: 'ok'; body: Buffer }
  | { kind: 'too_large' }
  | { kind: 'bad_encoding'; message: string }
  | { kind: 'unsupported_encoding'; encoding: string }
  | { kind: 'aborted' };

export function readBody(req: IncomingMessage, maxBytes: number): Promise<BodyResult> {
  const encoding = (req.headers['content-encoding'] ?? 'identity').trim().toLowerCase();
  if (encoding !== 'identity' && encoding !== 'gzip') return Promise.resolve({ kind: 'unsupported_encoding', encoding });
  const declared = Number(req.headers['content-length']);
  // Known too large from the headers: answer at once; Node discards the rest of the body.
  if (Number.isFinite(declared) && declared > maxBytes) return Promise.resolve({ kind: 'too_large' });
  return new Promise<BodyResult>((resolve) => {
    const chunks: Buffer[] = [];
    let size = 0;
    let done = false;
    const finish = (r: BodyResult): void => {
      if (done) return;
      done = true;
      resolve(r);
    };
    req.on('data', (c: Buffer) => {
      if (done) return;
      size += c.length;
      if (size > maxBytes) {
        chunks.length = 0;
        finish({ kind: 'too_large' });
        return;
      }
      chunks.push(c);
    });
    req.on('error', () => finish({ kind: 'aborted' }));
    req.on('aborted', () => finish({ kind: 'aborted' }));
    req.on('end', () => {
      if (done) return;
      const raw = Buffer.concat(chunks, size);
      if (encoding === 'identity') return finish({ kind: 'ok', body: raw });
      // Decompressed on libuv's thread pool, off the event loop; the output is capped too.
      gunzip(raw, { maxOutputLength: maxBytes }, (err, out) => {
        if (!err) return finish({ kind: 'ok', body: out });
        if ((err as { code?: string }).code === 'ERR_BUFFER_TOO_LARGE') return finish({ kind: 'too_large' });
        finish({ kind: 'bad_encoding', message: `invalid gzip body: ${err.message}` });
      });
    });
  });
}
