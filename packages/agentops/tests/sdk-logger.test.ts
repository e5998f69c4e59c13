/**
 * The SDK's own diagnostics: a once-only message is logged once; the memory behind that is bounded,
 * and neither hidden messages nor a flood of distinct keys (a price warning per model name, say)
 * can use it up so that a later warning, like a rejected API key, goes unsaid.
 */
import { SdkLogger } from '../src/log';
import { CaptureLogger } from '../../../testing/capture-logger';

describe('SdkLogger once-only messages', () => {
  it('logs each key once', () => {
    const sink = new CaptureLogger();
    const log = new SdkLogger('warn', sink);
    for (let i = 0; i < 3; i++) log.once('k', 'warn', 'said once');
    expect(sink.matching(/said once/)).toHaveLength(1);
  });

  it('keeps saying new warnings after thousands of hidden and of distinct keys', () => {
    const sink = new CaptureLogger();
    const log = new SdkLogger('warn', sink);
    for (let i = 0; i < 5000; i++) log.once(`price:model-${i}`, 'debug', `no price for model-${i}`);
    log.once('auth-rejected', 'warn', 'the API key was rejected');
    expect(sink.matching(/API key was rejected/)).toHaveLength(1);
    expect(sink.matching(/no price/)).toHaveLength(0);

    for (let i = 0; i < 5000; i++) log.once(`field:${i}`, 'warn', `bad field ${i}`);
    expect(sink.matching(/bad field/)).toHaveLength(5000);
    log.once('later', 'warn', 'a later warning');
    expect(sink.matching(/a later warning/)).toHaveLength(1);
    // A recent key is still remembered.
    log.once('field:4999', 'warn', 'bad field 4999');
    expect(sink.matching(/bad field 4999/)).toHaveLength(1);
  });

  it('throttles per key, and a new key is logged however many came before', () => {
    const sink = new CaptureLogger();
    const log = new SdkLogger('warn', sink);
    for (let i = 0; i < 3000; i++) log.throttled(`drop:${i}`, 60_000, 'warn', `drop ${i}`);
    expect(log.throttled('drop:new', 60_000, 'warn', 'drop new')).toBe(true);
    expect(log.throttled('drop:new', 60_000, 'warn', 'drop new')).toBe(false);
    expect(sink.matching(/drop new/)).toHaveLength(1);
  });
});
