import { strict as assert } from 'node:assert';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { ProvenanceEngine } from '../../../src/verify/engine';
import { newContext, runPipeline, type PipelineServices } from '../../../src/verify/pipeline';
import { unavailable } from '../../../src/verify/pipeline/error';
import type { Verdict } from '../../../src/verify/types';
import { startFixtureRegistry, type FixtureRegistry } from '../../fixture-registry';
import { realworldCases } from '../../support/realworld';
import { verifyOnce } from '../../support/engine';

/** URLs of the responses in the disk HTTP cache (each entry starts with a JSON header line naming its URL). */
function httpCacheUrls(cacheDir: string): string[] {
  const root = path.join(cacheDir, 'http', 'entries');
  if (!fs.existsSync(root)) return [];
  return fs
    .readdirSync(root, { recursive: true, withFileTypes: true })
    .filter((d) => d.isFile())
    .map((d) => {
      const text = fs.readFileSync(path.join(d.parentPath ?? (d as unknown as { path: string }).path, d.name), 'utf8');
      return (JSON.parse(text.slice(0, text.indexOf('\n'))) as { url: string }).url;
    });
}

describe('engine: what is cached, and where', function () {
  let registry: FixtureRegistry;
  let tmp: string;
  const c = realworldCases().find((x) => x.expected === 'verified')!;
  const stripped = realworldCases().find((x) => x.id === 'sigstore-1.0.0')!;

  before(async () => {
    registry = await startFixtureRegistry();
    tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'pl-engine-caching-'));
  });
  after(async () => {
    await registry?.close();
    fs.rmSync(tmp, { recursive: true, force: true });
  });

  const engine = (cacheDir: string, extra: Partial<ConstructorParameters<typeof ProvenanceEngine>[0]> = {}) =>
    new ProvenanceEngine({
      registry: `${registry.url}/case/${c.id}/`,
      attestationRegistry: '',
      refreshTrust: false,
      useProjectNpmrc: false,
      cacheDir,
      ...extra,
    });
  const versionPath = (name: string, version: string) => `/${name.replace('/', '%2f')}/${version}`;

  it("a lockfile request's version document is not written to the disk HTTP cache (its verdict is), a direct request's is", async () => {
    const lockCache = fs.mkdtempSync(path.join(tmp, 'lock-'));
    const v = await verifyOnce(engine(lockCache), { name: c.name, version: c.version, integrity: c.integrity, resolvedFrom: 'lockfile' });
    assert.equal(v.status, 'verified', v.reason?.message);
    assert.deepEqual(
      httpCacheUrls(lockCache).filter((u) => u.endsWith(versionPath(c.name, c.version))),
      [],
    );
    // A new process answers from the verdict cache without asking for the document.
    registry.requests.length = 0;
    const again = await verifyOnce(engine(lockCache), {
      name: c.name,
      version: c.version,
      integrity: c.integrity,
      resolvedFrom: 'lockfile',
    });
    assert.equal(again.status, 'verified');
    assert.equal(again.cached, true);
    assert.deepEqual(
      registry.requests.filter((r) => r.url.includes(versionPath(c.name, c.version))),
      [],
    );

    const directCache = fs.mkdtempSync(path.join(tmp, 'direct-'));
    assert.equal((await verifyOnce(engine(directCache), { name: c.name, version: c.version })).status, 'verified');
    assert.equal(
      httpCacheUrls(directCache).filter((u) => u.endsWith(versionPath(c.name, c.version))).length,
      1,
      'without a lockfile integrity the document is what tells the integrity next time',
    );
  });

  it('through a mirror that strips provenance with the attestation registry unreachable: the verdict is reused for a while, still unavailable', async () => {
    const cacheDir = fs.mkdtempSync(path.join(tmp, 'mirror-'));
    const mirror = (dir: string) => engine(dir, { registry: `${registry.url}/mirror/`, attestationRegistry: 'http://127.0.0.1:9/' });
    const request = {
      name: stripped.name,
      version: stripped.version,
      integrity: stripped.integrity,
      resolvedFrom: 'lockfile' as const,
      location: 'node_modules/sigstore',
    };
    const first = await verifyOnce(mirror(cacheDir), request);
    assert.equal(first.status, 'unavailable');
    assert.equal(first.reason?.code, 'mirror-stripped');
    registry.requests.length = 0;
    const second = await verifyOnce(mirror(cacheDir), request);
    assert.equal(second.status, 'unavailable');
    assert.equal(second.reason?.code, 'mirror-stripped');
    assert.equal(second.cached, true);
    assert.equal(second.location, 'node_modules/sigstore');
    assert.deepEqual(
      registry.requests.filter((r) => r.url.includes(versionPath(stripped.name, stripped.version))),
      [],
    );
    // The lockfile binding applies to it as to any cached verdict: other bytes are still a finding.
    const wrong = `sha512-${Buffer.alloc(64, 7).toString('base64')}`;
    const mismatch = await verifyOnce(mirror(cacheDir), { ...request, integrity: wrong });
    assert.equal(mismatch.reason?.code, 'lockfile-integrity-mismatch');
    // Under another attestation registry (another scope) it is not reused.
    const other = await verifyOnce(
      engine(cacheDir, { registry: `${registry.url}/mirror/`, attestationRegistry: 'http://127.0.0.1:7/' }),
      request,
    );
    assert.notEqual(other.cached, true);
  });

  it("while the attestation registry's keys are unknown, no final verdict is stored or read (only transient ones have a scope then)", async () => {
    const cacheDir = fs.mkdtempSync(path.join(tmp, 'nokeys-'));
    const unreachableAlt = (dir: string) => engine(dir, { attestationRegistry: 'http://127.0.0.1:9/' });
    const request = { name: c.name, version: c.version, integrity: c.integrity, resolvedFrom: 'lockfile' as const };
    assert.equal((await unreachableAlt(cacheDir).verify(request)).status, 'verified');
    const again = await unreachableAlt(cacheDir).verify(request);
    assert.equal(again.status, 'verified');
    assert.notEqual(again.cached, true);
  });

  it('a mirror-stripped verdict reached offline is not stored; online it is', async () => {
    const sets: Verdict[] = [];
    const services = (offline: boolean) =>
      ({
        options: { offline },
        cache: { set: async (_k: unknown, v: Verdict) => void sets.push(v) },
        log: { warn() {}, error() {} },
      }) as unknown as PipelineServices;
    const step = {
      name: 'stripped',
      run: (_s: PipelineServices, ctx: ReturnType<typeof newContext>) => {
        ctx.integrity = stripped.integrity;
        throw unavailable('mirror-stripped', 'the attestation registry could not be reached');
      },
    };
    for (const offline of [true, false]) {
      const ctx = newContext({ name: stripped.name, version: stripped.version }, `${registry.url}/mirror/`);
      ctx.scope = 'scope';
      const v = await runPipeline(services(offline), ctx, [step]);
      assert.equal(v.reason?.code, 'mirror-stripped');
    }
    assert.equal(sets.length, 1);
  });
});
