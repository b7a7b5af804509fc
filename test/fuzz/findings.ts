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

export const KNOWN_FINDINGS: readonly KnownFinding[] = [
  {
    id: 'publish-attestation-removed',
    summary:
      'The npm publish attestation removed from the attestations document (the provenance bundle left as it is): the engine ' +
      'still answers verified, although the README defines verified as the publish attestation and the provenance both ' +
      'verified, every real case carries one, and the verdict does not say it is missing. See findings.test.ts.',
    matches: (m) => m.target === 'attestations:attestations' && m.op === 'remove-publish',
  },
];

export function knownFinding(m: Mutation): KnownFinding | undefined {
  return KNOWN_FINDINGS.find((f) => f.matches(m));
}
