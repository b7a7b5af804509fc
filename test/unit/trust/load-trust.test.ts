/**
 * loadTrustMaterial: TUF refresh (against a loopback TUF repository), our saved copy, the seed shipped
 * with @sigstore/tuf, custom files, and the once-per-process memo of a failed refresh.
 */
import { strict as assert } from 'node:assert';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import seeds from '@sigstore/tuf/seeds.json';
import { MalformedNpmKeysError, TrustMaterialError } from '../../../src/verify/errors';
import { loadTrustMaterial, resetTrustRefreshMemo, type TrustBundle } from '../../../src/verify/trust';
import { DEFAULT_MIRROR_URL } from '../../../src/verify/trust/load';
import { startTufRepo, type TufRepo } from './helpers/tuf-repo';

const seedTargets = (seeds as unknown as Record<string, { targets: Record<string, string> }>)['https://tuf-repo-cdn.sigstore.dev'].targets;
const SEED_ROOT = Buffer.from(seedTargets['trusted_root.json'], 'base64').toString('utf8');
const SEED_KEYS = Buffer.from(seedTargets['registry.npmjs.org%2Fkeys.json'], 'base64').toString('utf8');
const OLD_KEY = 'SHA256:jl3bwswu80PjjokCgh0o2w5c2U4LhQAE57gj9cz1kzA';
const NEW_KEY = 'SHA256:DhQ8wR5APBvFHLF/+Tc+AYvPOdTpcIDqOhxsBHRwC7U';

/** The seed's keys.json with only the newer key: distinguishable from the seed. */
function newKeyOnly(): string {
  const doc = JSON.parse(SEED_KEYS) as { keys: { keyId: string }[] };
  return JSON.stringify({ keys: doc.keys.filter((k) => k.keyId === NEW_KEY) });
}

