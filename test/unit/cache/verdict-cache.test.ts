import { strict as assert } from 'node:assert';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { VerdictCache, type VerdictKey } from '../../../src/verify/cache';
import type { Verdict } from '../../../src/verify/types';

const key: VerdictKey = {
  registry: 'https://registry.npmjs.org/',
  name: 'sigstore',
  version: '1.0.0',
  integrity: 'sha512-e+qfbn/zf1+rCza/BhIA//Awmf0v1pa5HQS8Xk8iXrn9bgytytVLqYD0P7NSqZ6IELTgq+tcDvLPkQjNHyWLNg==',
  trustFingerprint: 'trust-1',
};

const verified: Verdict = {
  name: 'sigstore',
  version: '1.0.0',
  status: 'verified',
  integrity: key.integrity,
  registry: key.registry,
  registrySignature: { status: 'valid', keyId: 'SHA256:jl3bwswu80PjjokCgh0o2w5c2U4LhQAE57gj9cz1kzA', message: 'valid' },
};

function filesUnder(dir: string): string[] {
  if (!fs.existsSync(dir)) return [];
  return fs.readdirSync(dir, { recursive: true, withFileTypes: true }).filter((d) => d.isFile()).map((d) => path.join(d.parentPath ?? (d as unknown as { path: string }).path, d.name));
}

