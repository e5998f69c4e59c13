/**
 * Acceptance (issue: function wrappers): table-driven over every kind of result a function can
 * give (sync value, promise, sync throw, rejection, async iterable consumed / abandoned / failing,
 * ReadableStream read / iterated / abandoned / failing, promises of either) and every wrapper
 * (tool, action, agent, operation): the span's status, exception event, captured input and output,
 * and that the caller sees exactly what the unwrapped function gives (the same objects, `this` and
 * arguments). Then sessions, nesting,
 * byte streams with BYOB readers, every other way of consuming a ReadableStream, decorators
 * (standard and legacy), content capture off and the uninitialised case.
 */
import OpenAI from 'openai';
import * as ts from 'typescript';
import * as agentops from '../src';
import { AgentOpsError } from '../src';
import type { DecodedSpan } from '../../../testing/otlp-decode';
import { allText, InstrumentedRun, llmSpans, only, StatusCode } from './helpers/instrumented-run';

interface Outcome {
  /** What the caller got: the value (or the chunks of a stream), or the error. */
  value?: unknown;
  chunks?: unknown[];
  error?: unknown;
}

interface ResultCase {
  label: string;
  /** Builds the user's function; `produced` receives the very object it returns or throws. */
  make(produced: (v: unknown) => void): (this: unknown, ...args: unknown[]) => unknown;
  /** Consumes the result as a caller would. */
  consume(result: () => unknown): Promise<Outcome>;
  status: number;
  outcome?: string;
  /** Expected recorded output (JSON), when the call succeeds. */
  output?: unknown;
}

const RESULT = { answer: 42 };
const FAILURE = new TypeError('bad input');
const ITEMS = [{ n: 1 }, { n: 2 }, { n: 3 }];

async function drain(iterable: AsyncIterable<unknown>, stopAfter = Infinity): Promise<Outcome> {
  const chunks: unknown[] = [];
  try {
    for await (const c of iterable) {
      chunks.push(c);
      if (chunks.length >= stopAfter) break;
    }
  } catch (error) {
    return { chunks, error };
  }
  return { chunks };
}

async function drainStream(stream: ReadableStream<unknown>): Promise<Outcome> {
  const reader = stream.getReader();
  const chunks: unknown[] = [];
  try {
    for (;;) {
      const r = await reader.read();
      if (r.done) return { chunks };
      chunks.push(r.value);
    }
  } catch (error) {
    return { chunks, error };
  }
}

async function iterateStream(stream: ReadableStream<unknown>, stopAfter = Infinity): Promise<Outcome> {
  const chunks: unknown[] = [];
  try {
    for await (const c of stream as unknown as AsyncIterable<unknown>) {
      chunks.push(c);
      if (chunks.length >= stopAfter) break;
    }
  } catch (error) {
    return { chunks, error };
  }
  return { chunks };
}

/** Hands `v` to `produced` and returns it. */
function tap<T>(produced: (v: unknown) => void, v: T): T {
  produced(v);
  return v;
}

function streamOf(items: unknown[], failAfter?: number): ReadableStream<unknown> {
  let i = 0;
  return new ReadableStream({
    pull(controller) {
      if (failAfter !== undefined && i === failAfter) controller.error(FAILURE);
      else if (i < items.length) controller.enqueue(items[i++]);
      else controller.close();
    },
  });
}

