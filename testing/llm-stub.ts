/** The loopback OpenAI / Anthropic / Gemini stub the examples use, shared with the tests. */
export * from '../examples/support/llm-stub';
export * from '../examples/support/genai-stub';
