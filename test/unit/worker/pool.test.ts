import { strict as assert } from 'node:assert';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { verifyAttestations } from '../../../src/verify/attestations';
import { parseNpmKeys, parseTrustedRoot } from '../../../src/verify/trust';
import { WorkerVerifier, poolSize } from '../../../src/verify/worker/pool';
import { generateWorld, type World } from '../../synthetic/world';

describe('verification worker pool', function () {
  this.timeout(60_000);

  it("is sized to the cores but the main thread's, at most 4, at least 1; a positive whole override wins", () => {
    assert.equal(poolSize(2), 1, "one core is the main thread's");
    assert.equal(poolSize(3), 2);
    assert.equal(poolSize(1), 1);
    assert.equal(poolSize(0), 1);
    assert.equal(poolSize(16), 4);
    assert.equal(poolSize(16, undefined, 8), 8);
    assert.equal(poolSize(2, '3'), 3);
    assert.equal(poolSize(2, 2), 2);
    for (const bad of ['', '0', '-1', '1.5', 'many', 0]) assert.equal(poolSize(4, bad), 3, String(bad));
  });

  describe('with the bundled worker (dist/verify-worker.js)', () => {
    const workerScript = path.resolve(__dirname, '..', '..', '..', 'dist', 'verify-worker.js');
    let world: World;
    before(async function () {
      assert.ok(fs.existsSync(workerScript), 'dist/verify-worker.js is missing: run `npm run build` first (npm test does)');
      world = await generateWorld({ count: 12, provenanceShare: 1, seed: 'pool-test' });
    });

    it('spreads concurrent verifications over its workers and gives the in-process verdicts, including a failure', async () => {
      const trustedRoot = parseTrustedRoot(JSON.stringify(world.data.trustedRoot));
      const npmKeys = parseNpmKeys(JSON.stringify(world.data.npmKeys));
      const pool = new WorkerVerifier(workerScript, 30_000, 2);
      try {
        const inputs = world.data.packages.map((c, i) => ({
          name: c.name,
          version: c.version,
          // one input checked against another package's integrity: must fail the same way in both places
          integrity: i === 3 ? world.data.packages[4]!.integrity : c.integrity,
          document: c.attestations,
          trustedRoot,
          npmKeys,
        }));
        const results = await Promise.all(inputs.map((input) => pool.verify(input)));
        assert.equal(pool.running, 2, 'two workers for twelve concurrent verifications');
        results.forEach((r, i) => {
          const local = verifyAttestations(inputs[i]!);
          assert.equal(r.ok, local.ok, `${inputs[i]!.name}`);
          if (!r.ok && !local.ok) assert.equal(r.code, local.code);
        });
        assert.equal(results.filter((r) => r.ok).length, 11);
        assert.equal(results[3]!.ok, false);
        // one at a time: a single worker is enough
        const single = new WorkerVerifier(workerScript, 30_000, 2);
        try {
          for (const input of inputs.slice(0, 3)) assert.equal((await single.verify(input)).ok, true);
          assert.equal(single.running, 1);
        } finally {
          await single.close();
        }
      } finally {
        await pool.close();
      }
      assert.equal(pool.running, 0);
    });
  });
});
