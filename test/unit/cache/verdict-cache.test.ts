import { strict as assert } from 'node:assert';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { createHash } from 'node:crypto';
import { execFileSync } from 'node:child_process';
import { TRANSIENT_TTL_MS, VERDICT_CACHE_FORMAT, VerdictCache, type VerdictKey } from '../../../src/verify/cache';
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
  return fs
    .readdirSync(dir, { recursive: true, withFileTypes: true })
    .filter((d) => d.isFile())
    .map((d) => path.join(d.parentPath ?? (d as unknown as { path: string }).path, d.name));
}

/** A log line as the cache writes it (checksum over the scope and the text): what a forger with the layout could write. */
function checksummed(k: VerdictKey, text: string): string {
  const salt = createHash('sha256')
    .update(JSON.stringify(['verdict-log', String(VERDICT_CACHE_FORMAT), k.registry, k.trustFingerprint]))
    .digest('hex');
  return `${createHash('sha256').update(salt).update('\n').update(text).digest('hex')} ${text}`;
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
        assert.equal(
          await cache.set(k2, {
            ...verified,
            version: '1.0.1',
            status: 'no-provenance',
            reason: { code: 'attestations-missing', message: 'none' },
          }),
          true,
        );
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

  describe('the log on disk: damaged or foreign lines are ignored, never trusted', () => {
    /** The one log file of the key's scope, after storing `verified` under `key`. */
    async function storedLog(): Promise<string> {
      await new VerdictCache(dir).set(key, verified);
      const files = filesUnder(dir).filter((f) => f.endsWith('.log'));
      assert.equal(files.length, 1);
      return files[0]!;
    }
    const lines = (file: string): string[] =>
      fs
        .readFileSync(file, 'utf8')
        .split('\n')
        .filter((l) => l !== '');
    const fresh = (): VerdictCache => new VerdictCache(dir);

    it('one line per verdict in one file per scope: a new process reads them all from it', async () => {
      const cache = new VerdictCache(dir);
      for (let i = 0; i < 30; i++) {
        const k = { ...key, version: `1.0.${i}` };
        await cache.set(k, { ...verified, version: `1.0.${i}` });
      }
      await cache.set({ ...key, trustFingerprint: 'trust-2' }, verified);
      const logs = filesUnder(dir).filter((f) => f.endsWith('.log'));
      assert.equal(logs.length, 2, 'one log per trust fingerprint');
      assert.deepEqual(
        logs.map((f) => lines(f).length).sort((a, b) => a - b),
        [1, 30],
      );
      assert.equal(filesUnder(dir).length, 2, 'nothing else written');
      const other = fresh();
      for (let i = 0; i < 30; i++) assert.equal((await other.get({ ...key, version: `1.0.${i}` }))?.version, `1.0.${i}`);
      assert.equal((await other.get({ ...key, trustFingerprint: 'trust-2' }))?.status, 'verified');
    });

    it('verdicts stored together reach the disk together: a batch is one append, and close() writes what is waiting', async () => {
      const cache = fresh();
      const appends: number[] = [];
      const realOpen = fs.promises.open;
      // count the writes to the log: each batch is one write of many lines
      (fs.promises as { open: typeof realOpen }).open = (async (...args: Parameters<typeof realOpen>) => {
        const handle = await realOpen(...args);
        const write = handle.write.bind(handle) as (...a: unknown[]) => Promise<unknown>;
        (handle as { write: unknown }).write = (...a: unknown[]) => {
          appends.push(
            String(a[0])
              .split('\n')
              .filter((l) => l !== '').length,
          );
          return write(...a);
        };
        return handle;
      }) as typeof realOpen;
      try {
        const stored = Array.from({ length: 100 }, (_, i) =>
          cache.set({ ...key, version: `1.0.${i}` }, { ...verified, version: `1.0.${i}` }),
        );
        // in memory at once
        assert.equal((await cache.get({ ...key, version: '1.0.99' }))?.version, '1.0.99');
        await cache.close();
        assert.deepEqual(await Promise.all(stored), Array(100).fill(true));
        assert.equal(
          appends.reduce((a, b) => a + b, 0),
          100,
        );
        assert.ok(appends.length <= 2, `${appends.length} writes for 100 verdicts`);
      } finally {
        (fs.promises as { open: typeof realOpen }).open = realOpen;
      }
      const other = fresh();
      for (let i = 0; i < 100; i++) assert.equal((await other.get({ ...key, version: `1.0.${i}` }))?.version, `1.0.${i}`);
    });

    it('a process that ends without closing the cache still writes the verdicts it stored', () => {
      const script = `
        require('tsx/cjs');
        const { VerdictCache } = require(${JSON.stringify(path.resolve(__dirname, '../../../src/verify/cache'))});
        const cache = new VerdictCache(${JSON.stringify(dir)});
        for (let i = 0; i < 10; i++) void cache.set(${JSON.stringify(key)} && { ...${JSON.stringify(key)}, version: '1.0.' + i }, { ...${JSON.stringify(verified)}, version: '1.0.' + i });
      `;
      execFileSync(process.execPath, ['-e', script], { cwd: path.resolve(__dirname, '../../..'), stdio: 'pipe' });
      const logs = filesUnder(dir).filter((f) => f.endsWith('.log'));
      assert.equal(logs.length, 1);
      assert.equal(lines(logs[0]!).length, 10);
    });

    it('a torn append (a crash mid-write) is ignored, and the lines appended after it still count', async () => {
      const file = await storedLog();
      const k2 = { ...key, version: '2.0.0' };
      const text = fs.readFileSync(file, 'utf8');
      // A torn copy of a line for k2 (cut inside its verdict), as a crash would leave it, with no newline.
      const torn = text.trim().replace('"1.0.0"', '"2.0.0"');
      fs.appendFileSync(file, torn.slice(0, Math.floor(torn.length * 0.7)));
      assert.equal(await fresh().get(k2), undefined);
      assert.equal((await fresh().get(key))?.status, 'verified');
      const k3 = { ...key, version: '3.0.0' };
      await fresh().set(k3, { ...verified, version: '3.0.0' });
      const reader = fresh();
      assert.equal((await reader.get(k3))?.version, '3.0.0', 'the next append starts on its own line');
      assert.equal((await reader.get(key))?.status, 'verified');
      assert.equal(await reader.get(k2), undefined);
    });

    it('a truncated log: the cut line is not read', async () => {
      const file = await storedLog();
      const text = fs.readFileSync(file, 'utf8');
      fs.writeFileSync(file, text.slice(0, text.length - 20));
      assert.equal(await fresh().get(key), undefined);
      fs.writeFileSync(file, `${text.slice(0, text.length - 20)}\n`);
      assert.equal(await fresh().get(key), undefined);
    });

    it('an edited line (its checksum no longer matches) is not read', async () => {
      const file = await storedLog();
      const edited = fs
        .readFileSync(file, 'utf8')
        .replace('"status":"verified"', '"status":"no-provenance","reason":{"code":"attestations-missing","message":"edited"}');
      assert.notEqual(edited, fs.readFileSync(file, 'utf8'));
      fs.writeFileSync(file, edited);
      assert.equal(await fresh().get(key), undefined);
      assert.equal(await fresh().getLatest(key.registry, key.name, key.version, key.trustFingerprint), undefined);
    });

    it("a line copied into another scope's log (other trust) is not read there", async () => {
      const file = await storedLog();
      const other = { ...key, trustFingerprint: 'trust-2' };
      await new VerdictCache(dir).set({ ...other, version: '9.9.9' }, { ...verified, version: '9.9.9' });
      const otherLog = filesUnder(dir).find((f) => f.endsWith('.log') && f !== file)!;
      fs.appendFileSync(otherLog, fs.readFileSync(file, 'utf8'));
      assert.equal(await fresh().get(other), undefined);
      assert.equal(await fresh().getLatest(other.registry, other.name, other.version, other.trustFingerprint), undefined);
      assert.equal((await fresh().get({ ...other, version: '9.9.9' }))?.version, '9.9.9', "control: the log's own line reads");
      assert.equal((await fresh().get(key))?.status, 'verified');
    });

    it('a line filed under another key than its verdict is about is not read, even with a correct checksum', async () => {
      const file = await storedLog();
      const [line] = lines(file);
      const text = line!.slice(65).replace('["sigstore","1.0.0",', '["sigstore","1.0.1",');
      fs.writeFileSync(file, `${line}\n${checksummed(key, text)}\n`);
      assert.equal(await fresh().get({ ...key, version: '1.0.1' }), undefined);
      assert.equal((await fresh().get(key))?.status, 'verified', 'control: the genuine line reads');
    });

    it('an earlier format is not read, and clear() removes it', async () => {
      const legacy = path.join(dir, 'by-key');
      fs.mkdirSync(legacy, { recursive: true });
      fs.writeFileSync(
        path.join(legacy, 'x.json'),
        JSON.stringify({ format: 2, key, storedAt: new Date().toISOString(), verdict: verified }),
      );
      assert.equal(await fresh().get(key), undefined);
      await fresh().clear();
      assert.equal(fs.existsSync(legacy), false);
    });

    it('after clear(), what is stored next is written to a new log and read back', async () => {
      const cache = fresh();
      await cache.set(key, verified);
      await cache.clear();
      const k2 = { ...key, version: '2.0.0' };
      await cache.set(k2, { ...verified, version: '2.0.0' });
      const reader = fresh();
      assert.equal(await reader.get(key), undefined);
      assert.equal((await reader.get(k2))?.version, '2.0.0');
      assert.equal(filesUnder(dir).length, 1);
    });

    it('what another process appends after this one read the log is found on a miss', async () => {
      const a = fresh();
      await a.set(key, verified);
      const b = fresh();
      assert.equal((await b.get(key))?.status, 'verified');
      const k2 = { ...key, version: '2.0.0' };
      await a.set(k2, { ...verified, version: '2.0.0' });
      assert.equal((await b.get(k2))?.version, '2.0.0');
    });

    it('concurrent writes share appends; every verdict reads back; nothing else is left in the folder', async () => {
      const cache = fresh();
      await Promise.all(
        Array.from({ length: 40 }, (_, i) => cache.set({ ...key, version: `1.1.${i}` }, { ...verified, version: `1.1.${i}` })),
      );
      const files = filesUnder(dir);
      assert.equal(files.length, 1);
      assert.ok(files[0]!.endsWith('.log'));
      assert.equal(lines(files[0]!).length, 40);
      const reader = fresh();
      for (let i = 0; i < 40; i++) assert.equal((await reader.get({ ...key, version: `1.1.${i}` }))?.version, `1.1.${i}`);
    });

    it('a log that is mostly superseded lines is rewritten with the live ones when read', async () => {
      const cache = fresh();
      for (let i = 0; i < 300; i++) await cache.set(key, verified);
      const [file] = filesUnder(dir);
      assert.equal(lines(file!).length, 300);
      assert.equal((await fresh().get(key))?.status, 'verified');
      assert.equal(lines(file!).length, 1);
      assert.equal((await fresh().get(key))?.status, 'verified');
      assert.deepEqual(filesUnder(dir), [file]);
    });
  });

  describe('unavailable: mirror-stripped is kept for a short while only', () => {
    const stripped: Verdict = {
      name: 'sigstore',
      version: '1.0.0',
      status: 'unavailable',
      integrity: key.integrity,
      registry: key.registry,
      reason: { code: 'mirror-stripped', message: 'the mirror strips provenance and the attestation registry could not be reached' },
    };
    let realNow: () => number;
    let now: number;
    beforeEach(() => {
      realNow = Date.now;
      now = realNow();
      Date.now = () => now;
    });
    afterEach(() => {
      Date.now = realNow;
    });

    for (const persistent of [true, false]) {
      it(`${persistent ? 'on disk' : 'in memory'}: reused for ${TRANSIENT_TTL_MS / 60_000} minutes, then a miss`, async () => {
        const cache = new VerdictCache(persistent ? dir : undefined);
        assert.equal(await cache.set(key, stripped), true);
        const read = persistent ? () => new VerdictCache(dir) : () => cache;
        assert.deepEqual(await read().get(key), { ...stripped, cached: true });
        now += TRANSIENT_TTL_MS - 1000;
        assert.equal((await read().get(key))?.reason?.code, 'mirror-stripped');
        now += 2000;
        assert.equal(await read().get(key), undefined);
      });
    }

    it('a clock set back does not stretch it', async () => {
      await new VerdictCache(dir).set(key, stripped);
      now -= 60 * 60 * 1000;
      assert.equal(await new VerdictCache(dir).get(key), undefined);
    });

    it('is never the offline "latest verdict", and never hides a final verdict', async () => {
      const cache = new VerdictCache(dir);
      await cache.set(key, stripped);
      assert.equal(await cache.getLatest(key.registry, key.name, key.version, key.trustFingerprint), undefined);
      await cache.set(key, verified);
      await cache.set(key, stripped);
      assert.equal((await cache.get(key))?.status, 'verified');
      assert.equal((await new VerdictCache(dir).get(key))?.status, 'verified');
      assert.equal((await new VerdictCache(dir).getLatest(key.registry, key.name, key.version, key.trustFingerprint))?.status, 'verified');
    });

    it('other unavailable reasons are still never stored, and the scope still applies', async () => {
      const cache = new VerdictCache(dir);
      assert.equal(await cache.set(key, { ...stripped, reason: { code: 'no-registry-keys', message: 'none' } }), false);
      assert.equal(await cache.set(key, { ...stripped, reason: { code: 'timeout', message: 'slow' } }), false);
      assert.equal(await cache.get(key), undefined);
      await cache.set(key, stripped);
      assert.equal(await new VerdictCache(dir).get({ ...key, trustFingerprint: 'trust-2' }), undefined);
      assert.equal(await new VerdictCache(dir).get({ ...key, registry: 'https://mirror.example/' }), undefined);
      assert.equal(await new VerdictCache(dir).get({ ...key, integrity: 'sha512-AAAA' }), undefined);
    });

    it('a line claiming mirror-stripped without an expiry, or a final verdict with one, is not read', async () => {
      await new VerdictCache(dir).set(key, stripped);
      const [file] = filesUnder(dir);
      const line = (entry: object, version: string) =>
        `${checksummed(key, `${JSON.stringify([key.name, version, key.integrity])}\t${JSON.stringify(entry)}`)}\n`;
      const storedAt = new Date(now).toISOString();
      fs.appendFileSync(file!, line({ storedAt, verdict: { ...stripped, version: '4.0.0' } }, '4.0.0'));
      fs.appendFileSync(file!, line({ storedAt, expiresAt: now + 1000, verdict: { ...verified, version: '5.0.0' } }, '5.0.0'));
      fs.appendFileSync(file!, line({ storedAt, verdict: { ...verified, version: '6.0.0' } }, '6.0.0'));
      const reader = new VerdictCache(dir);
      assert.equal(await reader.get({ ...key, version: '4.0.0' }), undefined);
      assert.equal(await reader.get({ ...key, version: '5.0.0' }), undefined);
      assert.equal((await reader.get({ ...key, version: '6.0.0' }))?.status, 'verified', 'control: a well-formed line reads');
    });
  });

  it('clear() leaves other things in the folder alone', async () => {
    fs.writeFileSync(path.join(dir, 'unrelated.txt'), 'keep me');
    const cache = new VerdictCache(dir);
    await cache.set(key, verified);
    await cache.clear();
    assert.equal(fs.readFileSync(path.join(dir, 'unrelated.txt'), 'utf8'), 'keep me');
  });
});
