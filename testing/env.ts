/** Sets environment variables for the duration of a test; `undefined` unsets one. */
export function setEnv(vars: Record<string, string | undefined>): () => void {
  const saved: Record<string, string | undefined> = {};
  for (const [k, v] of Object.entries(vars)) {
    saved[k] = process.env[k];
    if (v === undefined) delete process.env[k];
    else process.env[k] = v;
  }
  return () => {
    for (const [k, v] of Object.entries(saved)) {
      if (v === undefined) delete process.env[k];
      else process.env[k] = v;
    }
  };
}

/** Variables the SDK reads, cleared so a developer's shell cannot change a test's outcome. */
export const SDK_ENV_CLEAR: Record<string, undefined> = Object.fromEntries(
  [
    'AGENTOPS_API_KEY',
    'AGENTOPS_API_ENDPOINT',
    'AGENTOPS_EXPORTER_ENDPOINT',
    'AGENTOPS_APP_URL',
    'AGENTOPS_ENVIRONMENT',
    'AGENTOPS_CAPTURE_CONTENT',
    'AGENTOPS_ENABLED',
    'AGENTOPS_LOG_LEVEL',
    'OTLP_EXPORTER_ENDPOINT',
    'OTEL_SDK_DISABLED',
    'OTEL_SERVICE_NAME',
    'OTEL_RESOURCE_ATTRIBUTES',
    'OTEL_EXPORTER_OTLP_INSECURE',
    'OTEL_INSTRUMENTATION_GENAI_CAPTURE_MESSAGE_CONTENT',
    'OTEL_ATTRIBUTE_VALUE_LENGTH_LIMIT',
    'OTEL_SPAN_ATTRIBUTE_VALUE_LENGTH_LIMIT',
    'OTEL_BSP_SCHEDULE_DELAY',
    'OTEL_BSP_MAX_QUEUE_SIZE',
    'OTEL_BSP_MAX_EXPORT_BATCH_SIZE',
    'OTEL_BSP_EXPORT_TIMEOUT',
  ].map((k) => [k, undefined]),
);
