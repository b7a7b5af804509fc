/**
 * Open findings of the mutation fuzzer: mutations that come out `verified` although they change
 * something the verdict claims to have checked. Each has a pending (it.skip) test in findings.test.ts
 * that fails until the engine is fixed; the fuzzer reports matches separately ("known open findings")
 * so that a new false verified still fails the CI run. This is not an allow-list: the unbound fields
 * are in mutations.ts (UNBOUND), and nothing here is considered correct behaviour.
 */
import type { Mutation } from './mutations';

export interface KnownFinding {
  id: string;
  summary: string;
  matches(m: Mutation): boolean;
}

/*
 * None open. History:
 * - publish-attestation-removed (found with seed "2"): the npm publish attestation removed from the
 *   attestations document came out verified for every case. Since the engine's registry-endorsement step,
 *   a case without a registry signature is `unavailable: registry-endorsement-missing` (regression test in
 *   findings.test.ts), and with a valid registry signature it is verified by documented policy (README,
 *   "What verified means"; allow-list entry publish-attestation-removed-registry-signature-stays).
 */
export const KNOWN_FINDINGS: readonly KnownFinding[] = [];

export function knownFinding(m: Mutation): KnownFinding | undefined {
  return KNOWN_FINDINGS.find((f) => f.matches(m));
}
