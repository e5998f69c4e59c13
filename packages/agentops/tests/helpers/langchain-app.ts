/**
 * The LangChain / LangGraph app the LangChain tests run: a ReAct agent (`createReactAgent`, the real
 * `ChatOpenAI` against the loopback stub, one tool), a plain LCEL chain and a retriever, and the
 * stub's script for the agent (a tool call, then the answer) with its token figures.
 */
import { BaseRetriever } from '@langchain/core/retrievers';
import { Document } from '@langchain/core/documents';
import { ChatPromptTemplate } from '@langchain/core/prompts';
import { StringOutputParser } from '@langchain/core/output_parsers';
import { tool } from '@langchain/core/tools';
import { createReactAgent, ToolNode } from '@langchain/langgraph/prebuilt';
import { ChatOpenAI } from '@langchain/openai';
import { z } from 'zod';
import type { DecodedSpan } from '../../../../testing/otlp-decode';
import { openaiChatCompletion, type LlmStub } from '../../../../testing/llm-stub';

export const QUESTION = 'What is the weather in Paris? secret-question';
export const TOOL_RESULT = 'sunny, 21C, secret-tool-result';
export const ANSWER = 'It is sunny in Paris. secret-answer';
/** The stub's usage for the two model calls of the agent. */
export const USAGE = [
  { prompt: 41, completion: 9 },
  { prompt: 63, completion: 12 },
];

/** Scripts the stub: a tool call with secret arguments, then the answer. */
export function scriptAgent(stub: LlmStub): void {
  stub.enqueue(
    { json: openaiChatCompletion({ id: 'chatcmpl-lc-1', model: 'gpt-4o-mini', content: null, toolCalls: [{ id: 'call_1', name: 'get_weather', arguments: '{"city":"Paris-secret-arg"}' }], usage: USAGE[0] }) },
    { json: openaiChatCompletion({ id: 'chatcmpl-lc-2', model: 'gpt-4o-mini', content: ANSWER, usage: USAGE[1] }) },
  );
}

export function model(stub: LlmStub): ChatOpenAI {
  return new ChatOpenAI({ model: 'gpt-4o-mini', apiKey: 'sk-test', maxRetries: 0, configuration: { baseURL: stub.openaiBaseURL } });
}

export function weatherTool(fail?: Error) {
  return tool(
    async ({ city }: { city: string }) => {
      if (fail !== undefined) throw fail;
      return `${TOOL_RESULT} (${city})`;
    },
    { name: 'get_weather', description: 'Current weather in a city', schema: z.object({ city: z.string() }) },
  );
}

/** A ReAct agent named `weather_agent`; with `fail`, its tool throws it and the tool node lets it through. */
/** What the tests call on the agent. */
export interface Agent {
  invoke(input: { messages: Array<{ role: string; content: string }> }): Promise<{ messages: Array<{ content: unknown }> }>;
}

export function agent(stub: LlmStub, fail?: Error): Agent {
  const tools = [weatherTool(fail)];
  return createReactAgent({ llm: model(stub), tools: fail === undefined ? tools : new ToolNode(tools, { handleToolErrors: false }), name: 'weather_agent' }) as unknown as Agent;
}

export function chain(stub: LlmStub) {
  return ChatPromptTemplate.fromMessages([['system', 'You answer briefly. secret-system'], ['human', '{question}']])
    .pipe(model(stub))
    .pipe(new StringOutputParser());
}

export class DocsRetriever extends BaseRetriever {
  override lc_namespace = ['tests', 'retrievers'];

  static override lc_name(): string {
    return 'DocsRetriever';
  }

  override async _getRelevantDocuments(query: string): Promise<Document[]> {
    return [new Document({ pageContent: `secret-doc-one about ${query}`, metadata: { source: 'a' } }), new Document({ pageContent: 'secret-doc-two', metadata: { source: 'b' } })];
  }
}

/** Whether `span` is below `ancestor` in `spans`. */
export function isBelow(span: DecodedSpan, ancestor: DecodedSpan, spans: DecodedSpan[]): boolean {
  const byId = new Map(spans.map((s) => [s.spanId, s]));
  for (let p = span.parentSpanId; p !== undefined; p = byId.get(p)?.parentSpanId) if (p === ancestor.spanId) return true;
  return false;
}
