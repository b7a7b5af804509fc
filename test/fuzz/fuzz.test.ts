/**
 * Mutation fuzzing in CI: a few hundred seeded mutations of the real verified cases (test/fixtures/realworld),
 * each served by the loopback fixture registry in place of the recorded documents and verified by a fresh
 * engine. None may come out verified (outside the known open findings, findings.ts). The on-demand run is
 * `npm run fuzz -- --count 10000 --seed N`.
 */
import { strict as assert } from 'node:assert';
import { checkBaseline, outcomeOf, runFuzz, startFuzzWorld, verifyServed, type FuzzWorld } from './harness';
import { applyEdit, generateMutation, unboundRule, type Edit, type Json } from './mutations';
import { Rng } from './rng';

const CI_SEED = 'ci-1';
const CI_COUNT = 300;

describe('mutation fuzzing of real npm provenance (CI size)', function () {
  this.timeout(180_000);
  let world: FuzzWorld;

  before(async () => {
    world = await startFuzzWorld();
  });
  after(async () => {
    await world?.close();
  });

  it('every real verified case verifies as recorded and when its documents are served through the substitution path', async () => {
    assert.ok(world.cases.length >= 10, `${world.cases.length} verified cases`);
    await checkBaseline(world);
  });

  it('the harness reports verified when only an unbound field changes (so a false verified could not go unseen)', async () => {
    const c = world.cases[0]!;
    const doc = structuredClone(c.versionDoc);
    (doc.dist as Record<string, Json>).tarball = 'https://elsewhere.example/x.tgz';
    assert.ok(
      unboundRule({ doc: 'version', path: ['dist', 'tarball'], op: 'set', value: 'x' }, c.versionDoc, doc, {
        versionDoc: doc,
        versionDocUnchanged: false,
      }),
      'dist.tarball is on the allow-list',
    );
    assert.equal(outcomeOf(await verifyServed(world, c, { versionDoc: doc })), 'verified');
    // and an edit of a bound field through the same path is not verified
    const bad = structuredClone(c.versionDoc);
    (bad.dist as Record<string, Json>).integrity = world.cases[1]!.integrity;
    assert.notEqual(outcomeOf(await verifyServed(world, c, { versionDoc: bad })), 'verified');
  });

  it('mutations are reproducible from (seed, index)', () => {
    for (const i of [0, 7, 123]) {
      const a = generateMutation(Rng.forMutation(CI_SEED, i), i, world.cases).mutation;
      const b = generateMutation(Rng.forMutation(CI_SEED, i), i, world.cases).mutation;
      assert.deepEqual(a, b);
    }
  });

  it('the allow-list does not cover bound fields', () => {
    // nuxt@3.13.0: registry signature, and v0.2 bundles with inclusion proofs and checkpoints
    const signed = world.cases.find((c) => c.id === 'nuxt-3.13.0')!;
    assert.ok(Array.isArray((signed.versionDoc.dist as Record<string, Json>).signatures));
    const check = (edit: Edit, before: Json): string | undefined =>
      unboundRule(edit, before, applyEdit(before, edit), { versionDoc: signed.versionDoc, versionDocUnchanged: edit.doc !== 'version' })
        ?.id;
    // the exact integrity string is signed where dist.signatures is served
    assert.equal(
      check({ doc: 'version', path: ['dist', 'integrity'], op: 'set', value: `${signed.integrity} ` }, signed.versionDoc),
      undefined,
    );
    assert.equal(check({ doc: 'version', path: ['dist', 'signatures', 0, 'sig'], op: 'set', value: 'AAAA' }, signed.versionDoc), undefined);
    assert.equal(check({ doc: 'version', path: ['name'], op: 'set', value: 'other' }, signed.versionDoc), undefined);
    const att = signed.attestations;
    for (const path of [
      ['attestations', 0, 'bundle', 'dsseEnvelope', 'payload'],
      ['attestations', 0, 'bundle', 'dsseEnvelope', 'signatures', 0, 'sig'],
      ['attestations', 0, 'bundle', 'verificationMaterial', 'tlogEntries', 0, 'integratedTime'],
      ['attestations', 0, 'bundle', 'verificationMaterial', 'tlogEntries', 0, 'logIndex'],
      ['attestations', 0, 'bundle', 'verificationMaterial', 'tlogEntries', 0, 'inclusionProof', 'checkpoint', 'envelope'],
    ]) {
      assert.equal(check({ doc: 'attestations', path, op: 'set', value: 'QUJD' }, att), undefined, path.join('.'));
    }
    // removing the inclusion promise is never "unbound"
    assert.equal(
      check(
        {
          doc: 'attestations',
          path: ['attestations', 0, 'bundle', 'verificationMaterial', 'tlogEntries', 0, 'inclusionPromise'],
          op: 'remove',
        },
        att,
      ),
      undefined,
    );
  });

  it(`${CI_COUNT} seeded mutations (seed ${JSON.stringify(CI_SEED)}): none comes out verified`, async () => {
    const summary = await runFuzz(world, { seed: CI_SEED, count: CI_COUNT });
    assert.equal(summary.count, CI_COUNT);
    const fresh = summary.newFalseVerified.map(
      (f) => `#${f.mutation.index} ${f.mutation.caseId} ${f.mutation.target} ${f.mutation.op}: ${f.mutation.detail}`,
    );
    assert.deepEqual(fresh, [], 'mutations that came out verified');
    // the run reached every layer: registry signature, publish attestation, provenance, transparency log, subjects
    for (const code of [
      'invalid-registry-signature',
      'invalid-publish-signature',
      'invalid-provenance-signature',
      'invalid-transparency-log',
      'malformed-attestation',
    ]) {
      assert.ok(
        (summary.byOutcome.get(`invalid:${code}`) ?? 0) > 0,
        `no mutation ended in ${code}: ${[...summary.byOutcome.keys()].join(', ')}`,
      );
    }
    assert.ok(summary.byTarget.size >= 40, `${summary.byTarget.size} targets`);
  });
});
