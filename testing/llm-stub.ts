/** The loopback OpenAI / Anthropic stub the examples use, shared with the tests. */
export * from '../examples/support/llm-stub';
