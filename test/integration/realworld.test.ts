import { strict as assert } from 'node:assert';
import { ProvenanceEngine } from '../../src/verify/engine';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { npmKeysFromTufSeed, startFixtureRegistry } from '../fixture-registry';
import { realworldCases, realworldDir } from '../support/realworld';

/** Every real-world case, served over HTTP by the loopback fixture registry, gets its expected verdict. */
describe('real-world provenance through the fixture registry', function () {
  let registry: Awaited<ReturnType<typeof startFixtureRegistry>> | undefined;

  before(async function () {
    registry = await startFixtureRegistry();
  });
  after(async () => {
    await registry?.close();
  });

  const engineFor = (registryUrl: string, extra: Partial<ConstructorParameters<typeof ProvenanceEngine>[0]> = {}) =>
    new ProvenanceEngine({ registry: registryUrl, attestationRegistry: '', refreshTrust: false, useProjectNpmrc: false, ...extra });

  for (const c of realworldCases()) {
    it(`${c.id}: ${c.expected}`, async function () {
      const engine = engineFor(`${registry!.url}/case/${c.id}/`);
      const verdict = await engine.verify({ name: c.name, version: c.version });
      if (c.expected === 'verified') {
        assert.equal(verdict.status, 'verified', `${verdict.reason?.code}: ${verdict.reason?.message}`);
        const facts = verdict.facts!;
        for (const [key, value] of Object.entries(c.facts ?? {})) {
          assert.equal((facts as unknown as Record<string, unknown>)[key], value, `facts.${key}`);
        }
        assert.equal(verdict.integrity, c.integrity);
        assert.match(facts.transparencyLog.logIndex, /^\d+$/);
        assert.ok(facts.links.commit?.startsWith(`${c.facts!.sourceRepository}/commit/`), facts.links.commit);
      } else {
        assert.equal(verdict.status, 'invalid');
        assert.equal(verdict.reason?.code, c.expected);
      }
    });
  }

  it('the bundled verification worker (dist/verify-worker.js) gives the same verdicts off the main thread', async function () {
    const workerScript = path.resolve(__dirname, '..', '..', 'dist', 'verify-worker.js');
    assert.ok(fs.existsSync(workerScript), 'dist/verify-worker.js is missing: run `npm run build` first (npm test does)');
    for (const c of realworldCases()) {
      const engine = engineFor(`${registry!.url}/case/${c.id}/`, { workerScript });
      try {
        const verdict = await engine.verify({ name: c.name, version: c.version });
        assert.equal(verdict.status === 'verified' ? 'verified' : verdict.reason?.code, c.expected, c.id);
        if (c.facts) assert.equal(verdict.facts?.sourceCommit, c.facts.sourceCommit, c.id);
      } finally {
        await engine.dispose();
      }
    }
  });

  it('the lockfile integrity must match the registry: a mismatch is its own finding', async function () {
    const c = realworldCases().find((x) => x.expected === 'verified')!;
    const engine = engineFor(`${registry!.url}/case/${c.id}/`);
    const wrong = 'sha512-' + Buffer.alloc(64, 7).toString('base64');
    const verdict = await engine.verify({ name: c.name, version: c.version, integrity: wrong, resolvedFrom: 'lockfile' });
    assert.equal(verdict.status, 'invalid');
    assert.equal(verdict.reason?.code, 'lockfile-integrity-mismatch');
  });

  it('a mirror that strips provenance is reported as unavailable, never as "no provenance"', async function () {
    const c = realworldCases().find((x) => x.id === 'sigstore-1.0.0')!;
    const engine = engineFor(`${registry!.url}/mirror/`, { attestationRegistry: 'http://127.0.0.1:9/' });
    const verdict = await engine.verify({ name: c.name, version: c.version });
    assert.equal(verdict.status, 'unavailable');
    assert.equal(verdict.reason?.code, 'mirror-stripped');
    const obs = engine.registryObservations().find((o) => o.registry.includes('/mirror/'));
    assert.ok(obs?.stripsProvenance, JSON.stringify(engine.registryObservations()));
  });

  it('a registry whose keys are known but whose versions carry no signatures is a stripping mirror: unavailable', async function () {
    // As on a machine whose registry.npmjs.org is a mirror: the keys come from TUF, the signatures are gone.
    const keysFile = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'pl-keys-')), 'keys.json');
    fs.writeFileSync(keysFile, JSON.stringify(npmKeysFromTufSeed()));
    const engine = engineFor(`${registry!.url}/mirror/`, { npmKeysPath: keysFile });
    const verdict = await engine.verify({ name: 'nuxt', version: '3.0.0' });
    assert.equal(verdict.status, 'unavailable');
    assert.equal(verdict.reason?.code, 'mirror-stripped');
    assert.match(verdict.reason!.message, /strips them/);
  });

  it('attestations from a registry that publishes no keys are unavailable, not invalid', async function () {
    const dir = realworldDir();
    const c = realworldCases().find((x) => x.id === 'sigstore-1.0.0')!;
    const attestations = JSON.parse(fs.readFileSync(path.join(dir!, c.attestations), 'utf8'));
    const versionDoc = {
      name: c.name,
      version: c.version,
      dist: {
        integrity: c.integrity,
        tarball: '{{registry}}sigstore/-/sigstore-1.0.0.tgz',
        attestations: { url: 'x', provenance: { predicateType: 'https://slsa.dev/provenance/v0.2' } },
      },
    };
    const keyless = await startFixtureRegistry({
      realworldDir: null,
      prefixes: [{ prefix: 'keyless', keys: null, packages: [{ name: c.name, versions: { [c.version]: { versionDoc, attestations } } }] }],
    });
    try {
      const verdict = await engineFor(`${keyless.url}/keyless/`).verify({ name: c.name, version: c.version });
      assert.equal(verdict.status, 'unavailable', verdict.reason?.message);
      assert.equal(verdict.reason?.code, 'no-registry-keys');
    } finally {
      await keyless.close();
    }
  });

  it('with an attestation registry, a stripped mirror still gets the real verdict, integrity cross-checked', async function () {
    const engine = engineFor(`${registry!.url}/mirror/`, { attestationRegistry: `${registry!.url}/` });
    const verdict = await engine.verify({ name: 'sigstore', version: '1.0.0' });
    assert.equal(verdict.status, 'verified', `${verdict.reason?.code}: ${verdict.reason?.message}`);
    assert.equal(verdict.attestationRegistry, `${registry!.url}/`);
  });

  it('nuxt: every version in the real packument has a valid registry signature; 3.13.0 and 4.1.2 verify', async function () {
    const engine = engineFor(`${registry!.url}/`);
    const { versions } = await engine.listVersions('nuxt');
    assert.ok(versions.length > 300, `${versions.length} versions`);
    assert.ok(versions.filter((v) => v.hasAttestations).length >= 40);
    for (const v of ['3.13.0', '4.1.2']) {
      const verdict = await engine.verify({ name: 'nuxt', version: v });
      assert.equal(verdict.status, 'verified', `${v}: ${verdict.reason?.message}`);
      assert.equal(verdict.registrySignature?.status, 'valid');
    }
    const old = await engine.verify({ name: 'nuxt', version: '3.0.0' });
    assert.equal(old.status, 'no-provenance', old.reason?.message);
    assert.equal(old.registrySignature?.status, 'valid');
  });
});
