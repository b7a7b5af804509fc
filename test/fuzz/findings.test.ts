/**
 * Findings of the mutation fuzzer (test/fuzz), kept as regression tests once fixed. An open finding is an
 * `it.skip` test here (failing against the engine until it is fixed) plus an entry in findings.ts.
 *
 * Finding `publish-attestation-removed` (found with `npm run fuzz -- --count 1000 --seed 2`, mutations
 * #240, #353, #377, #698 and #703 at the time; fixed by the engine's registry-endorsement step):
 *   Target: the attestations document, `attestations[]` with the npm publish attestation entry
 *   (predicateType https://github.com/npm/attestation/tree/main/specs/publish/v0.1) removed and the SLSA
 *   provenance entry left byte for byte as recorded.
 *   Cases: every real verified case (e.g. sigstore-1.0.0, nuxt-3.13.0, provenance-npm-test-ossf,
 *   provenance-npm-test-cli-v1-prega).
 *   Outcome then: `verified`, with nothing in the verdict saying the publish attestation was missing. For a
 *   version without dist.signatures that left nothing the registry signed: a provenance bundle is
 *   something anyone's workflow can make for any name.
 *   Now: without a registry signature, `unavailable: registry-endorsement-missing` (below); with a valid
 *   registry signature, verified by documented policy (README, "What verified means": the registry's
 *   endorsement is its publish attestation or a valid registry signature), so the fuzzer no longer draws
 *   that variant (mutations.ts, UNBOUND: publish-attestation-removed-registry-signature-stays).
 */
import { strict as assert } from 'node:assert';
import { outcomeOf, startFuzzWorld, verifyServed, type FuzzWorld } from './harness';
import { isObject, type FuzzCase, type Json } from './mutations';

const PUBLISH = 'https://github.com/npm/attestation/tree/main/specs/publish/v0.1';

function withoutPublish(c: FuzzCase): Json {
  const list = c.attestations.attestations;
  assert.ok(Array.isArray(list));
  const kept = list.filter((a) => !(isObject(a) && a.predicateType === PUBLISH));
  assert.equal(kept.length, list.length - 1, `${c.id} has one publish attestation`);
  return { ...c.attestations, attestations: kept };
}

describe('fuzz findings (regression tests)', function () {
  this.timeout(60_000);
  let world: FuzzWorld;

  before(async () => {
    world = await startFuzzWorld();
  });
  after(async () => {
    await world?.close();
  });

  it('publish-attestation-removed: without a registry signature, provenance alone is unavailable (registry-endorsement-missing)', async () => {
    const unsigned = world.cases.filter((c) => (c.versionDoc.dist as Record<string, Json>).signatures === undefined);
    assert.ok(unsigned.length >= 6, `${unsigned.length} cases without registry signatures`);
    for (const c of unsigned) {
      const outcome = outcomeOf(await verifyServed(world, c, { attestations: withoutPublish(c) }));
      assert.equal(outcome, 'unavailable:registry-endorsement-missing', c.id);
    }
  });
});
