/**
 * Acceptance (LangChain and LangGraph): the real `@langchain/core`, `@langchain/langgraph` and
 * `@langchain/openai` against the loopback OpenAI stub, spans decoded from the exported OTLP bytes,
 * no handler passed. A ReAct agent is `invoke_agent` holding its two `chat` spans (tokens once: the
 * `openai` client underneath is instrumented too and records nothing of its own) and its tool; a
 * plain LCEL chain and a retriever map to their spans; a tool that throws marks the tool and the
 * agent, the caller gets its very error; with content capture off no content is anywhere.
 */
import { CallbackManager } from '@langchain/core/callbacks/manager';
import { BaseChatModel } from '@langchain/core/language_models/chat_models';
import OpenAI from 'openai';
import * as agentops from '../src';
import { agent, ANSWER, chain, DocsRetriever, isBelow, model, QUESTION, scriptAgent, TOOL_RESULT, USAGE } from './helpers/langchain-app';
import { allText, InstrumentedRun, json, llmSpans, only, StatusCode } from './helpers/instrumented-run';

let run: InstrumentedRun;
beforeEach(async () => {
  run = await InstrumentedRun.start();
});
afterEach(() => run.close());

const instrument = { openai: OpenAI, langchain: { CallbackManager, BaseChatModel } };

test('a ReAct agent: invoke_agent holds two chat spans with the stub tokens once, and the tool span', async () => {
  run.init({ instrument, captureContent: true });
  scriptAgent(run.stub);
  let result: unknown;
  const { session, spans } = await run.inSession(async () => {
    result = await agent(run.stub).invoke({ messages: [{ role: 'user', content: QUESTION }] });
    // The client underneath is instrumented: called directly, it records its own span.
    await new OpenAI({ baseURL: run.stub.openaiBaseURL, apiKey: 'sk-test' }).chat.completions.create({ model: 'gpt-4o', messages: [{ role: 'user', content: 'direct' }] });
  });
  expect(only(llmSpans(spans).filter((s) => s.attributes['agentops.framework'] === undefined), 'client span').name).toBe('chat gpt-4o');
  expect((result as { messages: Array<{ content: unknown }> }).messages.at(-1)?.content).toBe(ANSWER);
  const invoke = only(spans.filter((s) => s.name === 'invoke_agent weather_agent'), 'agent span');
  expect(invoke.parentSpanId).toBe(session.span.spanContext().spanId);
  expect(invoke.attributes).toMatchObject({ 'gen_ai.agent.name': 'weather_agent', 'agentops.framework': 'langchain' });
  expect(invoke.status.code).toBe(StatusCode.OK);
  // Exactly one span per model call, both the framework's: the client's own span was suppressed.
  const chats = llmSpans(spans).filter((s) => s.name === 'chat gpt-4o-mini');
  expect(chats.map((s) => s.name)).toEqual(['chat gpt-4o-mini', 'chat gpt-4o-mini']);
  for (const c of chats) {
    expect(isBelow(c, invoke, spans)).toBe(true);
    expect(c.attributes).toMatchObject({ 'agentops.framework': 'langchain', 'gen_ai.provider.name': 'openai', 'gen_ai.request.model': 'gpt-4o-mini' });
  }
  const sum = (key: string) => chats.reduce((n, s) => n + (s.attributes[key] as number), 0);
  expect(sum('gen_ai.usage.input_tokens')).toBe(USAGE[0]!.prompt + USAGE[1]!.prompt);
  expect(sum('gen_ai.usage.output_tokens')).toBe(USAGE[0]!.completion + USAGE[1]!.completion);
  expect(session.summary().llmCalls).toBe(3);
  // The graph's nodes nest under it, the model calls in `agent`, the tool in `tools`.
  const nodes = spans.filter((s) => s.attributes['agentops.span.kind'] === 'step');
  expect(nodes.map((s) => s.name)).toEqual(['agent', 'tools', 'agent']);
  for (const n of nodes) expect(n.parentSpanId).toBe(invoke.spanId);
  const tool = only(spans.filter((s) => s.name === 'execute_tool get_weather'), 'tool span');
  expect(tool.parentSpanId).toBe(only(nodes.filter((n) => n.name === 'tools')).spanId);
  expect(tool.attributes['gen_ai.tool.call.id']).toBe('call_1');
  expect(tool.status.code).toBe(StatusCode.OK);
  for (const c of chats) expect(nodes.filter((n) => n.name === 'agent').map((n) => n.spanId)).toContain(c.parentSpanId);
  // With content capture: the messages, the tool's arguments and result.
  expect(JSON.stringify(json(chats[0]!.attributes['gen_ai.input.messages']))).toContain(QUESTION);
  expect(JSON.stringify(json(chats[1]!.attributes['gen_ai.output.messages']))).toContain(ANSWER);
  expect(String(tool.attributes['gen_ai.tool.call.arguments'])).toContain('Paris-secret-arg');
  expect(String(tool.attributes['gen_ai.tool.call.result'])).toContain(TOOL_RESULT);
});

