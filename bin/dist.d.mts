/** Types of bin/dist.mjs (plain JavaScript so that bin/zhili.mjs can use it before any TypeScript loads). */
export declare const ROOT: string;
export declare const DIST_DIR: string;
export declare const DIST_ENTRY: string;
export declare const STAMP_FILE: string;
/** Newest modification time (ms) of the non-test files under src/. */
export declare function newestSource(dir?: string): number;
/** True when dist/ holds a build at least as new as every source file. */
export declare function distIsFresh(): boolean;
