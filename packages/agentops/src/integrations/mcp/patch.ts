/**
 * MCP instrumentation (`@modelcontextprotocol/sdk` 1.x), client and server: both are subclasses of
 * the SDK's `Protocol`, whose `request()` sends every request (a CLIENT span, the context into
 * `params._meta`; client-request.ts) and whose `_onrequest()` dispatches every request received
 * (a SERVER span, the context from `params._meta`; server-request.ts). Patching these two methods on
 * `Protocol.prototype` records Client, Server and McpServer alike, over any transport, whichever
 * side sends. The package's main entry does not export `Protocol`: automatic patching reaches it
 * in `dist/{cjs,esm}/shared/protocol.js`, the file each build loads it from (1.10 to 1.32). Hooking
 * `Client.callTool` and `McpServer`'s handlers instead would miss the low-level Server, requests a
 * server sends, and handlers registered before `init()`.
 */
import type { Integration, TargetKind } from '../integration';
import { isRecord } from '../shared/llm-adapter';
import { patchMethod, unpatchAll } from '../shared/patch';
import { wrapRequest } from './client-request';
import { wrapOnRequest } from './server-request';

const NAME = 'mcp';

function hasOwn(o: object, key: string): boolean {
  return Object.prototype.hasOwnProperty.call(o, key);
}

/** `Protocol.prototype`: the object in the chain above `proto` that defines `request`, `_onrequest` and `setRequestHandler`. */
function protocolPrototype(proto: unknown): object | undefined {
  let p = proto;
  for (let depth = 0; depth < 8 && isRecord(p) && p !== Object.prototype; depth++) {
    if (hasOwn(p, 'request') && hasOwn(p, '_onrequest') && hasOwn(p, 'setRequestHandler') && typeof p.request === 'function' && typeof p._onrequest === 'function') return p;
    p = Object.getPrototypeOf(p) as unknown;
  }
  return undefined;
}

/** `Protocol.prototype` from the Protocol, Client or Server class, or a module exporting one of them. */
function fromModule(v: unknown): object | undefined {
  if (typeof v === 'function') return protocolPrototype((v as { prototype?: unknown }).prototype);
  if (!isRecord(v)) return undefined;
  for (const key of ['Protocol', 'Client', 'Server']) {
    const cls = v[key];
    if (typeof cls === 'function') {
      const p = protocolPrototype((cls as { prototype?: unknown }).prototype);
      if (p !== undefined) return p;
    }
  }
  return undefined;
}

/** The Client or Server instance itself, or the Server inside an McpServer (`mcpServer.server`). */
function fromInstance(v: unknown): object | undefined {
  if (!isRecord(v) || typeof v === 'function') return undefined;
  if (protocolPrototype(Object.getPrototypeOf(v)) !== undefined) return v;
  const server = v.server;
  return isRecord(server) && typeof server !== 'function' && protocolPrototype(Object.getPrototypeOf(server)) !== undefined ? server : undefined;
}

function patchProtocol(target: object): number {
  return Number(patchMethod(NAME, target, 'request', wrapRequest)) + Number(patchMethod(NAME, target, '_onrequest', wrapOnRequest));
}

export const mcpIntegration: Integration = {
  name: NAME,
  label: 'MCP',
  testedMajors: [1, 1],
  packageName: '@modelcontextprotocol/sdk',
  accepts: "the MCP Client or Server class (import { Client } from '@modelcontextprotocol/sdk/client/index.js'), its module, or a Client, Server or McpServer instance",
  files: ['dist/cjs/shared/protocol.js', 'dist/esm/shared/protocol.js'],
  patchMain: false,
  recognise(value: unknown): TargetKind | undefined {
    try {
      if (fromInstance(value) !== undefined) return 'instance';
      if (fromModule(value) !== undefined) return 'module';
    } catch {
      // A hostile object (throwing getters) is simply not a target.
    }
    return undefined;
  },
  patch(value: unknown, kind: TargetKind): number {
    const target = kind === 'instance' ? fromInstance(value) : fromModule(value);
    return target === undefined ? 0 : patchProtocol(target);
  },
  unpatch(): void {
    unpatchAll(NAME);
  },
};
