/**
 * An agent on the real Claude Agent SDK (`@anthropic-ai/claude-agent-sdk`), recorded by agentops:
 * the query is one `invoke_agent` span, each model call the Claude Code CLI makes a `chat` span
 * with its usage and cost, the in-process tool an `execute_tool` span. The CLI talks to a loopback
 * stand-in for the Anthropic API (no network, no key), with a throwaway home folder.
 *
 *   npx tsx examples/claude-agent-sdk.ts
 */
import { InMemorySpanExporter } from '@opentelemetry/sdk-trace';
import * as agentops from 'agentops';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { z } from 'zod/v4';
import { scriptWeatherRun } from './support/claude-agent-stub';
import { LlmStub } from './support/llm-stub';
import { formatTree, fromReadable } from './support/span-tree';

async function main(): Promise<void> {
  const stub = await LlmStub.start();
  scriptWeatherRun(stub, 'Lisbon');
  const collected = new InMemorySpanExporter();
  agentops.init({ exporters: [collected], autoStartSession: false });
  // Imported after init(): its `query` export is patched as it loads (any import or require after init() is).
  const sdk = await import('@anthropic-ai/claude-agent-sdk');
  const weather = sdk.createSdkMcpServer({
    name: 'weather',
    version: '1.0.0',
    tools: [sdk.tool('get_weather', 'The weather in a city', { city: z.string() }, async ({ city }) => ({ content: [{ type: 'text', text: `Sunny in ${city}, 24 C` }] }))],
  });
  const home = mkdtempSync(path.join(tmpdir(), 'claude-agent-example-'));

  const session = agentops.startSession({ name: 'claude-agent', tags: ['example'] });
  await session.run(async () => {
    const q = sdk.query({
      prompt: 'What is the weather in Lisbon?',
      options: {
        cwd: home,
        model: 'claude-haiku-4-5',
        tools: [],
        allowedTools: ['mcp__weather__get_weather'],
        mcpServers: { weather },
        settingSources: [],
        env: { PATH: process.env.PATH, HOME: home, CLAUDE_CONFIG_DIR: path.join(home, '.claude'), ANTHROPIC_BASE_URL: stub.url, ANTHROPIC_API_KEY: 'sk-ant-example', CLAUDE_CODE_DISABLE_NONESSENTIAL_TRAFFIC: '1' },
      },
    });
    for await (const m of q) if (m.type === 'result' && m.subtype === 'success') console.log(m.result);
  });
  session.end('Success');

  await agentops.flush();
  console.log(`\nsession ${session.id}\n`);
  console.log(formatTree(fromReadable(collected.getFinishedSpans())));
  await agentops.shutdown();
  await stub.close();
  rmSync(home, { recursive: true, force: true });
}

void main();