describe('trust material', function () {
  it('names the public-good TUF repository exactly as @sigstore/tuf does (it is loaded only when asked)', () => {
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    assert.equal(DEFAULT_MIRROR_URL, (require('@sigstore/tuf') as { DEFAULT_MIRROR_URL: string }).DEFAULT_MIRROR_URL);
  });

  this.timeout(20000);
  let tmp: string;

  beforeEach(() => {
    resetTrustRefreshMemo();
    tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'provenance-lens-trust-test-'));
  });
  afterEach(() => {
    fs.rmSync(tmp, { recursive: true, force: true });
  });

  describe('the seed shipped with @sigstore/tuf', () => {
    it('is used when refresh is disabled, and says why', async () => {
      const t = await loadTrustMaterial({ refresh: false });
      assert.equal(t.info.source, 'seed');
      assert.match(t.info.note ?? '', /refresh skipped \(disabled\)/);
      assert.deepEqual(t.trustedRoot, JSON.parse(SEED_ROOT));
      assert.deepEqual(
        t.npmKeys.map((k) => `${k.keyId} ${k.usage}`).sort(),
        [`${NEW_KEY} npm:attestations`, `${NEW_KEY} npm:signatures`, `${OLD_KEY} npm:attestations`, `${OLD_KEY} npm:signatures`].sort(),
      );
      const old = t.npmKeys.find((k) => k.keyId === OLD_KEY && k.usage === 'npm:signatures')!;
      assert.equal(old.validUntil?.toISOString(), '2025-01-29T00:00:00.000Z');
      assert.equal(t.npmKeys.find((k) => k.keyId === NEW_KEY)!.validUntil, undefined);
      assert.match(t.fingerprint, /^[0-9a-f]{64}$/);
      assert.equal((await loadTrustMaterial({ refresh: false })).fingerprint, t.fingerprint);
    });

    it('is used offline, and says so', async () => {
      const t = await loadTrustMaterial({ offline: true, cacheDir: tmp });
      assert.equal(t.info.source, 'seed');
      assert.match(t.info.note ?? '', /offline/);
      assert.match(t.info.note ?? '', /no cached copy/);
    });
  });

  describe('TUF refresh and the saved copy', () => {
    let repo: TufRepo | undefined;
    afterEach(async () => {
      await repo?.close();
      repo = undefined;
    });

    it('refreshes from a TUF repository, saves the result, and falls back to that copy when the refresh fails', async () => {
      repo = await startTufRepo({ targets: { 'trusted_root.json': SEED_ROOT, 'registry.npmjs.org/keys.json': newKeyOnly() } });
      const rootFile = path.join(tmp, 'tuf-root.json');
      fs.writeFileSync(rootFile, repo.rootJson);
      // refreshIntervalMs 0: every load refreshes (the interval has its own test below)
      const opts = {
        cacheDir: path.join(tmp, 'cache'),
        mirrorUrl: repo.url,
        tufRootPath: rootFile,
        tufTimeoutMs: 5000,
        refreshIntervalMs: 0,
      };

      const before = Date.now();
      const fresh = await loadTrustMaterial(opts);
      assert.equal(fresh.info.source, 'tuf', fresh.info.note);
      assert.ok(Date.parse(fresh.info.updated!) >= before - 1000);
      assert.equal(fresh.info.age, 'less than a minute');
      assert.deepEqual([...new Set(fresh.npmKeys.map((k) => k.keyId))], [NEW_KEY]);
      assert.ok(repo.requests.includes('/targets/registry.npmjs.org/keys.json'), repo.requests.join(' '));
      const seed = await loadTrustMaterial({ refresh: false });
      assert.notEqual(fresh.fingerprint, seed.fingerprint);

      // Next process: the repository is gone.
      await repo.close();
      repo = undefined;
      resetTrustRefreshMemo();
      const cached = await loadTrustMaterial(opts);
      assert.equal(cached.info.source, 'tuf-cache');
      assert.equal(cached.info.updated, fresh.info.updated);
      assert.match(cached.info.note ?? '', /TUF refresh failed/);
      assert.equal(cached.fingerprint, fresh.fingerprint);

      const noRefresh = await loadTrustMaterial({ ...opts, refresh: false });
      assert.equal(noRefresh.info.source, 'tuf-cache');
      assert.equal(noRefresh.fingerprint, fresh.fingerprint);

      // A copy saved from another repository is not used for this one.
      const other = await loadTrustMaterial({ ...opts, mirrorUrl: 'http://127.0.0.1:9', refresh: false });
      assert.equal(other.info.source, 'seed');
    });

    it('a copy refreshed less than refreshIntervalMs ago is used by the next process without asking the repository', async () => {
      repo = await startTufRepo({ targets: { 'trusted_root.json': SEED_ROOT, 'registry.npmjs.org/keys.json': newKeyOnly() } });
      const rootFile = path.join(tmp, 'tuf-root.json');
      fs.writeFileSync(rootFile, repo.rootJson);
      const opts = { cacheDir: path.join(tmp, 'cache'), mirrorUrl: repo.url, tufRootPath: rootFile, tufTimeoutMs: 5000 };
      const fresh = await loadTrustMaterial(opts);
      assert.equal(fresh.info.source, 'tuf', fresh.info.note);
      const asked = repo.requests.length;

      resetTrustRefreshMemo(); // a new process
      const next = await loadTrustMaterial(opts);
      assert.equal(repo.requests.length, asked, 'no request to the TUF repository');
      assert.equal(next.info.source, 'tuf-cache');
      assert.equal(next.fingerprint, fresh.fingerprint);
      assert.match(next.info.note ?? '', /refreshed less than a minute ago; the next refresh is due after 1 hour/);

      resetTrustRefreshMemo();
      const again = await loadTrustMaterial({ ...opts, refreshIntervalMs: 0 });
      assert.equal(again.info.source, 'tuf');
      assert.ok(repo.requests.length > asked, 'refreshIntervalMs 0 refreshes');
    });

    it('a failed refresh is not retried by the next processes for failedRefreshBackoffMs, and says so', async () => {
      repo = await startTufRepo({ targets: {}, hang: true });
      const opts = { cacheDir: path.join(tmp, 'cache'), mirrorUrl: repo.url, tufTimeoutMs: 300 };
      const first = await loadTrustMaterial(opts);
      assert.match(first.info.note ?? '', /TUF refresh failed/);
      const seen = repo.requests.length;
      assert.ok(seen > 0);

      resetTrustRefreshMemo(); // a new process
      const second = await loadTrustMaterial(opts);
      assert.equal(repo.requests.length, seen, 'not retried');
      assert.equal(second.info.source, 'seed');
      assert.match(second.info.note ?? '', /TUF refresh failed: .*\(less than a minute ago; not retried for 10 minutes\)/);
      assert.equal(second.fingerprint, first.fingerprint);

      resetTrustRefreshMemo();
      await loadTrustMaterial({ ...opts, failedRefreshBackoffMs: 0 });
      assert.ok(repo.requests.length > seen, 'failedRefreshBackoffMs 0 retries');
    });

    it('parses the same trust text once per process: the same objects come back', async () => {
      const rootFile = path.join(tmp, 'root.json');
      const keysFile = path.join(tmp, 'keys.json');
      fs.writeFileSync(rootFile, SEED_ROOT);
      fs.writeFileSync(keysFile, SEED_KEYS);
      const a = await loadTrustMaterial({ trustedRootPath: rootFile, npmKeysPath: keysFile });
      const b = await loadTrustMaterial({ trustedRootPath: rootFile, npmKeysPath: keysFile });
      assert.equal(a.trustedRoot, b.trustedRoot);
      assert.equal(a.npmKeys, b.npmKeys);
      fs.writeFileSync(keysFile, newKeyOnly());
      const c = await loadTrustMaterial({ trustedRootPath: rootFile, npmKeysPath: keysFile });
      assert.notEqual(c.npmKeys, a.npmKeys, 'other text, parsed anew');
      assert.deepEqual([...new Set(c.npmKeys.map((k) => k.keyId))], [NEW_KEY]);
    });

    it('does not accept targets that are not usable trust material', async () => {
      repo = await startTufRepo({ targets: { 'trusted_root.json': '{"mediaType":"x"}', 'registry.npmjs.org/keys.json': SEED_KEYS } });
      const rootFile = path.join(tmp, 'tuf-root.json');
      fs.writeFileSync(rootFile, repo.rootJson);
      const t = await loadTrustMaterial({ cacheDir: path.join(tmp, 'cache'), mirrorUrl: repo.url, tufRootPath: rootFile });
      assert.equal(t.info.source, 'seed');
      assert.match(t.info.note ?? '', /TUF refresh failed: trusted root is unusable/);
      assert.ok(!fs.existsSync(path.join(tmp, 'cache', 'trust-material.json')));
    });

    it('rejects a repository signed by another root', async () => {
      repo = await startTufRepo({ targets: { 'trusted_root.json': SEED_ROOT, 'registry.npmjs.org/keys.json': newKeyOnly() } });
      const impostor = await startTufRepo({ targets: {} });
      const rootFile = path.join(tmp, 'tuf-root.json');
      fs.writeFileSync(rootFile, impostor.rootJson);
      await impostor.close();
      const t = await loadTrustMaterial({ cacheDir: path.join(tmp, 'cache'), mirrorUrl: repo.url, tufRootPath: rootFile });
      assert.equal(t.info.source, 'seed');
      assert.match(t.info.note ?? '', /TUF refresh failed/);
    });

    it('pays a hanging refresh’s timeout once per process, then falls back at once', async () => {
      repo = await startTufRepo({ targets: {}, hang: true });
      const opts = { cacheDir: path.join(tmp, 'cache'), mirrorUrl: repo.url, tufTimeoutMs: 400 };
      let t0 = Date.now();
      const first = await loadTrustMaterial(opts);
      const firstMs = Date.now() - t0;
      assert.equal(first.info.source, 'seed');
      assert.match(first.info.note ?? '', /TUF refresh failed: .*timed out after 400 ms/);
      assert.ok(firstMs >= 350 && firstMs < 5000, `first load took ${firstMs} ms`);
      const seen = repo.requests.length;
      assert.ok(seen > 0);

      t0 = Date.now();
      const second = await loadTrustMaterial(opts);
      const secondMs = Date.now() - t0;
      assert.equal(second.info.source, 'seed');
      assert.equal(second.info.note, first.info.note);
      assert.ok(secondMs < 200, `second load took ${secondMs} ms`);
      assert.equal(repo.requests.length, seen, 'no second attempt');
    });

    it('a refused connection fails fast', async () => {
      const t0 = Date.now();
      const t = await loadTrustMaterial({ cacheDir: path.join(tmp, 'cache'), mirrorUrl: 'http://127.0.0.1:9', tufTimeoutMs: 3000 });
      assert.equal(t.info.source, 'seed');
      assert.match(t.info.note ?? '', /TUF refresh failed/);
      assert.ok(Date.now() - t0 < 2500);
    });

    it('ignores a corrupt saved copy, and says so', async () => {
      const cacheDir = path.join(tmp, 'cache');
      fs.mkdirSync(cacheDir, { recursive: true });
      fs.writeFileSync(
        path.join(cacheDir, 'trust-material.json'),
        JSON.stringify({
          format: 1,
          mirrorUrl: 'https://tuf-repo-cdn.sigstore.dev',
          fetchedAt: new Date().toISOString(),
          trustedRoot: '{}',
          npmKeys: SEED_KEYS,
        }),
      );
      const t = await loadTrustMaterial({ cacheDir, refresh: false });
      assert.equal(t.info.source, 'seed');
      assert.match(t.info.note ?? '', /cached trust material is unusable/);
    });
  });

  describe('custom files', () => {
    function write(name: string, text: string): string {
      const p = path.join(tmp, name);
      fs.writeFileSync(p, text);
      return p;
    }

    it('uses both custom files when given', async () => {
      const old = JSON.parse(SEED_KEYS).keys.find((k: { keyId: string }) => k.keyId === OLD_KEY);
      const endpointFormat = {
        keys: [
          {
            expires: '2025-01-29T00:00:00.000Z',
            keyid: OLD_KEY,
            keytype: 'ecdsa-sha2-nistp256',
            scheme: 'ecdsa-sha2-nistp256',
            key: old.publicKey.rawBytes,
          },
        ],
      };
      const trustedRootPath = write('root.json', SEED_ROOT);
      const npmKeysPath = write('keys.json', JSON.stringify(endpointFormat));
      const t: TrustBundle = await loadTrustMaterial({ trustedRootPath, npmKeysPath, refresh: false });
      assert.equal(t.info.source, 'custom');
      assert.equal(t.info.trustedRootPath, trustedRootPath);
      assert.equal(t.info.npmKeysPath, npmKeysPath);
      assert.equal(t.info.note, undefined);
      assert.ok(t.info.updated);
      assert.equal(t.npmKeys.length, 1);
      assert.equal(t.npmKeys[0].usage, undefined);
      assert.equal(t.npmKeys[0].validUntil?.toISOString(), '2025-01-29T00:00:00.000Z');
    });

    it('takes the other part from the usual sources when only one file is given', async () => {
      const npmKeysPath = write('keys.json', newKeyOnly());
      const t = await loadTrustMaterial({ npmKeysPath, refresh: false });
      assert.equal(t.info.source, 'custom');
      assert.match(t.info.note ?? '', /trusted root from seed/);
      assert.deepEqual(t.trustedRoot, JSON.parse(SEED_ROOT));
      assert.equal(t.npmKeys.length, 2);
    });

    it('never replaces an unusable custom file silently', async () => {
      await assert.rejects(loadTrustMaterial({ trustedRootPath: path.join(tmp, 'absent.json'), refresh: false }), (err: unknown) => {
        assert.ok(err instanceof TrustMaterialError);
        assert.equal(err.code, 'trust-material-unavailable');
        assert.match(err.message, /absent\.json/);
        return true;
      });
      await assert.rejects(loadTrustMaterial({ trustedRootPath: write('r.json', '{}'), refresh: false }), /no certificate authorities/);
      await assert.rejects(loadTrustMaterial({ trustedRootPath: write('r2.json', 'not json'), refresh: false }), TrustMaterialError);
      await assert.rejects(
        loadTrustMaterial({ npmKeysPath: write('k.json', '{"keys":[{"keyid":"x"}]}'), refresh: false }),
        (err: unknown) => {
          assert.ok(err instanceof TrustMaterialError);
          assert.match((err as Error).message, /k\.json.*entry 1/);
          return true;
        },
      );
      // The error type of a malformed keys document is preserved as the cause.
      await assert.rejects(loadTrustMaterial({ npmKeysPath: write('k2.json', '[]'), refresh: false }), (err: unknown) => {
        assert.ok((err as { cause?: unknown }).cause instanceof MalformedNpmKeysError);
        return true;
      });
    });
  });
});
