import { strict as assert } from 'node:assert';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { ProvenanceEngine } from '../../../src/verify/engine';
import { readLockfile } from '../../../src/verify/resolve/lockfile';
import { lockfileRequests } from '../../../src/verify/resolve/resolve';
import { startFixtureRegistry, type FixtureRegistry } from '../../fixture-registry';
import { generateWorld, worldScenarios, writeLockfileProject, type World } from '../../synthetic/world';

describe('synthetic world (large benchmark worlds)', function () {
  this.timeout(60_000);
  let world: World;
  let registry: FixtureRegistry;
  let dir: string;

  before(async () => {
    world = await generateWorld({ count: 24, seed: 'world-test' });
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'pl-world-'));
    registry = await startFixtureRegistry({
      realworldDir: null,
      prefixes: [{ prefix: 'world', packages: world.fixturePackages, keys: world.data.registryKeys }],
    });
  });
  after(async () => {
    await registry?.close();
    fs.rmSync(dir, { recursive: true, force: true });
  });

  it('has the asked number of distinct packages and provenance share', () => {
    const names = new Set(world.data.packages.map((c) => c.name));
    assert.equal(names.size, 24);
    assert.equal(world.withProvenance, Math.floor(24 * 0.3));
    assert.equal(world.data.packages.filter((c) => c.attestations).length, world.withProvenance);
    assert.ok(
      world.data.packages.some((c) => c.name.startsWith('@')),
      'some scoped names',
    );
    const big = worldScenarios(1000);
    assert.equal(new Set(big.map((s) => s.name)).size, 1000);
    assert.equal(big.filter((s) => s.build).length, 300);
    assert.ok(big.some((s) => s.build?.kind === 'gitlab'));
    assert.throws(() => worldScenarios(0), RangeError);
  });

  it('every package gets its expected verdict through the engine, from the lockfile it writes', async () => {
    const registryUrl = `${registry.url}/world/`;
    const manifest = writeLockfileProject(dir, world, registryUrl);
    const lock = await readLockfile(path.join(path.dirname(manifest), 'package-lock.json'));
    const { requests } = lockfileRequests(lock);
    assert.equal(requests.length, 24);
    const trustedRootPath = path.join(dir, 'trusted_root.json');
    fs.writeFileSync(trustedRootPath, JSON.stringify(world.data.trustedRoot));
    const engine = new ProvenanceEngine({
      registry: registryUrl,
      attestationRegistry: '',
      trustedRootPath,
      refreshTrust: false,
      useProjectNpmrc: false,
    });
    const verdicts = await engine.verifyAll(requests.map((r) => ({ name: r.name, version: r.version, integrity: r.integrity })));
    const byId = new Map(world.data.packages.map((c) => [`${c.name}@${c.version}`, c]));
    for (const v of verdicts) {
      const c = byId.get(`${v.name}@${v.version}`)!;
      assert.equal(v.status, c.expected.status, `${v.name}@${v.version}: ${v.status} ${v.reason?.code ?? ''} ${v.reason?.message ?? ''}`);
    }
    assert.equal(verdicts.filter((v) => v.status === 'verified').length, world.withProvenance);
  });
});
