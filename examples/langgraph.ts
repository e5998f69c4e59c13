/**
 * A LangGraph ReAct agent (`createReactAgent`, `ChatOpenAI`, one tool), an LCEL chain and a
 * retriever, recorded by agentops without a handler passed or a hand-written event: every run
 * LangChain reports becomes a span, the agent holding its nodes, model calls (with usage, counted
 * once) and tool. The model talks to a loopback stand-in for the OpenAI API, scripted to call the
 * tool and then answer, so this runs without network or keys.
 *
 *   npx tsx examples/langgraph.ts
 */
import { CallbackManager } from '@langchain/core/callbacks/manager';
import { Document } from '@langchain/core/documents';
import { BaseChatModel } from '@langchain/core/language_models/chat_models';
import { StringOutputParser } from '@langchain/core/output_parsers';
import { ChatPromptTemplate } from '@langchain/core/prompts';
import { BaseRetriever } from '@langchain/core/retrievers';
import { tool } from '@langchain/core/tools';
import { createReactAgent } from '@langchain/langgraph/prebuilt';
import { ChatOpenAI } from '@langchain/openai';
import { InMemorySpanExporter } from '@opentelemetry/sdk-trace';
import OpenAI from 'openai';
import { z } from 'zod';
import * as agentops from 'agentops';
import { LlmStub, openaiChatCompletion } from './support/llm-stub';
import { printSession } from './support/print-session';

class FaqRetriever extends BaseRetriever {
  override lc_namespace = ['examples'];

  override async _getRelevantDocuments(query: string): Promise<Document[]> {
    return [new Document({ pageContent: `Orders ship within a day (${query})`, metadata: { source: 'faq#shipping' } }), new Document({ pageContent: 'Refunds take 5 days', metadata: { source: 'faq#refunds' } })];
  }
}

async function main(): Promise<void> {
  const stub = await LlmStub.start();
  // The agent's two model calls: the tool call, then the answer (the chain's call gets the stub's default).
  stub.enqueue(
    { json: openaiChatCompletion({ id: 'chatcmpl-1', model: 'gpt-4o-mini', content: null, toolCalls: [{ id: 'call_1', name: 'lookup_order', arguments: '{"order_id":42}' }], usage: { prompt: 58, completion: 17 } }) },
    { json: openaiChatCompletion({ id: 'chatcmpl-2', model: 'gpt-4o-mini', content: 'Order 42 shipped this morning and arrives tomorrow.', usage: { prompt: 94, completion: 14 } }) },
  );
  const collected = new InMemorySpanExporter();
  // With a plain init(), Node's require and import are patched; handing the classes over works under any loader or bundler.
  agentops.init({ exporters: [collected], autoStartSession: false, instrument: { langchain: { CallbackManager, BaseChatModel }, openai: OpenAI } });

  const llm = new ChatOpenAI({ model: 'gpt-4o-mini', apiKey: 'sk-example', configuration: { baseURL: stub.openaiBaseURL } });
  const lookupOrder = tool(async ({ order_id }: { order_id: number }) => JSON.stringify({ order_id, status: 'shipped', eta: 'tomorrow' }), {
    name: 'lookup_order',
    description: 'Look an order up by its id',
    schema: z.object({ order_id: z.number() }),
  });
  const agent = createReactAgent({ llm, tools: [lookupOrder], name: 'support_agent' });
  const summarise = ChatPromptTemplate.fromMessages([['system', 'Summarise in five words.'], ['human', '{text}']]).pipe(llm).pipe(new StringOutputParser());

  const session = agentops.startSession({ name: 'langgraph', tags: ['example'] });
  await session.run(async () => {
    const result = await agent.invoke({ messages: [{ role: 'user', content: 'Where is my order 42?' }] });
    const answer = String(result.messages.at(-1)?.content);
    console.log('agent:', answer);
    console.log('chain:', await summarise.invoke({ text: answer }));
    console.log('retriever:', (await new FaqRetriever().invoke('shipping')).length, 'documents');
  });
  session.end('Success');

  await printSession(session, collected);
  await agentops.shutdown();
  await stub.close();
}

void main();
