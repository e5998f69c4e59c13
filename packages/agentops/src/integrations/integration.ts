/**
 * The contract every supported library's integration meets (one folder per library under
 * `integrations/`): how to recognise the library in what the user hands over, how to patch it, and
 * how to undo that. How its calls map to spans lives beside it, in the folder's `mapping.ts`.
 * `instrument()`, `init({ instrument })` and automatic patching of loaded modules all go through
 * this contract, so a new library is one folder and one line in `registry.ts`.
 */

/** What a value handed to `instrument()` is to an integration. */
export type TargetKind =
  /** One client object: only its own methods are patched. */
  | 'instance'
  /** The library's class, or its module (namespace or CommonJS exports): every client it makes is recorded. */
  | 'module';

export interface Integration {
  /** Its key in `init({ instrument: { ... } })`, e.g. `openai`. */
  readonly name: string;
  /** The library as people call it, for messages: `OpenAI`. */
  readonly label: string;
  /** The npm package it records, e.g. `@anthropic-ai/sdk`. */
  readonly packageName: string;
  /** How to describe a valid target in an error message. */
  readonly accepts: string;
  /** What `value` is to this integration, or undefined when it is not one of its targets. Never throws. */
  recognise(value: unknown): TargetKind | undefined;
  /** Patches a recognised target. Returns how many methods were newly patched (0: already patched). */
  patch(value: unknown, kind: TargetKind): number;
  /** Undoes every patch this integration made. */
  unpatch(): void;
}
