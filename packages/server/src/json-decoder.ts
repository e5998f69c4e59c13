/**
 * Hands OTLP/JSON bodies to a thread of their own (json-worker.js), one at a time, and gets the
 * same request back as OTLP/protobuf. The thread's heap is capped (`decodeMemoryMb`) and a body
 * that takes longer than `decodeTimeoutMs` ends it; either way the request gets a 413 naming the
 * limit, a new thread is started for the next body, and the server's own thread never waited.
 */
import path from 'node:path';
import { Worker } from 'node:worker_threads';
import { inflated } from './http-body';
import { BadRequest, LimitError, MAX_VALUE_NESTING, timeout, type IngestLimits } from './ingest-limits';

type Reply = { id: number; ok: true; bytes: Uint8Array } | { id: number; ok: false; status: number; message: string };

interface Job {
  id: number;
  signal: 'traces' | 'metrics';
  body: Buffer;
  gzip: boolean;
  resolve: (bytes: Buffer) => void;
  reject: (err: Error) => void;
}

// Each level of an attribute value takes up to four levels of JSON (value, kvlistValue, values, the pair).
const MAX_JSON_DEPTH = 4 * MAX_VALUE_NESTING + 16;

export class JsonDecoder {
  private worker: Worker | undefined;
  private readonly waiting: Job[] = [];
  private current: { job: Job; timer: NodeJS.Timeout } | undefined;
  private nextId = 1;
  private closed = false;

  constructor(
    private readonly limits: IngestLimits,
    private readonly maxBodyBytes: number,
    private readonly log: (line: string) => void,
  ) {}

  /** The protobuf encoding of a JSON body as it was sent (`gzip`: still compressed); rejects with `LimitError` (413) or `BadRequest` (400). */
  toProtobuf(signal: 'traces' | 'metrics', body: Buffer, gzip: boolean): Promise<Buffer> {
    if (this.closed) return Promise.reject(new Error('the server is shutting down'));
    return new Promise<Buffer>((resolve, reject) => {
      this.waiting.push({ id: this.nextId++, signal, body, gzip, resolve, reject });
      this.next();
    });
  }

  async close(): Promise<void> {
    this.closed = true;
    for (const job of this.waiting.splice(0)) job.reject(new Error('the server is shutting down'));
    const w = this.worker;
    this.worker = undefined;
    if (w !== undefined) await w.terminate();
  }

  private start(): Worker {
    const w = new Worker(path.join(__dirname, 'json-worker.js'), {
      resourceLimits: { maxOldGenerationSizeMb: this.limits.decodeMemoryMb, maxYoungGenerationSizeMb: Math.min(64, Math.max(4, this.limits.decodeMemoryMb >> 3)) },
    });
    w.on('message', (m: Reply) => this.settle(m));
    w.on('error', (err: Error & { code?: string }) => {
      const outOfMemory = err.code === 'ERR_WORKER_OUT_OF_MEMORY';
      if (!outOfMemory) this.log(`the OTLP/JSON thread failed: ${err.message}`);
      this.fail(w, outOfMemory ? new LimitError(`decoding the request needed more than ${this.limits.decodeMemoryMb} MiB (limit decodeMemoryMb): send smaller requests`) : err);
    });
    w.on('exit', () => this.fail(w, new Error('the OTLP/JSON thread stopped')));
    // The server may exit while this thread is idle.
    w.unref();
    return w;
  }

  private next(): void {
    if (this.current !== undefined || this.closed) return;
    const job = this.waiting.shift();
    if (job === undefined) return;
    this.worker ??= this.start();
    const worker = this.worker;
    // The time counts from when this body's turn comes, not from when it started to wait; and
    // only this body is inflated, the others wait as they came over the wire.
    const timer = setTimeout(() => this.fail(worker, timeout(this.limits.decodeTimeoutMs)), this.limits.decodeTimeoutMs);
    this.current = { job, timer };
    inflated(job.body, job.gzip, this.maxBodyBytes).then(
      (inflatedBody) => {
        if (this.current?.job !== job) return;
        // A copy with a buffer of its own, moved (not copied again) to the thread.
        const body = new Uint8Array(inflatedBody);
        worker.postMessage(
          { id: job.id, signal: job.signal, body, maxValues: this.limits.maxFieldsPerRequest, maxDepth: MAX_JSON_DEPTH, maxItems: this.limits.maxSpansPerRequest },
          [body.buffer],
        );
      },
      (err: Error) => {
        if (this.current?.job !== job) return;
        clearTimeout(timer);
        this.current = undefined;
        job.reject(err);
        this.next();
      },
    );
  }

  private settle(m: Reply): void {
    const c = this.current;
    if (c === undefined || c.job.id !== m.id) return;
    clearTimeout(c.timer);
    this.current = undefined;
    if (m.ok) c.job.resolve(Buffer.from(m.bytes.buffer, m.bytes.byteOffset, m.bytes.byteLength));
    else c.job.reject(m.status === 413 ? new LimitError(m.message) : new BadRequest(m.message));
    this.next();
  }

  /** The thread `w` is done for (too slow, out of memory, or it stopped): fail its body, and start afresh for the next. */
  private fail(w: Worker, err: Error): void {
    if (this.worker !== w) return;
    this.worker = undefined;
    void w.terminate();
    const c = this.current;
    this.current = undefined;
    if (c !== undefined) {
      clearTimeout(c.timer);
      c.job.reject(err);
    }
    this.next();
  }
}
