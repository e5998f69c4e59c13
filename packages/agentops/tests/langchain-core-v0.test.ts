/**
 * The oldest supported `@langchain/core`, 0.3 (installed as the alias `@langchain/core-v0`): the
 * same callback manager patch records its runs. Its chat model here is a BaseChatModel of that core
 * calling the real, instrumented `openai` client against the loopback stub: one `chat` span with
 * the stub's usage (the client's own span suppressed), inside the chain's span; a tool, a failing
 * tool (its very error reaches the caller) and a retriever map as on the current core.
 */
import { CallbackManager } from '@langchain/core-v0/callbacks/manager';
import { BaseChatModel } from '@langchain/core-v0/language_models/chat_models';
import { AIMessage, type BaseMessage } from '@langchain/core-v0/messages';
import type { ChatResult } from '@langchain/core-v0/outputs';
import { ChatPromptTemplate } from '@langchain/core-v0/prompts';
import { StringOutputParser } from '@langchain/core-v0/output_parsers';
import { tool } from '@langchain/core-v0/tools';
import { BaseRetriever } from '@langchain/core-v0/retrievers';
import { Document } from '@langchain/core-v0/documents';
import OpenAI from 'openai';
import { z } from 'zod/v3';
import { allText, InstrumentedRun, llmSpans, only, StatusCode } from './helpers/instrumented-run';

let run: InstrumentedRun;
beforeEach(async () => {
  run = await InstrumentedRun.start();
});
afterEach(() => run.close());

class StubChat extends BaseChatModel {
  constructor(private readonly client: OpenAI) {
    super({});
  }

  _llmType(): string {
    return 'stub-openai';
  }

  override getLsParams(): ReturnType<BaseChatModel['getLsParams']> {
    return { ls_provider: 'openai', ls_model_name: 'gpt-4o-mini', ls_model_type: 'chat' };
  }

  async _generate(messages: BaseMessage[]): Promise<ChatResult> {
    const res = await this.client.chat.completions.create({ model: 'gpt-4o-mini', messages: messages.map((m) => ({ role: m._getType() === 'human' ? 'user' : 'system', content: String(m.content) })) });
    const text = res.choices[0]!.message.content ?? '';
    const usage = { input_tokens: res.usage!.prompt_tokens, output_tokens: res.usage!.completion_tokens, total_tokens: res.usage!.total_tokens };
    return { generations: [{ text, message: new AIMessage({ content: text, id: res.id, usage_metadata: usage, response_metadata: { model_name: res.model, finish_reason: res.choices[0]!.finish_reason } }) }] };
  }
}

const instrument = { openai: OpenAI, langchain: { CallbackManager, BaseChatModel } };

class Docs extends BaseRetriever {
  override lc_namespace = ['tests'];
  override async _getRelevantDocuments(): Promise<Document[]> {
    return [new Document({ pageContent: 'secret-doc' }), new Document({ pageContent: 'b' }), new Document({ pageContent: 'c' })];
  }
}

test('core 0.3: a chain with a chat model, a tool, a failing tool and a retriever', async () => {
  run.init({ instrument, captureContent: false });
  const client = new OpenAI({ baseURL: run.stub.openaiBaseURL, apiKey: 'sk-test' });
  const chain = ChatPromptTemplate.fromMessages([['human', '{question}']]).pipe(new StubChat(client)).pipe(new StringOutputParser());
  // core 0.3's tool() types go too deep for the type checker with zod 4's v3 schemas; the calls are plain.
  const makeTool = tool as unknown as (fn: (input: { id?: number }) => Promise<string>, fields: Record<string, unknown>) => { invoke(input: unknown): Promise<unknown> };
  const lookup = makeTool(async ({ id }) => `secret-result ${id}`, { name: 'lookup', description: 'Look up', schema: z.object({ id: z.number() }) });
  const boom = new RangeError('no such order');
  const broken = makeTool(async () => Promise.reject(boom), { name: 'broken', description: 'Fails', schema: z.object({}) });
  const { session, spans } = await run.inSession(async () => {
    expect(await chain.invoke({ question: 'secret-question' })).toBe('You said: secret-question');
    expect(await lookup.invoke({ id: 7 })).toBe('secret-result 7');
    await expect(broken.invoke({})).rejects.toBe(boom);
    expect(await new Docs().invoke('secret-query')).toHaveLength(3);
  });
  const seq = only(spans.filter((s) => s.name === 'RunnableSequence'), 'chain span');
  expect(seq.parentSpanId).toBe(session.span.spanContext().spanId);
  const chat = only(llmSpans(spans), 'chat span');
  expect(chat.name).toBe('chat gpt-4o-mini');
  expect(chat.parentSpanId).toBe(seq.spanId);
  expect(chat.attributes).toMatchObject({ 'agentops.framework': 'langchain', 'gen_ai.provider.name': 'openai', 'gen_ai.usage.input_tokens': 12, 'gen_ai.usage.output_tokens': 7 });
  expect(only(spans.filter((s) => s.name === 'execute_tool lookup')).status.code).toBe(StatusCode.OK);
  const failed = only(spans.filter((s) => s.name === 'execute_tool broken'));
  expect(failed.status.code).toBe(StatusCode.ERROR);
  expect(failed.attributes['error.type']).toBe('RangeError');
  expect(only(spans.filter((s) => s.name === 'retrieval Docs')).attributes['agentops.retrieval.documents']).toBe(3);
  expect(allText(spans)).not.toContain('secret-');
});
