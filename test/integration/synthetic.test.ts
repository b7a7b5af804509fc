import { strict as assert } from 'node:assert';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { ProvenanceEngine } from '../../src/verify/engine';
import { startFixtureRegistry, type FixtureRegistry } from '../fixture-registry';
import { generateSyntheticData, toFixturePackages, type SyntheticData } from '../synthetic/generate';
import { verifyOnce } from '../support/engine';

/**
 * Every synthetic scenario (own CA, CT log, transparency log and registry key) served over HTTP by the
 * loopback fixture registry and judged by the engine against the generated trusted root.
 */
describe('synthetic provenance through the fixture registry and the engine', function () {
  let data: SyntheticData;
  let registry: FixtureRegistry;
  let trustedRootPath: string;
  let tufKeysPath: string;

  before(async () => {
    data = await generateSyntheticData({ seed: 'provenance-lens-integration' });
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'pl-synth-'));
    trustedRootPath = path.join(dir, 'trusted_root.json');
    tufKeysPath = path.join(dir, 'npm-keys.json');
    fs.writeFileSync(trustedRootPath, JSON.stringify(data.trustedRoot));
    fs.writeFileSync(tufKeysPath, JSON.stringify(data.npmKeys));
    registry = await startFixtureRegistry({
      realworldDir: null,
      prefixes: [
        { prefix: 'synthetic', packages: toFixturePackages(data), keys: data.registryKeys },
        // A hostile registry whose keys document is garbage.
        { prefix: 'badkeys', packages: toFixturePackages(data), keys: { keys: [{ keyid: 42, key: '<script>' }] } },
      ],
    });
  });
  after(async () => {
    await registry?.close();
  });

  const engine = (extra: Partial<ConstructorParameters<typeof ProvenanceEngine>[0]> = {}) =>
    new ProvenanceEngine({
      registry: `${registry.url}/synthetic/`,
      attestationRegistry: '',
      trustedRootPath,
      refreshTrust: false,
      useProjectNpmrc: false,
      ...extra,
    });

  for (const keysFrom of ['the registry /-/npm/v1/keys', 'a TUF keys.json file'] as const) {
    it(`every scenario gets its expected verdict (keys from ${keysFrom})`, async () => {
      const e = engine(keysFrom === 'a TUF keys.json file' ? { npmKeysPath: tufKeysPath } : {});
      const verdicts = await e.verifyAll(data.packages.map((c) => ({ name: c.name, version: c.version })));
      assert.ok(data.packages.length >= 20, `${data.packages.length} scenarios`);
      data.packages.forEach((c, i) => {
        const v = verdicts[i];
        const label = `${c.id} (${c.name}@${c.version}): got ${v.status} ${v.reason?.code ?? ''} ${v.reason?.message ?? ''}`;
        assert.equal(v.status, c.expected.status, label);
        if (c.expected.code) assert.equal(v.reason?.code, c.expected.code, label);
        if (c.expected.registrySignature) assert.equal(v.registrySignature?.status, c.expected.registrySignature, label);
        if (c.expected.status === 'verified') {
          for (const [key, expectedValue] of Object.entries(c.expected.facts ?? {})) {
            // The publish time shown is the signed transparency-log time, not the packument's (unsigned) one.
            const value = key === 'publishTime' ? c.expected.facts?.transparencyLog?.integratedTime : expectedValue;
            const actual = (v.facts as unknown as Record<string, unknown>)[key];
            if (value && typeof value === 'object') {
              for (const [k2, v2] of Object.entries(value))
                assert.deepEqual((actual as Record<string, unknown>)[k2], v2, `${label}: facts.${key}.${k2}`);
            } else {
              assert.deepEqual(actual, value, `${label}: facts.${key}`);
            }
          }
        } else {
          assert.equal(v.facts, undefined, `${label}: no facts unless verified`);
        }
      });
    });
  }

  it('the same scenarios against the public-good trust root are never verified', async () => {
    const e = new ProvenanceEngine({
      registry: `${registry.url}/synthetic/`,
      attestationRegistry: '',
      refreshTrust: false,
      useProjectNpmrc: false,
    });
    const verdicts = await e.verifyAll(
      data.packages.filter((c) => c.expected.status === 'verified').map((c) => ({ name: c.name, version: c.version })),
    );
    for (const v of verdicts) assert.notEqual(v.status, 'verified', `${v.name}@${v.version}`);
  });

  it('verdicts are cached per (registry, name, version, integrity, trust root) and reused offline', async () => {
    const cacheDir = fs.mkdtempSync(path.join(os.tmpdir(), 'pl-synth-cache-'));
    const c = data.packages.find((x) => x.id === 'github-hosted-verified')!;
    const first = await verifyOnce(engine({ cacheDir }), { name: c.name, version: c.version });
    assert.equal(first.status, 'verified');
    const before = registry.requests.length;
    const again = await verifyOnce(engine({ cacheDir, offline: true }), { name: c.name, version: c.version, integrity: c.integrity });
    assert.equal(again.status, 'verified');
    assert.equal(again.cached, true);
    assert.equal(registry.requests.length, before, 'no request for a cached verdict');
    const other = await verifyOnce(engine({ cacheDir, offline: true }), { name: 'synth-plain', version: '1.0.0' });
    assert.equal(other.status, 'unavailable');
  });

  it('a registry whose keys document is garbage makes its packages unavailable (malformed-response), never invalid', async () => {
    const e = engine({ registry: `${registry.url}/badkeys/` });
    const v = await e.verify({ name: 'synth-basic', version: '1.0.0' });
    assert.equal(v.status, 'unavailable', v.reason?.message);
    assert.equal(v.reason?.code, 'malformed-response');
  });

  it('Clear Cache forgets verdicts: an offline run afterwards has nothing to answer from', async () => {
    const cacheDir = fs.mkdtempSync(path.join(os.tmpdir(), 'pl-synth-clear-'));
    const c = data.packages.find((x) => x.id === 'github-hosted-verified')!;
    const e = engine({ cacheDir });
    assert.equal((await e.verify({ name: c.name, version: c.version })).status, 'verified');
    await e.clearCache();
    const again = await verifyOnce(engine({ cacheDir, offline: true }), { name: c.name, version: c.version, integrity: c.integrity });
    assert.equal(again.status, 'unavailable');
    assert.equal(again.reason?.code, 'offline');
  });

  it('cancellation turns pending work into unavailable: cancelled, never a verdict about the package', async () => {
    const controller = new AbortController();
    controller.abort();
    const verdicts = await engine().verifyAll(
      data.packages.slice(0, 5).map((c) => ({ name: c.name, version: c.version })),
      { signal: controller.signal },
    );
    for (const v of verdicts) {
      assert.equal(v.status, 'unavailable');
      assert.equal(v.reason?.code, 'cancelled');
    }
  });
});
