/**
 * The contract every supported library's integration meets (one folder per library under
 * `integrations/`): how to recognise the library in what the user hands over or what a module
 * exports, how to patch it and how to undo that, and which versions it was tested with. How its
 * calls map to spans lives beside it, in the folder's `mapping.ts`. `instrument()`,
 * `init({ instrument })`, the `instrument` option's validation and automatic patching of loaded
 * modules (by `require` and by ES `import`) all go through this contract, so a new library is one
 * folder and one line in `registry.ts`.
 */

/** What a value handed to `instrument()` is to an integration. */
export type TargetKind =
  /** One client object: only its own methods are patched. */
  | 'instance'
  /** The library's class, or a module (namespace or CommonJS exports) holding it: every client it makes is recorded. */
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
  /**
   * The majors it is tested with, oldest and newest. A version outside them is still patched (the
   * patch recognises the library by shape) and reported once, by name and version.
   */
  readonly testedMajors: readonly [oldest: number, newest: number];
  /**
   * Files inside the package whose exports carry what `patch` needs, when the package's main entry
   * does not (or not only): paths relative to the package folder, for each build the package ships
   * (`dist/cjs/client/index.js`, `dist/esm/client/index.js`). Default: the main entry only.
   */
  readonly files?: readonly string[];
  /** Whether the package's main entry is patched too when `files` is given. Default true. */
  readonly patchMain?: boolean;
  /**
   * For a package that records nothing until an integration registers with it, and that the
   * application need not import (`@ai-sdk/otel`, whose telemetry integration agentops registers with
   * the AI SDK): called by `init()` when the package is installed, with `load`, which loads it as the
   * application would (reported and patched as any load) and returns its exports. The integration
   * calls `load` when the package is first needed, so that `init()` itself loads nothing.
   */
  whenInstalled?(load: () => unknown): void;
  /**
   * For a package through which another library's calls are recorded (`ai` 7 and newer through
   * `@ai-sdk/otel`): that library, and its first major that needs this package. When the library is
   * installed at that major or newer and this package is not, `init()` reports it once.
   */
  readonly recordsFor?: { readonly packageName: string; readonly fromMajor: number };
  /**
   * For a package whose exports cannot be patched in place when `require` loads it (an ES module
   * package, whose namespace refuses new values): the object `require` hands out instead, which
   * `patch` then patches. Undefined: the exports themselves.
   */
  requireExports?(exports: unknown): unknown;
  /** What `value` is to this integration, or undefined when it is not one of its targets. Never throws. */
  recognise(value: unknown): TargetKind | undefined;
  /** Patches a recognised target. Returns how many methods were newly patched (0: already patched). */
  patch(value: unknown, kind: TargetKind): number;
  /** Undoes every patch this integration made. */
  unpatch(): void;
}
