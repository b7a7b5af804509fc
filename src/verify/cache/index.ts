export { VerdictCache, VERDICT_CACHE_FORMAT, isCacheableVerdict } from './verdict-cache';
export type { VerdictKey } from './verdict-cache';
