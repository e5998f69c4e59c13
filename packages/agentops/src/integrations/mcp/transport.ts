/**
 * What a span can say about the connection an MCP request travels on: `network.transport` (`pipe`
 * for stdio, `tcp` for HTTP and WebSocket, as the conventions say), `network.protocol.name`, the
 * server's address and port seen from a client, the transport's MCP session id, and the protocol
 * version the two sides settled on. Read defensively: transports are the SDK's or the user's own.
 */
import type { Span } from '@opentelemetry/api';
import { isRecord } from '../shared/llm-adapter';
import * as M from './attributes';

interface TransportInfo {
  readonly transport: 'pipe' | 'tcp' | undefined;
  readonly protocol: 'http' | 'websocket' | undefined;
  readonly address: string | undefined;
  readonly port: number | undefined;
}

const NONE: TransportInfo = { transport: undefined, protocol: undefined, address: undefined, port: undefined };

// Per transport object, classified once (a connection carries many requests).
const infos = new WeakMap<object, TransportInfo>();

// Per Protocol instance (a Client or Server), the version `initialize` settled on.
const versions = new WeakMap<object, string>();

function read(o: unknown, key: string): unknown {
  try {
    return isRecord(o) ? o[key] : undefined;
  } catch {
    return undefined;
  }
}

function classify(transport: object): TransportInfo {
  let name = '';
  try {
    const n = (transport as { constructor?: { name?: unknown } }).constructor?.name;
    if (typeof n === 'string') name = n;
  } catch {
    // A hostile object: nothing known.
  }
  if (/stdio/i.test(name)) return { ...NONE, transport: 'pipe' };
  const url = read(transport, '_url');
  const address = url instanceof URL ? url.hostname.replace(/^\[(.*)\]$/, '$1') : undefined;
  const port = url instanceof URL ? Number(url.port || (url.protocol === 'https:' || url.protocol === 'wss:' ? 443 : 80)) : undefined;
  if (/websocket/i.test(name) || (url instanceof URL && /^wss?:$/.test(url.protocol))) return { transport: 'tcp', protocol: 'websocket', address, port };
  if (/http|sse/i.test(name) || url instanceof URL) return { transport: 'tcp', protocol: 'http', address, port };
  return NONE;
}

function infoOf(transport: unknown): TransportInfo {
  if (!isRecord(transport)) return NONE;
  let info = infos.get(transport);
  if (info === undefined) {
    info = classify(transport);
    infos.set(transport, info);
  }
  return info;
}

/** The transport's MCP session id (Streamable HTTP), or undefined (stdio has none). */
export function sessionIdOf(transport: unknown): string | undefined {
  const id = read(transport, 'sessionId');
  return typeof id === 'string' && id !== '' ? id : undefined;
}

/**
 * Sets the connection attributes on a request span. `side` is where the span is recorded;
 * `requestInfo` is what an HTTP server transport passes with an incoming message (its headers).
 */
export function setTransportAttributes(span: Span, protocol: object, transport: unknown, side: 'client' | 'server', requestInfo?: unknown): void {
  const info = infoOf(transport);
  // A server transport of unknown class that passes HTTP request details is HTTP.
  const http = info.transport === undefined && side === 'server' && isRecord(requestInfo) && isRecord(read(requestInfo, 'headers'));
  const network = info.transport ?? (http ? 'tcp' : undefined);
  if (network !== undefined) span.setAttribute(M.NETWORK_TRANSPORT, network);
  const name = info.protocol ?? (http ? 'http' : undefined);
  if (name !== undefined) span.setAttribute(M.NETWORK_PROTOCOL_NAME, name);
  if (side === 'client' && info.address !== undefined) {
    span.setAttribute(M.SERVER_ADDRESS, info.address);
    if (info.port !== undefined && Number.isInteger(info.port)) span.setAttribute(M.SERVER_PORT, info.port);
  }
  const sessionId = sessionIdOf(transport);
  if (sessionId !== undefined) span.setAttribute(M.MCP_SESSION_ID, sessionId);
  const version = versions.get(protocol) ?? announcedVersion(transport, side, requestInfo);
  if (version !== undefined) span.setAttribute(M.MCP_PROTOCOL_VERSION, version);
}

/** The version an HTTP transport announces: the client's `protocolVersion`, the `mcp-protocol-version` header a server received. */
function announcedVersion(transport: unknown, side: 'client' | 'server', requestInfo: unknown): string | undefined {
  if (side === 'client') {
    const v = read(transport, 'protocolVersion');
    return typeof v === 'string' && v !== '' ? v : undefined;
  }
  const headers = read(requestInfo, 'headers');
  const v = read(headers, 'mcp-protocol-version');
  return typeof v === 'string' && v !== '' ? v : undefined;
}

/** Remembers the version `initialize` settled on for this Client or Server, for its later spans. */
export function rememberVersion(protocol: object, version: string): void {
  versions.set(protocol, version);
}