const CASES: ResultCase[] = [
  {
    label: 'a sync value',
    make: (produced) => () => (produced(RESULT), RESULT),
    consume: async (r) => ({ value: r() }),
    status: StatusCode.OK,
    output: RESULT,
  },
  {
    label: 'a promise',
    make: (produced) => async () => (produced(RESULT), RESULT),
    consume: async (r) => ({ value: await r() }),
    status: StatusCode.OK,
    output: RESULT,
  },
  {
    label: 'a sync throw',
    make: (produced) => () => {
      produced(FAILURE);
      throw FAILURE;
    },
    consume: async (r) => {
      try {
        r();
        return {};
      } catch (error) {
        return { error };
      }
    },
    status: StatusCode.ERROR,
  },
  {
    label: 'a rejection',
    make: (produced) => async () => {
      produced(FAILURE);
      throw FAILURE;
    },
    consume: async (r) => (r() as Promise<unknown>).then((value) => ({ value }), (error: unknown) => ({ error })),
    status: StatusCode.ERROR,
  },
  {
    label: 'an async generator read to the end',
    make: (produced) =>
      function () {
        const g = (async function* () {
          yield* ITEMS;
        })();
        produced(g);
        return g;
      },
    consume: async (r) => ({ ...(await drain(r() as AsyncIterable<unknown>)), value: undefined }),
    status: StatusCode.OK,
    outcome: 'completed',
    output: ITEMS,
  },
  {
    label: 'an async generator abandoned after one item',
    make: (produced) =>
      function () {
        const g = (async function* () {
          yield* ITEMS;
        })();
        produced(g);
        return g;
      },
    consume: (r) => drain(r() as AsyncIterable<unknown>, 1),
    status: StatusCode.OK,
    outcome: 'cancelled',
    output: [ITEMS[0]],
  },
  {
    label: 'an async generator that fails',
    make: (produced) =>
      function () {
        const g = (async function* () {
          yield ITEMS[0];
          throw FAILURE;
        })();
        produced(g);
        return g;
      },
    consume: (r) => drain(r() as AsyncIterable<unknown>),
    status: StatusCode.ERROR,
    outcome: 'error',
  },
  {
    label: 'a promise of an async iterable',
    make: (produced) => async () => {
      const g = (async function* () {
        yield* ITEMS;
      })();
      produced(g);
      return g;
    },
    consume: async (r) => drain((await r()) as AsyncIterable<unknown>),
    status: StatusCode.OK,
    outcome: 'completed',
    output: ITEMS,
  },
  {
    label: 'a ReadableStream read to the end',
    make: (produced) => () => tap(produced, streamOf(ITEMS)),
    consume: (r) => drainStream(r() as ReadableStream<unknown>),
    status: StatusCode.OK,
    outcome: 'completed',
    output: ITEMS,
  },
  {
    label: 'a ReadableStream read with for await',
    make: (produced) => () => tap(produced, streamOf(ITEMS)),
    consume: (r) => iterateStream(r() as ReadableStream<unknown>),
    status: StatusCode.OK,
    outcome: 'completed',
    output: ITEMS,
  },
  {
    label: 'a ReadableStream abandoned after one chunk',
    make: (produced) => () => tap(produced, streamOf(ITEMS)),
    consume: (r) => iterateStream(r() as ReadableStream<unknown>, 1),
    status: StatusCode.OK,
    outcome: 'cancelled',
    output: [ITEMS[0]],
  },
  {
    label: 'a ReadableStream that errors',
    make: (produced) => () => tap(produced, streamOf(ITEMS, 2)),
    consume: (r) => drainStream(r() as ReadableStream<unknown>),
    status: StatusCode.ERROR,
    outcome: 'error',
  },
  {
    label: 'a promise of a ReadableStream',
    make: (produced) => async () => tap(produced, streamOf(ITEMS)),
    consume: async (r) => drainStream((await r()) as ReadableStream<unknown>),
    status: StatusCode.OK,
    outcome: 'completed',
    output: ITEMS,
  },
];

interface WrapperCase {
  label: string;
  wrap: <F extends agentops.TracedFunction>(fn: F) => F;
  spanName: string;
  input: string;
  output: string;
}

