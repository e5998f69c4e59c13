/**
 * A loopback server that answers `POST /v1/chat/completions` like the OpenAI API, so the demo
 * drives the real `openai` client with no key and no network. The script plays a support agent:
 * it looks the order up, tries a refund, then answers the customer.
 */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

interface ChatMessage {
  role: string;
  content?: unknown;
  tool_call_id?: string;
  tool_calls?: Array<{ function?: { name?: string } }>;
}

function tokens(text: string): number {
  // Roughly what a tokenizer gives for English: enough for believable usage figures.
  return Math.max(1, Math.ceil(text.length / 4));
}

function toolCall(id: string, name: string, args: unknown): Record<string, unknown> {
  return { role: 'assistant', content: null, tool_calls: [{ id, type: 'function', function: { name, arguments: JSON.stringify(args) } }] };
}

/** The next assistant message: decided by which tool results the conversation already has. */
function reply(messages: ChatMessage[]): { message: Record<string, unknown>; finish: string } {
  const toolResults = messages.filter((m) => m.role === 'tool').length;
  if (toolResults === 0) return { message: toolCall('call_lookup_1', 'lookup_order', { order_id: 42 }), finish: 'tool_calls' };
  if (toolResults === 1) return { message: toolCall('call_refund_1', 'issue_refund', { order_id: 42, amount_usd: 19.99 }), finish: 'tool_calls' };
  return {
    message: {
      role: 'assistant',
      content: 'Your order 42 was delivered on Monday. I could not issue the refund myself, so I have passed it to a colleague who will confirm within a day.',
    },
    finish: 'stop',
  };
}

export class OpenAIStub {
  private constructor(private readonly server: Server) {}
  requests = 0;

  static async start(): Promise<OpenAIStub> {
    const server = createServer();
    const stub = new OpenAIStub(server);
    server.on('request', (req, res) => {
      const chunks: Buffer[] = [];
      req.on('data', (c: Buffer) => chunks.push(c));
      req.on('end', () => {
        if (req.method !== 'POST' || !req.url?.endsWith('/chat/completions')) {
          res.writeHead(404, { 'content-type': 'application/json' });
          res.end(JSON.stringify({ error: { message: 'not found', type: 'invalid_request_error' } }));
          return;
        }
        stub.requests++;
        const body = JSON.parse(Buffer.concat(chunks).toString('utf8')) as { model: string; messages: ChatMessage[] };
        const { message, finish } = reply(body.messages);
        const promptTokens = tokens(JSON.stringify(body.messages));
        const completionTokens = tokens(JSON.stringify(message));
        const answer = {
          id: `chatcmpl-demo-${stub.requests}`,
          object: 'chat.completion',
          created: Math.floor(Date.now() / 1000),
          model: `${body.model}-2024-07-18`,
          choices: [{ index: 0, message, finish_reason: finish, logprobs: null }],
          usage: { prompt_tokens: promptTokens, completion_tokens: completionTokens, total_tokens: promptTokens + completionTokens },
        };
        // A model takes a while to answer; the waterfall should show it.
        setTimeout(() => {
          res.writeHead(200, { 'content-type': 'application/json' });
          res.end(JSON.stringify(answer));
        }, 40 + stub.requests * 15);
      });
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    return stub;
  }

  /** Base URL for the openai client's `baseURL`. */
  get baseURL(): string {
    return `http://127.0.0.1:${(this.server.address() as AddressInfo).port}/v1`;
  }

  async close(): Promise<void> {
    const closed = new Promise<void>((resolve) => this.server.close(() => resolve()));
    this.server.closeAllConnections();
    await closed;
  }
}
