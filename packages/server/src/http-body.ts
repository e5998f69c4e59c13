/**
 * Reads a request body with a size cap, and inflates a gzip body with the same cap on its output,
 * so neither a large body nor a small gzip bomb can make the server buffer more than `maxBytes`.
 * Reading and inflating are separate steps: a body waits (for its turn to be decoded) as the bytes
 * that came over the wire, and only the one being decoded is inflated.
 */
import type { IncomingMessage } from 'node:http';
import { gunzip } from 'node:zlib';
import { BadRequest, LimitError } from './ingest-limits';

export type BodyResult =
  | { kind: 'ok'; body: Buffer; gzip: boolean }
  | { kind: 'too_large' }
  | { kind: 'unsupported_encoding'; encoding: string }
  | { kind: 'aborted' };

export type InflateResult = { kind: 'ok'; body: Buffer } | { kind: 'too_large' } | { kind: 'bad_encoding'; message: string };

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
    req.on('end', () => finish({ kind: 'ok', body: Buffer.concat(chunks, size), gzip: encoding === 'gzip' }));
  });
}

/** The body as it was sent: inflated when gzip, on libuv's thread pool (off the event loop), its output capped too. */
export function inflate(body: Buffer, gzip: boolean, maxBytes: number): Promise<InflateResult> {
  if (!gzip) return Promise.resolve({ kind: 'ok', body });
  return new Promise<InflateResult>((resolve) => {
    gunzip(body, { maxOutputLength: maxBytes }, (err, out) => {
      if (!err) return resolve({ kind: 'ok', body: out });
      if ((err as { code?: string }).code === 'ERR_BUFFER_TOO_LARGE') return resolve({ kind: 'too_large' });
      resolve({ kind: 'bad_encoding', message: `invalid gzip body: ${err.message}` });
    });
  });
}

/** A body inflated (when gzip) within the size cap; throws `LimitError` (413) or `BadRequest` (400). */
export async function inflated(raw: Buffer, gzip: boolean, maxBytes: number): Promise<Buffer> {
  const r = await inflate(raw, gzip, maxBytes);
  if (r.kind === 'too_large') throw new LimitError(`body larger than ${maxBytes} bytes once decompressed (limit maxBodyBytes)`);
  if (r.kind === 'bad_encoding') throw new BadRequest(r.message);
  return r.body;
}
