/** The loopback Bedrock Runtime stub the examples use, shared with the tests. */
export * from '../examples/support/bedrock-stub';