test('a plain LCEL chain is a span named after it, holding the prompt, the chat span and the parser', async () => {
  run.init({ instrument, captureContent: true });
  let out: unknown;
  const { session, spans } = await run.inSession(async () => {
    out = await chain(run.stub).invoke({ question: 'hello there' });
  });
  expect(out).toBe('You said: hello there');
  const seq = only(spans.filter((s) => s.name === 'RunnableSequence'), 'chain span');
  expect(seq.parentSpanId).toBe(session.span.spanContext().spanId);
  expect(seq.attributes['agentops.span.kind']).toBe('chain');
  expect(String(seq.attributes['agentops.operation.output'])).toContain('You said: hello there');
  const children = spans.filter((s) => s.parentSpanId === seq.spanId).map((s) => s.name);
  expect(children.sort()).toEqual(['ChatPromptTemplate', 'StrOutputParser', 'chat gpt-4o-mini'].sort());
  const chat = only(llmSpans(spans), 'chat span');
  expect(chat.attributes['gen_ai.usage.input_tokens']).toEqual(expect.any(Number));
  expect(chat.attributes['gen_ai.response.id']).toEqual(expect.any(String));
});

test('a retriever is retrieval {name} with the number of documents, their content only with capture', async () => {
  run.init({ instrument, captureContent: true });
  const { spans } = await run.inSession(async () => {
    expect(await new DocsRetriever().invoke('paris')).toHaveLength(2);
  });
  const r = only(spans.filter((s) => s.name === 'retrieval DocsRetriever'), 'retrieval span');
  expect(r.attributes).toMatchObject({ 'agentops.span.kind': 'retrieval', 'agentops.retrieval.documents': 2 });
  expect(String(r.attributes['agentops.operation.output'])).toContain('secret-doc-two');
  expect(r.attributes['agentops.operation.input']).toContain('paris');
});

test('a tool that throws: ERROR on the tool and the agent span, the caller gets its very error', async () => {
  run.init({ instrument, captureContent: false });
  scriptAgent(run.stub);
  class WeatherDown extends Error {
    override name = 'WeatherDown';
  }
  const boom = new WeatherDown('weather service down');
  const { spans } = await run.inSession(async () => {
    await expect(agent(run.stub, boom).invoke({ messages: [{ role: 'user', content: QUESTION }] })).rejects.toBe(boom);
  });
  const tool = only(spans.filter((s) => s.name === 'execute_tool get_weather'), 'tool span');
  const invoke = only(spans.filter((s) => s.name === 'invoke_agent weather_agent'), 'agent span');
  const node = only(spans.filter((s) => s.name === 'tools' && s.attributes['agentops.span.kind'] === 'step'), 'tools node');
  for (const s of [tool, node, invoke]) {
    expect(s.status.code).toBe(StatusCode.ERROR);
    expect(s.attributes['error.type']).toBe('WeatherDown');
    expect(s.events.some((e) => e.name === 'exception')).toBe(true);
  }
  expect(isBelow(tool, invoke, spans)).toBe(true);
  expect(llmSpans(spans)).toHaveLength(1);
});

test('content capture off: no prompt, instruction, tool input or output, answer or document anywhere', async () => {
  run.init({ instrument, captureContent: false });
  scriptAgent(run.stub);
  const { spans } = await run.inSession(async () => {
    await agent(run.stub).invoke({ messages: [{ role: 'user', content: QUESTION }] });
    await chain(run.stub).invoke({ question: 'secret-chain-question' });
    await new DocsRetriever().invoke('secret-query');
  });
  expect(llmSpans(spans)).toHaveLength(3);
  expect(spans.some((s) => s.name === 'retrieval DocsRetriever')).toBe(true);
  const text = allText(spans);
  for (const secret of ['secret-', 'Paris', 'sunny', 'You said']) expect(text).not.toContain(secret);
});

test('a streamed model call is one chat span with usage; after shutdown nothing is recorded and calls go on', async () => {
  run.init({ instrument, captureContent: false });
  const { spans } = await run.inSession(async () => {
    let text = '';
    for await (const chunk of await model(run.stub).stream('stream please')) text += String(chunk.content);
    expect(text).toContain('stream please');
  });
  const chat = only(llmSpans(spans), 'chat span');
  expect(chat.attributes['agentops.framework']).toBe('langchain');
  expect(chat.attributes['gen_ai.usage.output_tokens']).toEqual(expect.any(Number));
  await agentops.shutdown(1000);
  expect(await chain(run.stub).invoke({ question: 'after' })).toBe('You said: after');
});

test('the handler passed by hand records the same runs once, next to the registered one', async () => {
  run.init({ instrument, captureContent: false });
  const { spans } = await run.inSession(async () => {
    await chain(run.stub).invoke({ question: 'hi' }, { callbacks: [new agentops.AgentOpsCallbackHandler()] });
  });
  expect(spans.filter((s) => s.name === 'RunnableSequence')).toHaveLength(1);
  expect(llmSpans(spans)).toHaveLength(1);
});

test('a graph stream the caller leaves at its first chunk: its runs end, the agent span as cancelled (ERROR)', async () => {
  run.init({ instrument, captureContent: false });
  scriptAgent(run.stub);
  const { spans } = await run.inSession(async () => {
    const graph = agent(run.stub) as unknown as { stream(input: unknown): Promise<AsyncIterable<unknown>> };
    for await (const chunk of await graph.stream({ messages: [{ role: 'user', content: QUESTION }] })) {
      void chunk;
      break;
    }
  });
  // Only ended spans are exported: the agent and its first node and model call are there.
  const invoke = only(spans.filter((s) => s.name === 'invoke_agent weather_agent'), 'agent span');
  expect(invoke.status.code).toBe(StatusCode.ERROR);
  const node = only(spans.filter((s) => s.name === 'agent' && s.parentSpanId === invoke.spanId), 'first node');
  expect(only(llmSpans(spans), 'chat span').parentSpanId).toBe(node.spanId);
});
