/**
 * Attacks through the local cache and settings: a verdict cached under other trust (another trusted root,
 * other npm keys, another attestation registry) must never be reused, online or offline; and every verdict,
 * cached or shared with a concurrent request, is about this request's own lockfile entry.
 * Synthetic Sigstore (test/synthetic) for content signed by a trust root of our choosing.
 * @positions local
 */
import { strict as assert } from 'node:assert';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { ProvenanceEngine } from '../../src/verify/engine';
import { npmKeysFromTufSeed, startFixtureRegistry, type FixtureRegistry } from '../fixture-registry';
import { generateSyntheticData, toFixturePackages, type SyntheticCase, type SyntheticData } from '../synthetic/generate';
import { verifyOnce } from '../support/engine';

describe('binding attacks: the cache and settings', function () {
  let data: SyntheticData;
  let registry: FixtureRegistry;
  let trustedRootPath: string;
  let c: SyntheticCase;
  let tmp: string;

  before(async () => {
    data = await generateSyntheticData({ seed: 'provenance-lens-binding-cache' });
    tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'pl-binding-cache-'));
    trustedRootPath = path.join(tmp, 'trusted_root.json');
    fs.writeFileSync(trustedRootPath, JSON.stringify(data.trustedRoot));
    registry = await startFixtureRegistry({
      realworldDir: null,
      prefixes: [{ prefix: 'synthetic', packages: toFixturePackages(data), keys: data.registryKeys }],
    });
    c = data.packages.find((x) => x.id === 'github-hosted-verified')!;
  });
  after(async () => {
    await registry?.close();
    fs.rmSync(tmp, { recursive: true, force: true });
  });

  const engine = (cacheDir: string, extra: ConstructorParameters<typeof ProvenanceEngine>[0] = {}) =>
    new ProvenanceEngine({
      registry: `${registry.url}/synthetic/`,
      attestationRegistry: '',
      trustedRootPath,
      refreshTrust: false,
      useProjectNpmrc: false,
      cacheDir,
      ...extra,
    });
  const freshCache = (): string => fs.mkdtempSync(path.join(tmp, 'cache-'));

  it("control: the same trust reuses the cached verdict offline, carrying this request's own location", async () => {
    const cacheDir = freshCache();
    assert.equal((await verifyOnce(engine(cacheDir), { name: c.name, version: c.version })).status, 'verified');
    const before = registry.requests.length;
    const again = await verifyOnce(engine(cacheDir, { offline: true }), {
      name: c.name,
      version: c.version,
      integrity: c.integrity,
      resolvedFrom: 'lockfile',
      location: 'node_modules/x/node_modules/synth-basic',
    });
    assert.equal(again.status, 'verified', again.reason?.message);
    assert.equal(again.cached, true);
    assert.equal(again.location, 'node_modules/x/node_modules/synth-basic');
    assert.equal(registry.requests.length, before, 'answered from the cache alone');
  });

  it('the registry now publishes other npm keys: the verdict cached under the old keys is not reused', async () => {
    const cacheDir = freshCache();
    assert.equal((await verifyOnce(engine(cacheDir), { name: c.name, version: c.version })).status, 'verified');
    const undo = registry.fault({ path: '/synthetic/-/npm/v1/keys', status: 200, body: npmKeysFromTufSeed()! });
    try {
      const v = await verifyOnce(engine(cacheDir), { name: c.name, version: c.version, integrity: c.integrity, resolvedFrom: 'lockfile' });
      assert.notEqual(v.cached, true);
      assert.notEqual(v.status, 'verified', 'signed by a key the registry no longer publishes');
      assert.equal(v.reason?.code, 'unknown-registry-key');
    } finally {
      undo();
    }
  });

  it('offline under another trusted root: the cached verdict is not reused', async () => {
    const cacheDir = freshCache();
    assert.equal((await verifyOnce(engine(cacheDir), { name: c.name, version: c.version })).status, 'verified');
    // The same cache read with the public-good root (no trustedRootPath): the synthetic CA is not trusted there.
    const v = await verifyOnce(engine(cacheDir, { trustedRootPath: undefined, offline: true }), { name: c.name, version: c.version });
    assert.equal(v.status, 'unavailable', v.reason?.message);
    assert.equal(v.reason?.code, 'offline');
  });

  it('offline under another attestation registry: the cached verdict is not reused', async () => {
    const cacheDir = freshCache();
    assert.equal((await verifyOnce(engine(cacheDir), { name: c.name, version: c.version })).status, 'verified');
    const v = await verifyOnce(engine(cacheDir, { offline: true, attestationRegistry: 'https://attestations.example/' }), {
      name: c.name,
      version: c.version,
    });
    assert.equal(v.status, 'unavailable', v.reason?.message);
    assert.equal(v.reason?.code, 'offline');
  });

  it('online under another trusted root with the lockfile integrity: recomputed, never verified', async () => {
    const cacheDir = freshCache();
    assert.equal((await verifyOnce(engine(cacheDir), { name: c.name, version: c.version })).status, 'verified');
    // the public-good root (no trustedRootPath): the synthetic CA is not trusted there
    const v = await verifyOnce(engine(cacheDir, { trustedRootPath: undefined }), {
      name: c.name,
      version: c.version,
      integrity: c.integrity,
      resolvedFrom: 'lockfile',
    });
    assert.notEqual(v.cached, true);
    assert.notEqual(v.status, 'verified');
  });

  it('concurrent requests for one version from two lockfile entries are judged each on its own resolved URL', async () => {
    const e = engine(freshCache());
    const [onRegistry, remote] = await Promise.all([
      e.verify({
        name: c.name,
        version: c.version,
        integrity: c.integrity,
        resolvedFrom: 'lockfile',
        location: 'node_modules/synth-basic',
        resolved: `${registry.url}/synthetic/synth-basic/-/synth-basic-1.0.0.tgz`,
      }),
      e.verify({
        name: c.name,
        version: c.version,
        integrity: c.integrity,
        resolvedFrom: 'lockfile',
        location: 'node_modules/a/node_modules/synth-basic',
        resolved: 'https://evil.example/synth-basic-1.0.0.tgz',
      }),
      e
        .verify({
          name: c.name,
          version: c.version,
          resolvedFrom: 'lockfile',
          location: 'node_modules/b/node_modules/synth-basic',
          resolved: 'https://evil.example/synth-basic-1.0.0.tgz',
        })
        .then((v) => {
          assert.equal(v.reason?.code, 'remote-tarball-unpinned');
          assert.equal(v.location, 'node_modules/b/node_modules/synth-basic');
          return v;
        }),
    ]);
    assert.equal(onRegistry.status, 'verified');
    assert.equal(onRegistry.location, 'node_modules/synth-basic');
    assert.equal(remote.status, 'verified', 'the integrity pins the signed bytes, wherever they are fetched from');
    assert.equal(remote.location, 'node_modules/a/node_modules/synth-basic');
    assert.equal(remote.resolved, 'https://evil.example/synth-basic-1.0.0.tgz');
  });
});
