/**
 * Attacks on what a verdict is bound to: an altered document from a mirror or proxy on the way, and a
 * lockfile edited in a pull request. Real recorded provenance (test/fixtures/realworld) served by the
 * loopback fixture registry; each attack must never come out `verified`.
 * @positions mirror, pull-request, local
 */
import { strict as assert } from 'node:assert';
import { createHash } from 'node:crypto';
import { ProvenanceEngine } from '../../src/verify/engine';
import type { VerifyRequest } from '../../src/verify/api';
import { npmKeysFromTufSeed, startFixtureRegistry, type FixtureRegistry } from '../fixture-registry';
import { realworld } from '../support/realworld';

const rw = realworld();
// @playwright/cli@0.1.1: real attestations (publish attestation + SLSA v1 provenance) and the real tarball.
const C = rw.cases.find((c) => c.id === 'playwright-cli-0.1.1')!;
const TARBALL = rw.read(C.tarball!);
const GOOD = C.integrity;
const SHASUM = createHash('sha1').update(TARBALL).digest('hex');
const SHA1_GOOD = `sha1-${createHash('sha1').update(TARBALL).digest('base64')}`;
const EVIL_BYTES = Buffer.from('an evil tarball');
const EVIL = `sha512-${createHash('sha512').update(EVIL_BYTES).digest('base64')}`;
const SHA384_EVIL = `sha384-${createHash('sha384').update(EVIL_BYTES).digest('base64')}`;
const SHA1_EVIL = `sha1-${createHash('sha1').update(EVIL_BYTES).digest('base64')}`;

/** The real version document of the case, with `dist` changed as an attacker on the way would. */
function versionDoc(dist: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    name: C.name,
    version: C.version,
    dist: { integrity: GOOD, shasum: SHASUM, attestations: { provenance: { predicateType: 'https://slsa.dev/provenance/v1' } }, ...dist },
  };
}

