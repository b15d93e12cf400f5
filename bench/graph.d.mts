// Types of bench/graph.mjs for the TypeScript tests that share the bench graph.
export declare const LOCAL_CONFIG: string;
export declare const GLOBAL_CONFIG: string;
export declare const WG_FILES: Record<string, string>;
export declare const MIX: Record<string, Array<[unknown, number]>>;
export declare function benchTasks(n?: number, seed?: number): Array<Record<string, unknown> & { id: string }>;
export declare function benchProject(
  n?: number,
  seed?: number,
): { root: string; wgDir: string; home: string; tasks: Array<Record<string, unknown> & { id: string }>; cleanup(): void };
