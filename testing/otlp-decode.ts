/** The OTLP decoder the tests read the exporters' bytes with: the local backend's own (protobufjs and the opentelemetry-proto schema). */
export * from '../packages/server/src/otlp/otlp-decode';
