/**
 * The `instrument` option of init(): `false`, or `{ openai?, anthropic?, googleGenAI?, bedrock?, mcp?, aiSdk?, openaiAgents?, langchain?, claudeAgentSdk?, mastra? }`
 * holding a class, its module or a client instance (for `aiSdk`, the `@ai-sdk/otel` module or its
 * class). Anything else throws AgentOpsConfigError naming the option, the bad value and what is
 * accepted; an unknown key is refused so a typo is caught.
 */
import Anthropic from '@anthropic-ai/sdk';
import * as otel from '@ai-sdk/otel';
import type * as G from '@google/genai' with { 'resolution-mode': 'import' };
import OpenAI from 'openai';
import * as agentops from '../src';
import { resolveConfig } from '../src/config';
import { SdkLogger } from '../src/log';
import { CaptureLogger } from '../../../testing/capture-logger';
import { configError } from './helpers/config-error';

const quiet = new SdkLogger('silent');
// @google/genai declares its types as an ES module only; Jest loads its CommonJS build.
const genai = require('@google/genai') as typeof G;


describe('init({ instrument })', () => {
  it.each([
    [{ instrument: true }, 'instrument', /false, or an object \{ openai\?, anthropic\?, googleGenAI\?, bedrock\?, mcp\?, aiSdk\?, openaiAgents\?, langchain\?, claudeAgentSdk\?, mastra\? \}.*; got boolean true/],
    [{ instrument: 'openai' }, 'instrument', /got string "openai"/],
    [{ instrument: [OpenAI] }, 'instrument', /got array of length 1/],
    [{ instrument: { openai: OpenAI, gemini: {} } }, 'instrument.gemini', /one of instrument.openai, instrument.anthropic, instrument.googleGenAI, instrument.bedrock, instrument.mcp, instrument.aiSdk, instrument.openaiAgents, instrument.langchain, instrument.claudeAgentSdk, instrument.mastra; got object/],
    [{ instrument: { openai: Anthropic } }, 'instrument.openai', /the OpenAI class .*; got function/],
    [{ instrument: { anthropic: OpenAI } }, 'instrument.anthropic', /the Anthropic class .*; got function/],
    [{ instrument: { langchain: OpenAI } }, 'instrument.langchain', /the CallbackManager class .*; got function/],
    [{ instrument: { googleGenAI: genai.GoogleGenAI } }, 'instrument.googleGenAI', /the @google\/genai module .*, its Models class, or a GoogleGenAI client instance; got function/],
    [{ instrument: { openai: {} } }, 'instrument.openai', /got object/],
    [{ instrument: { bedrock: OpenAI } }, 'instrument.bedrock', /the BedrockRuntimeClient class .*; got function/],
    [{ instrument: { aiSdk: OpenAI } }, 'instrument.aiSdk', /the @ai-sdk\/otel module .*; got function/],
    [{ instrument: { mastra: OpenAI } }, 'instrument.mastra', /the Mastra class .*; got function/],
  ])('rejects %p naming %s', (options, option, message) => {
    const err = configError(options);
    expect(err.option).toBe(option);
    expect(err.code).toBe('AGENTOPS_INVALID_OPTION');
    expect(err.message).toMatch(message);
  });

  it('accepts false, classes, module namespaces and client instances', () => {
    expect(resolveConfig({ instrument: false }, {}, quiet).instrument).toEqual({ auto: false, targets: [] });
    expect(resolveConfig({}, {}, quiet).instrument).toEqual({ auto: true, targets: [] });
    const client = new OpenAI({ apiKey: 'sk-test', baseURL: 'http://127.0.0.1:9/v1' });
    const { targets } = resolveConfig({ instrument: { openai: client, anthropic: { default: Anthropic }, googleGenAI: genai, aiSdk: otel } }, {}, quiet).instrument;
    expect(targets).toHaveLength(4);
    expect(targets[0]).toBe(client);
    const ai = new genai.GoogleGenAI({ apiKey: 'gemini-test', httpOptions: { baseUrl: 'http://127.0.0.1:9' } });
    expect(resolveConfig({ instrument: { googleGenAI: ai } }, {}, quiet).instrument.targets).toEqual([ai]);
    expect(resolveConfig({ instrument: { googleGenAI: genai.Models } }, {}, quiet).instrument.targets).toEqual([genai.Models]);
    expect(resolveConfig({ instrument: { aiSdk: otel.OpenTelemetry } }, {}, quiet).instrument.targets).toEqual([otel.OpenTelemetry]);
  });

  it('agentops.instrument() of something else warns once and hands it back unchanged', async () => {
    const logger = new CaptureLogger();
    agentops.init({ autoStartSession: false, logger, exporters: [] });
    const thing = { chat: 1 };
    expect(agentops.instrument(thing)).toBe(thing);
    expect(agentops.instrument(thing)).toBe(thing);
    expect(logger.matching(/instrument\(x\) needs an OpenAI, Anthropic, Google GenAI, Bedrock Runtime, MCP, AI SDK, OpenAI Agents, LangChain, Claude Agent SDK or Mastra client instance/)).toHaveLength(1);
    await agentops.shutdown(500);
  });
});
