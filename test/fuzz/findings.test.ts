/**
 * Open findings of the mutation fuzzer (test/fuzz), as pending tests: each fails against the engine today
 * and is skipped until the engine owners fix it (then remove `.skip` and the entry in findings.ts).
 *
 * Finding `publish-attestation-removed` (seed "2", e.g. mutations #240 and #703 of
 * `npm run fuzz -- --count 1000 --seed 2` when it was found; CI seed "ci-1" draws it too):
 *   Target: the attestations document, `attestations[]` with the npm publish attestation entry
 *   (predicateType https://github.com/npm/attestation/tree/main/specs/publish/v0.1) removed and the SLSA
 *   provenance entry left byte for byte as recorded.
 *   Cases: every real verified case; e.g. provenance-npm-test-ossf and provenance-npm-test-cli-v1-prega
 *   (no dist.signatures recorded: nothing from the registry is left), sigstore-1.0.0 and nuxt-3.13.0
 *   (a valid registry signature remains).
 *   Outcome: `verified`, with nothing in the verdict saying the publish attestation is missing. The README
 *   defines verified as "registry signatures (when the registry serves them), the npm publish attestation
 *   and the SLSA provenance all verified", and every real case carries a publish attestation. Without it
 *   and without a registry signature, nothing the registry signed says it published this tarball under
 *   this name: a provenance bundle is something anyone's workflow can make for any name.
 *   Whether a valid registry signature may stand in for the publish attestation is a policy decision for
 *   the engine owners (the second test); if it may, the README's definition should say so and this test
 *   should move to the allow-list (mutations.ts, UNBOUND) with that reason.
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

describe('fuzz findings (open, pending an engine fix)', function () {
  this.timeout(60_000);
  let world: FuzzWorld;

  before(async () => {
    world = await startFuzzWorld();
  });
  after(async () => {
    await world?.close();
  });

  // Pending: publish-attestation-removed (see above). Fails today: both cases come out verified.
  it.skip('publish attestation removed, no registry signature: not verified', async () => {
    for (const id of ['provenance-npm-test-ossf', 'provenance-npm-test-cli-v1-prega']) {
      const c = world.cases.find((x) => x.id === id)!;
      assert.equal((c.versionDoc.dist as Record<string, Json>).signatures, undefined, `${id} has no registry signature`);
      const outcome = outcomeOf(await verifyServed(world, c, { attestations: withoutPublish(c) }));
      assert.notEqual(outcome, 'verified', id);
    }
  });

  // Pending: publish-attestation-removed with a valid registry signature left (policy decision, see above).
  it.skip('publish attestation removed, valid registry signature left: not verified (or README says why it is)', async () => {
    for (const id of ['sigstore-1.0.0', 'nuxt-3.13.0']) {
      const c = world.cases.find((x) => x.id === id)!;
      const outcome = outcomeOf(await verifyServed(world, c, { attestations: withoutPublish(c) }));
      assert.notEqual(outcome, 'verified', id);
    }
  });
});
