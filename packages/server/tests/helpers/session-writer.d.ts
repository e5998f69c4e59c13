/** Types of session-writer.js. */
export declare const START_NS: bigint;
export declare function spanIdOf(i: number): string;
export type Shape = { kind: 'wide' } | { kind: 'chain' } | { kind: 'agents'; fanout: number };
export declare function writeSession(server: { storage: { path: string }; project: { id: string } }, traceId: string, spans: number, shape: Shape, options?: { running?: boolean; errors?: number[]; names?: Record<number, string>; categories?: Record<number, string> }): void;
