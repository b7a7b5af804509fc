/**
 * The registry's own word, and facts from signed data only. A provenance bundle can be produced by anyone's
 * workflow for any name: without the npm publish attestation or a valid registry signature it proves
 * nothing about what the registry publishes. Publish times come from the signed transparency log.
 * @positions mirror
 */
import { strict as assert } from 'node:assert';
import { ProvenanceEngine } from '../../src/verify/engine';
import { npmKeysFromTufSeed, startFixtureRegistry, type FixtureRegistry } from '../fixture-registry';
import { realworld } from '../support/realworld';

const rw = realworld();
const C = rw.cases.find((c) => c.id === 'sigstore-1.0.0')!;
const PUBLISH = 'https://github.com/npm/attestation/tree/main/specs/publish/v0.1';

describe('binding attacks: registry endorsement and signed facts', function () {
  let registry: FixtureRegistry;

  before(async () => {
    const all = rw.readJson(C.attestations) as { attestations: { predicateType: string }[] };
    const provenanceOnly = { attestations: all.attestations.filter((a) => a.predicateType !== PUBLISH) };
    assert.equal(provenanceOnly.attestations.length, 1);
    const doc = (signatures: boolean) => ({
      name: C.name,
      version: C.version,
      dist: {
        integrity: C.integrity,
        ...(signatures ? { signatures: C.registrySignatures } : {}),
        attestations: { provenance: { predicateType: 'https://slsa.dev/provenance/v0.2' } },
      },
    });
    const prefix = (name: string, signatures: boolean) => ({
      prefix: name,
      keys: npmKeysFromTufSeed(),
      packages: [{ name: C.name, versions: { [C.version]: { versionDoc: doc(signatures), attestations: provenanceOnly } } }],
    });
    registry = await startFixtureRegistry({ prefixes: [prefix('provenance-only', false), prefix('provenance-and-signature', true)] });
  });
  after(async () => {
    await registry?.close();
  });

  const engine = (url: string) =>
    new ProvenanceEngine({ registry: url, attestationRegistry: '', refreshTrust: false, useProjectNpmrc: false });

  it('only a provenance bundle, no publish attestation, no dist.signatures: not verified (registry-endorsement-missing)', async () => {
    const v = await engine(`${registry.url}/provenance-only/`).verify({ name: C.name, version: C.version });
    assert.equal(v.status, 'unavailable', v.reason?.message);
    assert.equal(v.reason?.code, 'registry-endorsement-missing');
    assert.equal(v.facts, undefined);
  });

  it("the same provenance with the registry's valid signature over name@version:integrity is verified", async () => {
    const v = await engine(`${registry.url}/provenance-and-signature/`).verify({ name: C.name, version: C.version });
    assert.equal(v.status, 'verified', v.reason?.message);
    assert.equal(v.registrySignature?.status, 'valid');
  });

  it('publish time and key validity come from the signed transparency log; no full packument is fetched for a verified version', async () => {
    const nuxt = rw.cases.find((c) => c.id === 'nuxt-3.13.0')!;
    const url = registry.caseUrl(nuxt.id);
    registry.requests.length = 0;
    const v = await engine(url).verify({ name: 'nuxt', version: '3.13.0' });
    assert.equal(v.status, 'verified', v.reason?.message);
    const integrated = v.facts!.transparencyLog.integratedTime!;
    assert.match(integrated, /^2024-/);
    assert.equal(v.facts!.publishTime, integrated);
    assert.equal(v.publishTime, integrated);
    assert.equal(v.registryPublishTime, undefined);
    // nuxt@3.13.0 is signed by the registry key that expired on 2025-01-29: judged at the signed time.
    assert.deepEqual(v.keyValidityTime, { time: integrated, source: 'transparency-log' });
    const packuments = registry.requests.filter((r) => new URL(r.url, 'http://x').pathname.replace(/\/+$/, '').endsWith('/nuxt'));
    assert.deepEqual(
      packuments.map((r) => r.url),
      [],
      'no packument request',
    );
  });

  it('a version with registry signatures only keeps the packument time for key expiry, and says so', async () => {
    const v = await engine(`${registry.url}/`).verify({ name: 'nuxt', version: '3.0.0' });
    assert.equal(v.status, 'no-provenance', v.reason?.message);
    assert.ok(v.registryPublishTime, 'the registry-reported time is kept, labelled');
    assert.equal(v.publishTime, undefined, 'no signed time exists');
    assert.deepEqual(v.keyValidityTime, { time: v.registryPublishTime, source: 'registry' });
  });
});
