/**
 * The two pieces of undici the SDK uses, loaded without undici's entry point.
 *
 * `require('undici')` runs `lib/global.js`, which installs an undici Agent as the process-wide
 * dispatcher under `Symbol.for('undici.globalDispatcher.1')` — the slot Node's built-in `fetch`
 * reads. Importing a tracing SDK would then silently replace the connection pool behind every
 * `fetch` the agent makes (the OpenAI and Anthropic clients included), with a non-configurable
 * property nobody can take back. Loading the Agent and the request function from their own
 * modules gives us our private pools and leaves the user's `fetch` exactly as it was.
 */
import type { Dispatcher } from 'undici';
import type { IncomingHttpHeaders } from 'node:http';

export interface UndiciAgent {
  destroy(): Promise<void>;
}

export interface AgentOptions {
  connections?: number;
  keepAliveTimeout?: number;
  connect?: { timeout?: number };
}

export interface PostOptions {
  headers: Record<string, string>;
  body: Uint8Array | string;
  signal?: AbortSignal;
  /** Milliseconds to wait for response headers, then between body chunks. */
  timeoutMs: number;
}

export interface PostResponse {
  statusCode: number;
  headers: IncomingHttpHeaders;
  body: Dispatcher.ResponseData['body'];
}

type AgentCtor = new (options?: AgentOptions) => UndiciAgent;
type RequestFn = (this: UndiciAgent, opts: Record<string, unknown>) => Promise<PostResponse>;

// eslint-disable-next-line @typescript-eslint/no-require-imports
const Agent = require('undici/lib/dispatcher/agent') as AgentCtor;
// eslint-disable-next-line @typescript-eslint/no-require-imports
const requestOn = require('undici/lib/api/api-request') as RequestFn;

export function createAgent(options: AgentOptions): UndiciAgent {
  return new Agent(options);
}

/** POSTs `body` to `url` over `agent`'s pool. */
export function post(agent: UndiciAgent, url: string, options: PostOptions): Promise<PostResponse> {
  const target = new URL(url);
  return requestOn.call(agent, {
    origin: target.origin,
    path: `${target.pathname}${target.search}`,
    method: 'POST',
    headers: options.headers,
    body: options.body,
    signal: options.signal,
    headersTimeout: options.timeoutMs,
    bodyTimeout: options.timeoutMs,
  });
}
