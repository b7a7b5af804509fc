/** What the trust-history service needs from the rest of the engine, injected (no import of the engine). */
import type { Verdict } from '../types';
import type { VerifyRequest } from '../api';

export type { Verdict };
export type VerifyRequestLike = VerifyRequest;

export interface TrustHistoryDeps {
  /**
   * The full packument of `name` (with `time` and `_npmUser`), from `registry` when given (the registry the
   * verdict came from). The registry client's `getPackument(name, { full: true, registry })` fits; its HTTP
   * cache revalidates. Throws when it cannot be fetched.
   */
  fetchPackument(name: string, options: { registry?: string; signal?: AbortSignal }): Promise<unknown>;
  /** Verify one exact version cryptographically (the engine's `verify`). Never throws: failures are verdicts. */
  verifyVersion(request: VerifyRequest, options?: { signal?: AbortSignal }): Promise<Verdict>;
  /** The current time (tests). Default `new Date()`. */
  now?: () => Date;
}