describe('binding attacks: integrity strings and lockfiles', function () {
  let registry: FixtureRegistry;
  const keys = npmKeysFromTufSeed();
  const attestations = rw.readJson(C.attestations);

  before(async () => {
    const served = (prefix: string, dist: Record<string, unknown>) => ({
      prefix,
      keys,
      packages: [{ name: C.name, versions: { [C.version]: { versionDoc: versionDoc(dist), attestations, tarball: TARBALL } } }],
    });
    registry = await startFixtureRegistry({
      prefixes: [
        served('two-sha512', { integrity: `${GOOD} ${EVIL}` }),
        served('plus-sha384', { integrity: `${GOOD} ${SHA384_EVIL}` }),
        served('plus-sha1', { integrity: `${GOOD} ${SHA1_EVIL}` }),
        served('alt-extra', { integrity: `${GOOD} ${SHA384_EVIL}` }),
      ],
    });
  });
  after(async () => {
    await registry?.close();
  });

  const engine = (registryUrl: string, extra: ConstructorParameters<typeof ProvenanceEngine>[0] = {}) =>
    new ProvenanceEngine({ registry: registryUrl, attestationRegistry: '', refreshTrust: false, useProjectNpmrc: false, ...extra });
  const genuine = () => engine(registry.caseUrl(C.id));
  const lock = (extra: Partial<VerifyRequest>): VerifyRequest => ({
    name: C.name,
    version: C.version,
    resolvedFrom: 'lockfile',
    location: `node_modules/${C.name}`,
    ...extra,
  });

  it('control: the genuine document and a lockfile pinning its sha512 are verified', async () => {
    const v = await genuine().verify(lock({ integrity: GOOD, resolved: `${registry.caseUrl(C.id)}${C.name}/-/cli-0.1.1.tgz` }));
    assert.equal(v.status, 'verified', v.reason?.message);
    assert.equal(v.location, `node_modules/${C.name}`);
    assert.equal(v.resolved, `${registry.caseUrl(C.id)}${C.name}/-/cli-0.1.1.tgz`);
  });

  describe('a mirror or proxy serves an altered dist.integrity', () => {
    for (const [prefix, what] of [
      ['two-sha512', 'sha512-<good> sha512-<evil>'],
      ['plus-sha384', 'sha512-<good> sha384-<evil>'],
      ['plus-sha1', 'sha512-<good> sha1-<evil> (not dist.shasum)'],
    ] as const) {
      it(`${what}: invalid (ambiguous-integrity), never verified`, async () => {
        const v = await engine(`${registry.url}/${prefix}/`).verify({ name: C.name, version: C.version });
        assert.equal(v.status, 'invalid', v.reason?.message);
        assert.equal(v.reason?.code, 'ambiguous-integrity');
      });
    }
  });

  describe('a pull request edits the lockfile', () => {
    it('integrity "sha512-<good> sha512-<evil>": the installer would accept the evil tarball: invalid (ambiguous-integrity)', async () => {
      const v = await genuine().verify(lock({ integrity: `${GOOD} ${EVIL}` }));
      assert.equal(v.status, 'invalid');
      assert.equal(v.reason?.code, 'ambiguous-integrity');
      assert.equal(v.facts, undefined);
    });

    it("sha1-only integrity that is not the registry's dist.shasum: invalid (lockfile-integrity-mismatch)", async () => {
      const v = await genuine().verify(lock({ integrity: SHA1_EVIL }));
      assert.equal(v.status, 'invalid', v.reason?.message);
      assert.equal(v.reason?.code, 'lockfile-integrity-mismatch');
    });

    it('sha1-only integrity equal to dist.shasum: not verified (the installer checks sha1, provenance signs sha512)', async () => {
      const v = await genuine().verify(lock({ integrity: SHA1_GOOD }));
      assert.equal(v.status, 'unavailable', v.reason?.message);
      assert.equal(v.reason?.code, 'lockfile-integrity-weak');
    });

    it("no integrity at all: never verified on the registry's say-so (lockfile-integrity-missing)", async () => {
      const v = await genuine().verify(lock({}));
      assert.equal(v.status, 'unavailable', v.reason?.message);
      assert.equal(v.reason?.code, 'lockfile-integrity-missing');
      assert.equal(v.location, `node_modules/${C.name}`);
    });

    describe('resolved https://evil.example/… (a remote tarball, whatever its path looks like)', () => {
      const resolved = `https://evil.example/${C.name}/-/cli-0.1.1.tgz`;
      it('without integrity: unavailable (remote-tarball-unpinned), no request needed', async () => {
        const before = registry.requests.length;
        const v = await genuine().verify(lock({ resolved }));
        assert.equal(v.status, 'unavailable');
        assert.equal(v.reason?.code, 'remote-tarball-unpinned');
        assert.equal(v.resolved, resolved);
        assert.equal(registry.requests.length, before);
      });
      it("with the registry's sha1 only: unavailable (remote-tarball-unpinned)", async () => {
        const v = await genuine().verify(lock({ resolved, integrity: SHA1_GOOD }));
        assert.equal(v.status, 'unavailable', v.reason?.message);
        assert.equal(v.reason?.code, 'remote-tarball-unpinned');
      });
      it('with another sha512: invalid (lockfile-integrity-mismatch)', async () => {
        const v = await genuine().verify(lock({ resolved, integrity: EVIL }));
        assert.equal(v.status, 'invalid');
        assert.equal(v.reason?.code, 'lockfile-integrity-mismatch');
      });
      it('with the signed sha512: verified (the installer accepts only the signed bytes, wherever they come from)', async () => {
        const v = await genuine().verify(lock({ resolved, integrity: GOOD }));
        assert.equal(v.status, 'verified', v.reason?.message);
        assert.equal(v.resolved, resolved);
      });
    });

    it('resolved on registry.npmjs.org is the configured registry (npm rewrites it): judged by the integrity, not as remote', async () => {
      const resolved = `https://registry.npmjs.org/${C.name}/-/cli-0.1.1.tgz`;
      assert.equal((await genuine().verify(lock({ resolved, integrity: GOOD }))).status, 'verified');
      assert.equal((await genuine().verify(lock({ resolved }))).reason?.code, 'lockfile-integrity-missing');
    });

    it('a cached verified verdict is bound to the lockfile too', async () => {
      const e = genuine();
      assert.equal((await e.verify({ name: C.name, version: C.version })).status, 'verified');
      const ambiguous = await e.verify(lock({ integrity: `${GOOD} ${EVIL}` }));
      assert.equal(ambiguous.reason?.code, 'ambiguous-integrity');
      const missing = await e.verify(lock({}));
      assert.equal(missing.reason?.code, 'lockfile-integrity-missing');
    });
  });

  it('the attestation registry serves the same sha512 with an extra digest: invalid (ambiguous-integrity)', async () => {
    // The configured registry is a mirror that strips provenance; the attestation registry adds a sha384.
    const e = engine(`${registry.url}/mirror/`, { attestationRegistry: `${registry.url}/alt-extra/` });
    const v = await e.verify({ name: C.name, version: C.version });
    assert.equal(v.status, 'invalid', v.reason?.message);
    assert.equal(v.reason?.code, 'ambiguous-integrity');
    assert.equal(v.attestationRegistry, `${registry.url}/alt-extra/`);
  });
});
