/**
 * What one OTLP request may expand into. The body's size is capped before and after gzip
 * (http-body.ts), but a few kilobytes of gzip can still hold millions of empty spans or attributes,
 * and decoding each costs memory and time. So decoding counts as it goes and stops at the first
 * limit passed, answering 413 with the limit's name: spans (or metric data points), attributes,
 * protobuf fields (which bounds the time a body of unknown or repeated fields can take), the time
 * the whole decoding may take, and the memory OTLP/JSON may be parsed into (json-decoder.ts).
 */
import type { FieldCounter } from './otlp/wire';

export interface IngestLimits {
  /** Spans in one traces request, data points in one metrics request. */
  maxSpansPerRequest: number;
  /** Attribute key-value pairs and array elements at any depth (of spans, events, links, resources, scopes, data points), events and links. */
  maxAttributesPerRequest: number;
  /** Protobuf fields of any kind, known or not (OTLP/JSON: its protobuf equivalent). */
  maxFieldsPerRequest: number;
  /** Wall-clock time decoding one request may take. */
  decodeTimeoutMs: number;
  /** Heap of the thread that parses OTLP/JSON, in MiB. */
  decodeMemoryMb: number;
}

export const DEFAULT_LIMITS: IngestLimits = {
  maxSpansPerRequest: 50_000,
  maxAttributesPerRequest: 500_000,
  maxFieldsPerRequest: 4_000_000,
  decodeTimeoutMs: 10_000,
  decodeMemoryMb: 512,
};

/** Attribute values (arrays and key-value lists) nested deeper than this are a 400. */
export const MAX_VALUE_NESTING = 32;

/** The request passes one of the limits above: answered 413, naming it. */
export class LimitError extends Error {
  readonly status = 413;
  constructor(message: string) {
    super(message);
    this.name = 'LimitError';
  }
}

/** The body is not a valid request (malformed protobuf, JSON or gzip): answered 400. */
export class BadRequest extends Error {}

/** The count of one request's spans, attributes and fields, and its deadline. */
export class RequestBudget implements FieldCounter {
  private spans = 0;
  private attributes = 0;
  private fields = 0;
  readonly deadline: number;

  constructor(
    readonly limits: IngestLimits,
    private readonly unit: 'spans' | 'data points' = 'spans',
  ) {
    this.deadline = performance.now() + limits.decodeTimeoutMs;
  }

  span(): void {
    if (++this.spans > this.limits.maxSpansPerRequest) {
      throw new LimitError(`the request holds more than ${this.limits.maxSpansPerRequest} ${this.unit} (limit maxSpansPerRequest): send fewer per request`);
    }
  }

  attribute(): void {
    if (++this.attributes > this.limits.maxAttributesPerRequest) {
      throw new LimitError(`the request holds more than ${this.limits.maxAttributesPerRequest} attributes, events and links (limit maxAttributesPerRequest): send fewer per request`);
    }
  }

  field(): void {
    if (++this.fields > this.limits.maxFieldsPerRequest) {
      throw new LimitError(`the request holds more than ${this.limits.maxFieldsPerRequest} protobuf fields (limit maxFieldsPerRequest): send fewer per request`);
    }
  }

  /** Throws once the decoding has taken longer than the limit. */
  checkTime(): void {
    if (performance.now() > this.deadline) throw timeout(this.limits.decodeTimeoutMs);
  }
}

export function timeout(ms: number): LimitError {
  return new LimitError(`decoding the request took longer than ${ms} ms (limit decodeTimeoutMs): send smaller requests`);
}

/** No limit but the nesting: for the server's own reads of what it stored, and for tests. */
export const UNLIMITED: IngestLimits = {
  maxSpansPerRequest: Infinity,
  maxAttributesPerRequest: Infinity,
  maxFieldsPerRequest: Infinity,
  decodeTimeoutMs: Infinity,
  decodeMemoryMb: Infinity,
};