const WRAPPERS: WrapperCase[] = [
  { label: 'traceTool', wrap: (fn) => agentops.traceTool('lookup', fn), spanName: 'execute_tool lookup', input: 'gen_ai.tool.call.arguments', output: 'gen_ai.tool.call.result' },
  { label: 'traceAction', wrap: (fn) => agentops.traceAction('lookup', fn), spanName: 'action lookup', input: 'agentops.action.params', output: 'agentops.action.returns' },
  { label: 'traceAgent', wrap: (fn) => agentops.traceAgent('lookup', fn), spanName: 'invoke_agent lookup', input: 'agentops.operation.input', output: 'agentops.operation.output' },
  { label: 'traceOperation', wrap: (fn) => agentops.traceOperation('lookup', fn), spanName: 'lookup', input: 'agentops.operation.input', output: 'agentops.operation.output' },
];

describe('wrappers', () => {
  let run: InstrumentedRun;

  beforeEach(async () => {
    run = await InstrumentedRun.start();
  });

  afterEach(async () => {
    await run.close();
  });

  async function inSession(fn: () => Promise<void>): Promise<DecodedSpan[]> {
    const session = agentops.startSession({ name: 'agent' });
    await session.run(fn);
    session.end('Success');
    return run.spans();
  }

  describe.each(WRAPPERS)('$label', (w) => {
    it.each(CASES)('with $label: status, exception, input, output, and the caller sees what the function gives', async (c) => {
      run.init();
      const receiver = { name: 'receiver' };
      const arg = { city: 'Paris' };

      // What the unwrapped function gives, consumed the same way.
      let plainProduced: unknown;
      const plain = await c.consume(() => c.make((v) => (plainProduced = v)).call(receiver, arg));

      let produced: unknown;
      let seenThis: unknown;
      let seenArgs: unknown[] = [];
      const inner = c.make((v) => (produced = v));
      const traced = w.wrap(function (this: unknown, ...args: unknown[]) {
        seenThis = this;
        seenArgs = args;
        return inner.apply(this, args);
      });
      let got: Outcome = {};
      let returned: unknown;
      const spans = await inSession(async () => {
        got = await c.consume(() => (returned = traced.call(receiver, arg)));
      });

      // The caller's view equals the unwrapped function's, object for object.
      expect(seenThis).toBe(receiver);
      expect(seenArgs).toHaveLength(1);
      expect(seenArgs[0]).toBe(arg);
      expect(Object.keys(got).sort()).toEqual(Object.keys(plain).sort());
      if ('value' in plain) expect(got.value).toBe(plain.value === plainProduced ? produced : plain.value);
      if (plain.error !== undefined) expect(got.error).toBe(FAILURE);
      if (plain.chunks !== undefined) {
        expect(got.chunks).toHaveLength(plain.chunks.length);
        got.chunks!.forEach((chunk, i) => expect(chunk).toBe(ITEMS[i]));
      }
      // An async generator or a ReadableStream (or a promise of either) is handed back as the very same object.
      if (produced instanceof ReadableStream || (produced !== undefined && typeof (produced as { next?: unknown }).next === 'function')) {
        expect(returned instanceof Promise ? await returned : returned).toBe(produced);
      }

      const span = only(spans.filter((s) => s.name === w.spanName), w.spanName);
      expect(span.parentSpanId).toBe(spans.find((s) => s.name === 'agent')!.spanId);
      expect(span.status.code).toBe(c.status);
      expect(span.attributes[w.input]).toBe('{"city":"Paris"}');
      expect(span.attributes['agentops.stream.outcome']).toBe(c.outcome);
      const exceptions = span.events.filter((e) => e.name === 'exception');
      if (c.status === StatusCode.ERROR) {
        expect(exceptions).toHaveLength(1);
        expect(exceptions[0]!.attributes).toMatchObject({ 'exception.type': 'TypeError', 'exception.message': 'bad input' });
        expect(span.attributes['error.type']).toBe('TypeError');
        expect(span.attributes[w.output]).toBeUndefined();
      } else {
        expect(exceptions).toHaveLength(0);
        expect(JSON.parse(span.attributes[w.output] as string)).toEqual(c.output);
      }
    });
  });

  it('hands back a byte stream as the same object: a BYOB reader works, and the span ends when it is read', async () => {
    run.init();
    let made: ReadableStream<Uint8Array> | undefined;
    const bytes = agentops.traceTool('bytes', () => {
      let sent = false;
      made = new ReadableStream({
        type: 'bytes',
        pull(controller) {
          if (sent) {
            controller.close();
            // A BYOB read waiting on a closed byte stream is answered with an empty view.
            controller.byobRequest?.respond(0);
          } else controller.enqueue(new Uint8Array([1, 2, 3]));
          sent = true;
        },
      });
      return made;
    });
    const session = agentops.startSession();
    const stream = session.run(() => bytes());
    expect(stream).toBe(made);
    const reader = stream.getReader({ mode: 'byob' });
    const first = await reader.read(new Uint8Array(8));
    expect(Array.from(first.value!)).toEqual([1, 2, 3]);
    expect((await reader.read(new Uint8Array(8))).done).toBe(true);
    session.end();
    const span = only((await run.spans()).filter((x) => x.name === 'execute_tool bytes'), 'bytes');
    expect(span.attributes['agentops.stream.outcome']).toBe('completed');
  });

  it.each([
    ['pipeTo()', async (st: ReadableStream<unknown>) => st.pipeTo(new WritableStream())],
    ['pipeThrough()', async (st: ReadableStream<unknown>) => drainStream(st.pipeThrough(new TransformStream()))],
    ['tee()', async (st: ReadableStream<unknown>) => Promise.all(st.tee().map((b) => drainStream(b)))],
    ['new Response(stream).text()', async (st: ReadableStream<unknown>) => new Response(st.pipeThrough(new TextEncoderStream())).text()],
    ['cancel()', async (st: ReadableStream<unknown>) => st.cancel('enough')],
  ])('a ReadableStream consumed through %s ends its span', async (_label, consume) => {
    run.init();
    const words = agentops.traceTool('words', () => streamOf(['a', 'b']));
    const session = agentops.startSession();
    await session.run(async () => {
      await consume(words());
    });
    session.end();
    const span = only((await run.spans()).filter((x) => x.name === 'execute_tool words'), 'words');
    expect(span.attributes['agentops.stream.abandoned']).toBeUndefined();
    expect(span.attributes['agentops.stream.outcome']).toBe(_label === 'cancel()' ? 'cancelled' : 'completed');
  });

  it('ends the span of a streamed result only when consumption ends', async () => {
    run.init();
    const numbers = agentops.traceTool('numbers', async function* () {
      yield 1;
      yield 2;
    });
    const session = agentops.startSession();
    const gen = session.run(() => numbers());
    await expect(gen.next()).resolves.toEqual({ done: false, value: 1 });
    expect((await run.spans()).filter((s) => s.name === 'execute_tool numbers')).toHaveLength(0);
    await expect(gen.next()).resolves.toEqual({ done: false, value: 2 });
    await expect(gen.next()).resolves.toEqual({ done: true, value: undefined });
    session.end();
    expect((await run.spans()).filter((s) => s.name === 'execute_tool numbers')).toHaveLength(1);
  });

  it('records several arguments as a list, and nests LLM calls and tools under the agent that made them (generator bodies included)', async () => {
    run.init({ instrument: { openai: OpenAI } });
    const client = new OpenAI({ baseURL: run.stub.openaiBaseURL, apiKey: 'sk-test', maxRetries: 0 });
    const search = agentops.traceTool('search', async (query: string, limit: number) => {
      await client.chat.completions.create({ model: 'gpt-4o-mini', messages: [{ role: 'user', content: query } as const] });
      return [`${query} #1`].slice(0, limit);
    });
    const streamAnswer = agentops.traceTool('stream_answer', async function* (q: string) {
      // Runs lazily, inside the consumer's next(): still under this tool's span.
      await client.chat.completions.create({ model: 'gpt-4o-mini', messages: [{ role: 'user', content: q }] });
      yield 'done';
    });
    const agentFn = agentops.traceAgent({ name: 'researcher', id: 'agent-7', description: 'Finds things' }, async (q: string) => {
      const hits = await search(q, 1);
      for await (const _ of streamAnswer(q)) void _;
      return hits;
    });
    const spans = await inSession(async () => {
      expect(await agentFn('otters')).toEqual(['otters #1']);
    });
    const agentSpan = only(spans.filter((s) => s.name === 'invoke_agent researcher'));
    expect(agentSpan.attributes).toMatchObject({
      'gen_ai.operation.name': 'invoke_agent',
      'gen_ai.agent.name': 'researcher',
      'gen_ai.agent.id': 'agent-7',
      'gen_ai.agent.description': 'Finds things',
      'agentops.span.kind': 'agent',
    });
    const searchSpan = only(spans.filter((s) => s.name === 'execute_tool search'));
    const streamSpan = only(spans.filter((s) => s.name === 'execute_tool stream_answer'));
    expect(searchSpan.parentSpanId).toBe(agentSpan.spanId);
    expect(streamSpan.parentSpanId).toBe(agentSpan.spanId);
    expect(searchSpan.attributes['gen_ai.tool.call.arguments']).toBe('["otters",1]');
    expect(llmSpans(spans)).toHaveLength(2);
    const [first, second] = llmSpans(spans).sort((a, b) => Number(BigInt(a.startTimeUnixNano) - BigInt(b.startTimeUnixNano)));
    expect(first!.parentSpanId).toBe(searchSpan.spanId);
    expect(second!.parentSpanId).toBe(streamSpan.spanId);
  });

  it('traceSession runs each call in a session of its own, ended Success or Fail', async () => {
    run.init();
    const handle = agentops.traceSession('request', async (n: number) => {
      await agentops.traceTool('work', () => n)();
      if (n < 0) throw new RangeError('negative');
      return n * 2;
    });
    expect(await handle(2)).toBe(4);
    await expect(handle(-1)).rejects.toThrow('negative');
    const spans = await run.spans();
    const sessions = spans.filter((s) => s.name === 'request');
    expect(sessions).toHaveLength(2);
    expect(new Set(sessions.map((s) => s.traceId)).size).toBe(2);
    const ok = sessions.find((s) => s.attributes['agentops.session.end_state'] === 'Success')!;
    const failed = sessions.find((s) => s.attributes['agentops.session.end_state'] === 'Fail')!;
    expect(ok.parentSpanId).toBeUndefined();
    expect(ok.attributes).toMatchObject({ 'agentops.operation.input': '2', 'agentops.operation.output': '4' });
    expect(failed.status).toEqual({ code: StatusCode.ERROR, message: 'negative' });
    expect(failed.events.map((e) => e.attributes['exception.type'])).toEqual(['RangeError']);
    for (const s of sessions) {
      const work = only(spans.filter((x) => x.name === 'execute_tool work' && x.traceId === s.traceId));
      expect(work.parentSpanId).toBe(s.spanId);
    }
  });

  it('records no input or output when content capture is off', async () => {
    run.init({ captureContent: false });
    const t = agentops.traceTool('t', (secret: string) => `${secret} result`);
    const a = agentops.traceAgent('a', async (secret: string) => t(secret));
    const spans = await inSession(async () => {
      await a('top secret');
    });
    expect(spans.filter((s) => s.name === 'execute_tool t' || s.name === 'invoke_agent a')).toHaveLength(2);
    expect(allText(spans)).not.toContain('secret');
  });

  it('runs the function as is before init(), and refuses what is not a function', async () => {
    const receiver = {};
    const t = agentops.traceTool('t', function (this: unknown, x: number) {
      expect(this).toBe(receiver);
      return x + 1;
    });
    expect(t.call(receiver, 1)).toBe(2);
    expect(t.name).toBe('');
    expect(() => agentops.traceTool('t', 'nope' as unknown as () => void)).toThrow(AgentOpsError);
  });

  it('keeps the name and arity of the wrapped function', () => {
    function lookupOrder(id: number, verbose: boolean): string {
      return `${id}${verbose ? '!' : ''}`;
    }
    const t = agentops.traceTool('lookup', lookupOrder);
    expect(t.name).toBe('lookupOrder');
    expect(t.length).toBe(2);
  });
});

