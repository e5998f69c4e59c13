/** The MCP attribute-name strings equal the semantic-conventions package's constants. */
import * as incubating from '@opentelemetry/semantic-conventions/incubating';
import * as M from '../src/integrations/mcp/attributes';

const pairs: Array<[keyof typeof M, string]> = [
  ['MCP_METHOD_NAME', 'ATTR_MCP_METHOD_NAME'],
  ['MCP_SESSION_ID', 'ATTR_MCP_SESSION_ID'],
  ['MCP_PROTOCOL_VERSION', 'ATTR_MCP_PROTOCOL_VERSION'],
  ['MCP_RESOURCE_URI', 'ATTR_MCP_RESOURCE_URI'],
  ['JSONRPC_REQUEST_ID', 'ATTR_JSONRPC_REQUEST_ID'],
  ['RPC_RESPONSE_STATUS_CODE', 'ATTR_RPC_RESPONSE_STATUS_CODE'],
  ['GEN_AI_PROMPT_NAME', 'ATTR_GEN_AI_PROMPT_NAME'],
  ['NETWORK_TRANSPORT', 'ATTR_NETWORK_TRANSPORT'],
  ['NETWORK_PROTOCOL_NAME', 'ATTR_NETWORK_PROTOCOL_NAME'],
  ['SERVER_ADDRESS', 'ATTR_SERVER_ADDRESS'],
  ['SERVER_PORT', 'ATTR_SERVER_PORT'],
];

describe('MCP semantic convention names', () => {
  it.each(pairs)('%s equals %s', (ours, theirs) => {
    const expected = (incubating as unknown as Record<string, string>)[theirs];
    expect(expected).toBeDefined();
    expect(M[ours]).toBe(expected);
  });
});