describe('verdict cache', () => {
  let dir: string;
  beforeEach(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'pl-verdicts-'));
  });
  afterEach(() => fs.rmSync(dir, { recursive: true, force: true }));

  for (const persistent of [true, false]) {
    describe(persistent ? 'on disk' : 'in memory', () => {
      const make = (): VerdictCache => new VerdictCache(persistent ? dir : undefined);

      it('round-trips a verdict, marked cached', async () => {
        const cache = make();
        assert.equal(await cache.get(key), undefined);
        assert.equal(await cache.set(key, { ...verified, cached: false }), true);
        // on disk, a fresh instance (another process) reads it back
        const hit = await (persistent ? make() : cache).get(key);
        assert.deepEqual(hit, { ...verified, cached: true });
      });

      it('is keyed by every field: another integrity or trust fingerprint misses', async () => {
        const cache = make();
        await cache.set(key, verified);
        assert.equal(await cache.get({ ...key, trustFingerprint: 'trust-2' }), undefined);
        assert.equal(await cache.get({ ...key, integrity: 'sha512-AAAA' }), undefined);
        assert.equal(await cache.get({ ...key, registry: 'https://mirror.example/' }), undefined);
      });

      it('never persists unavailable or not-applicable', async () => {
        const cache = make();
        assert.equal(await cache.set(key, { ...verified, status: 'unavailable', reason: { code: 'timeout', message: 'slow' } }), false);
        assert.equal(await cache.set(key, { ...verified, status: 'not-applicable', reason: { code: 'git', message: 'git' } }), false);
        assert.equal(await cache.get(key), undefined);
        assert.equal(await cache.getLatest(key.registry, key.name, key.version, key.trustFingerprint), undefined);
        if (persistent) assert.deepEqual(filesUnder(dir), []);
      });

      it('persists no-provenance and invalid', async () => {
        const cache = make();
        const invalid: Verdict = { ...verified, status: 'invalid', reason: { code: 'invalid-provenance-signature', message: 'bad' } };
        assert.equal(await cache.set(key, invalid), true);
        assert.equal((await cache.get(key))?.status, 'invalid');
        const k2 = { ...key, version: '1.0.1' };
        assert.equal(await cache.set(k2, { ...verified, version: '1.0.1', status: 'no-provenance', reason: { code: 'attestations-missing', message: 'none' } }), true);
        assert.equal((await cache.get(k2))?.status, 'no-provenance');
      });

      it('refuses a verdict that is not about its key', async () => {
        const cache = make();
        assert.equal(await cache.set(key, { ...verified, name: 'other' }), false);
        assert.equal(await cache.set(key, { ...verified, integrity: 'sha512-BBBB' }), false);
        assert.equal(await cache.get(key), undefined);
      });

      it('getLatest returns the last verdict for registry/name/version under the same trust only', async () => {
        const cache = make();
        await cache.set(key, verified);
        const newer: Verdict = { ...verified, status: 'invalid', reason: { code: 'invalid-registry-signature', message: 'bad' } };
        await cache.set({ ...key, trustFingerprint: 'trust-2' }, newer);
        assert.equal((await cache.getLatest(key.registry, key.name, key.version, 'trust-2'))?.status, 'invalid');
        assert.equal((await cache.getLatest(key.registry, key.name, key.version, key.trustFingerprint))?.status, 'verified');
        assert.equal(await cache.getLatest(key.registry, key.name, key.version, 'trust-3'), undefined);
        assert.equal(await cache.getLatest(key.registry, key.name, '9.9.9', key.trustFingerprint), undefined);
        const other: Verdict = { ...verified, integrity: 'sha512-AAAA' };
        await cache.set({ ...key, integrity: 'sha512-AAAA' }, other);
        assert.equal((await cache.getLatest(key.registry, key.name, key.version, key.trustFingerprint))?.integrity, 'sha512-AAAA');
        assert.equal((await cache.get(key))?.status, 'verified');
      });

      it('remembers the keys fingerprint a registry last published', async () => {
        const cache = make();
        assert.equal(await cache.getRegistryKeys('https://r.example/'), undefined);
        await cache.setRegistryKeys('https://r.example/', 'fp-1');
        assert.equal(await cache.getRegistryKeys('https://r.example/'), 'fp-1');
        assert.equal(await cache.getRegistryKeys('https://other.example/'), undefined);
        if (persistent) assert.equal(await new VerdictCache(dir).getRegistryKeys('https://r.example/'), 'fp-1');
      });

      it('clear() forgets everything', async () => {
        const cache = make();
        await cache.set(key, verified);
        await cache.clear();
        assert.equal(await cache.get(key), undefined);
        assert.equal(await cache.getLatest(key.registry, key.name, key.version, key.trustFingerprint), undefined);
      });
    });
  }

  describe('damaged files are discarded, never trusted', () => {
    async function storedFile(): Promise<string> {
      await new VerdictCache(dir).set(key, verified);
      const [file] = filesUnder(path.join(dir, 'by-key'));
      assert.ok(file);
      return file;
    }

    it('a corrupt file', async () => {
      const file = await storedFile();
      fs.writeFileSync(file, '{not json');
      assert.equal(await new VerdictCache(dir).get(key), undefined);
      assert.equal(fs.existsSync(file), false);
    });

    it('a truncated file', async () => {
      const file = await storedFile();
      const text = fs.readFileSync(file, 'utf8');
      fs.writeFileSync(file, text.slice(0, Math.floor(text.length / 2)));
      assert.equal(await new VerdictCache(dir).get(key), undefined);
      assert.equal(fs.existsSync(file), false);
    });

    it('a file whose stored key differs from the one asked for', async () => {
      const file = await storedFile();
      const entry = JSON.parse(fs.readFileSync(file, 'utf8')) as { key: VerdictKey; verdict: Verdict };
      entry.key.integrity = 'sha512-CCCC';
      entry.verdict.integrity = 'sha512-CCCC';
      fs.writeFileSync(file, JSON.stringify(entry));
      assert.equal(await new VerdictCache(dir).get(key), undefined);
      assert.equal(fs.existsSync(file), false);
    });

    it('a verdict that does not match its own stored key, or has a non-persisted status', async () => {
      const file = await storedFile();
      const entry = JSON.parse(fs.readFileSync(file, 'utf8')) as { verdict: Verdict };
      entry.verdict.status = 'unavailable';
      fs.writeFileSync(file, JSON.stringify(entry));
      assert.equal(await new VerdictCache(dir).get(key), undefined);
      assert.equal(fs.existsSync(file), false);
      const file2 = await storedFile();
      const entry2 = JSON.parse(fs.readFileSync(file2, 'utf8')) as { verdict: Verdict };
      entry2.verdict.name = 'evil';
      fs.writeFileSync(file2, JSON.stringify(entry2));
      assert.equal(await new VerdictCache(dir).get(key), undefined);
    });

    it('a file of another format version', async () => {
      const file = await storedFile();
      const entry = JSON.parse(fs.readFileSync(file, 'utf8')) as { format: number };
      entry.format = 999;
      fs.writeFileSync(file, JSON.stringify(entry));
      assert.equal(await new VerdictCache(dir).get(key), undefined);
      assert.equal(fs.existsSync(file), false);
    });

    it('a damaged latest file', async () => {
      await new VerdictCache(dir).set(key, verified);
      const [file] = filesUnder(path.join(dir, 'latest'));
      fs.writeFileSync(file!, '');
      assert.equal(await new VerdictCache(dir).getLatest(key.registry, key.name, key.version, key.trustFingerprint), undefined);
      assert.equal(fs.existsSync(file!), false);
      assert.equal((await new VerdictCache(dir).get(key))?.status, 'verified');
    });
  });

  it('writes atomically: no temp files are left behind', async () => {
    const cache = new VerdictCache(dir);
    await Promise.all(Array.from({ length: 20 }, () => cache.set(key, verified)));
    const files = filesUnder(dir);
    assert.equal(files.length, 2);
    assert.ok(files.every((f) => f.endsWith('.json')));
    assert.equal((await cache.get(key))?.status, 'verified');
  });

  it('clear() leaves other things in the folder alone', async () => {
    fs.writeFileSync(path.join(dir, 'unrelated.txt'), 'keep me');
    const cache = new VerdictCache(dir);
    await cache.set(key, verified);
    await cache.clear();
    assert.equal(fs.readFileSync(path.join(dir, 'unrelated.txt'), 'utf8'), 'keep me');
  });
});
