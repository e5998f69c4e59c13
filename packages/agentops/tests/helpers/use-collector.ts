/**
 * The common test setup: a fresh loopback OTLP receiver per test, the SDK's environment cleared and
 * `OTLP_EXPORTER_ENDPOINT` pointed at the receiver; after each test the SDK is shut down, the
 * environment restored and the receiver closed.
 */
import * as agentops from '../../src';
import { SDK_ENV_CLEAR, setEnv } from '../../../../testing/env';
import { OtlpReceiver, type ReceiverOptions } from '../../../../testing/otlp-receiver';

export function useCollector(options: ReceiverOptions = {}, shutdownMs = 1000): () => OtlpReceiver {
  let receiver: OtlpReceiver | undefined;
  let restoreEnv: (() => void) | undefined;
  beforeEach(async () => {
    receiver = await OtlpReceiver.start(options);
    restoreEnv = setEnv({ ...SDK_ENV_CLEAR, OTLP_EXPORTER_ENDPOINT: receiver.url });
  });
  afterEach(async () => {
    await agentops.shutdown(shutdownMs);
    restoreEnv?.();
    await receiver?.close();
  });
  return () => {
    if (!receiver) throw new Error('useCollector(): the receiver exists only inside a test');
    return receiver;
  };
}
