/**
 * Helpers shared by the adversarial tests (test/adversarial/README.md). Optional: a file may keep its own.
 */
import { strict as assert } from 'node:assert';
import { ProvenanceEngine } from '../../src/verify/engine';
import type { EngineOptions } from '../../src/verify/api';
import type { Verdict } from '../../src/verify/types';

/**
 * An engine isolated from the machine it runs on: the given registry only, no attestation-registry
 * fallback, no TUF refresh (the @sigstore/tuf seed), no project .npmrc, no persistent cache unless given.
 */
export function isolatedEngine(registry: string, extra: EngineOptions = {}): ProvenanceEngine {
  return new ProvenanceEngine({ registry, attestationRegistry: '', refreshTrust: false, useProjectNpmrc: false, ...extra });
}

/**
 * Asserts the verdict an attack must end in: never `verified`; with `expected`, exactly that
 * `<status>:<reason code>` (e.g. `invalid:subject-digest-mismatch`).
 */
export function assertAttackFails(verdict: Verdict, expected?: string): void {
  const got = verdict.status === 'verified' ? 'verified' : `${verdict.status}:${verdict.reason?.code ?? '?'}`;
  assert.notEqual(got, 'verified', `the attack on ${verdict.name}@${verdict.version} came out verified`);
  if (expected !== undefined) assert.equal(got, expected, verdict.reason?.message);
}
