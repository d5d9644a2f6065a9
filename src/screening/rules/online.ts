/**
 * Compatibility re-exports for evaluation.ts, which borrowed these helpers from the former
 * single-file online rules. The online rules now live in ./online/ (index.ts exports
 * ONLINE_RULES); the helpers in ./online/common.ts. Delete this file once evaluation.ts
 * imports them from the shared rule kit.
 */
export { clampScore, distinct, numOf as num, text as str } from './online/common.ts';