describe('decorators', () => {
  let run: InstrumentedRun;

  beforeEach(async () => {
    run = await InstrumentedRun.start();
  });

  afterEach(async () => {
    await run.close();
  });

  it('standard (TC39) decorators trace methods, keep `this`, and default to the method name', async () => {
    run.init();
    class Support {
      constructor(private readonly prefix: string) {}

      @agentops.tool
      async lookupOrder(id: number): Promise<string> {
        return `${this.prefix}${id}`;
      }

      @agentops.tool('refund_order')
      refund(id: number): string {
        throw new Error(`cannot refund ${id}`);
      }

      @agentops.agent({ name: 'support', id: 'support-1' })
      async answer(question: string): Promise<string> {
        const order = await this.lookupOrder(42);
        try {
          this.refund(42);
        } catch {
          /* the span records it */
        }
        return `${question}: ${order}`;
      }

      @agentops.operation()
      async plan(): Promise<string> {
        return 'plan';
      }

      @agentops.session('conversation')
      async converse(q: string): Promise<string> {
        await this.plan();
        return this.answer(q);
      }
    }
    const s = new Support('order-');
    expect(await s.converse('status')).toBe('status: order-42');
    const spans = await run.spans();
    const session = only(spans.filter((x) => x.name === 'conversation'));
    expect(session.attributes['agentops.session.end_state']).toBe('Success');
    const agentSpan = only(spans.filter((x) => x.name === 'invoke_agent support'));
    expect(agentSpan.parentSpanId).toBe(session.spanId);
    expect(agentSpan.attributes['gen_ai.agent.id']).toBe('support-1');
    expect(only(spans.filter((x) => x.name === 'plan')).attributes['agentops.span.kind']).toBe('operation');
    const lookup = only(spans.filter((x) => x.name === 'execute_tool lookupOrder'));
    expect(lookup.parentSpanId).toBe(agentSpan.spanId);
    expect(lookup.attributes['gen_ai.tool.call.result']).toBe('order-42');
    const refund = only(spans.filter((x) => x.name === 'execute_tool refund_order'));
    expect(refund.status.code).toBe(StatusCode.ERROR);
  });

  it('legacy (experimentalDecorators) decorators work too', async () => {
    run.init();
    const source = [
      "const agentops = require('agentops');",
      'class Bot {',
      "  constructor() { this.greeting = 'hi'; }",
      '  @agentops.tool',
      '  greet(name) { return `${this.greeting} ${name}`; }',
      "  @agentops.agent('bot')",
      '  async run(name) { return this.greet(name); }',
      '}',
      'module.exports = Bot;',
    ].join('\n');
    const js = ts.transpileModule(source, { compilerOptions: { experimentalDecorators: true, target: ts.ScriptTarget.ES2022, module: ts.ModuleKind.CommonJS } }).outputText;
    expect(js).toContain('__decorate');
    const mod = { exports: {} as unknown };
    // The compiled class gets this very module as `agentops`.
    new Function('require', 'module', 'exports', js)((id: string) => (id === 'agentops' ? agentops : require(id)), mod, mod.exports);
    const Bot = mod.exports as new () => { run(name: string): Promise<string> };
    const session = agentops.startSession();
    expect(await session.run(() => new Bot().run('ada'))).toBe('hi ada');
    session.end();
    const spans = await run.spans();
    const agentSpan = only(spans.filter((x) => x.name === 'invoke_agent bot'));
    const greet = only(spans.filter((x) => x.name === 'execute_tool greet'));
    expect(greet.parentSpanId).toBe(agentSpan.spanId);
    expect(greet.attributes['gen_ai.tool.call.result']).toBe('hi ada');
  });
});
