export { VerdictCache, VERDICT_CACHE_FORMAT, TRANSIENT_TTL_MS, isCacheableVerdict, isTransientVerdict } from './verdict-cache';
export type { VerdictKey } from './verdict-cache';
