/**
 * verifyRegistrySignatures with the registry's real dist.signatures (test/fixtures/realworld) and the npm
 * keys shipped in @sigstore/tuf's seed, plus tampered copies and edge cases.
 */
import { strict as assert } from 'node:assert';
import { generateKeyPairSync, sign } from 'node:crypto';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { verifyRegistrySignatures } from '../../../src/verify/signatures';
import { loadTrustMaterial, parseNpmKeys, type NpmKey } from '../../../src/verify/trust';
import { REALWORLD_DIR } from '../../fixture-registry/realworld';

const REALWORLD = REALWORLD_DIR;
const OLD_KEY = 'SHA256:jl3bwswu80PjjokCgh0o2w5c2U4LhQAE57gj9cz1kzA';
const NEW_KEY = 'SHA256:DhQ8wR5APBvFHLF/+Tc+AYvPOdTpcIDqOhxsBHRwC7U';

interface SignedVersion {
  name: string;
  version: string;
  integrity: string;
  signatures: { keyid: string; sig: string }[];
}

function realSignatures(): SignedVersion[] | undefined {
  const file = path.join(REALWORLD, 'cases.json');
  if (!fs.existsSync(file)) return undefined;
  return (JSON.parse(fs.readFileSync(file, 'utf8')) as { registrySignatures: SignedVersion[] }).registrySignatures;
}

function flip(b64: string, at: number): string {
  const buf = Buffer.from(b64, 'base64');
  buf[at] ^= 0x01;
  return buf.toString('base64');
}

describe('registry signatures (dist.signatures)', () => {
  let seedKeys: NpmKey[];

  before(async () => {
    seedKeys = (await loadTrustMaterial({ refresh: false })).npmKeys;
  });

  describe('real signatures with the seed keys', function () {
    const real = realSignatures();
    const all = (): SignedVersion[] => real ?? [];
    const first = (): SignedVersion => all()[0];

    it('has the seven recorded versions', () => {
      assert.equal(all().length, 7);
    });

    it('every recorded signature is valid, with and without a publish time before the key expired', () => {
      for (const v of all()) {
        for (const publishTime of [undefined, new Date('2024-06-01T00:00:00Z')]) {
          const r = verifyRegistrySignatures({ ...v, publishTime }, seedKeys);
          assert.equal(r.status, 'valid', `${v.name}@${v.version}: ${r.message}`);
          assert.equal(r.keyId, OLD_KEY);
        }
      }
    });

    it('a changed integrity, version or name is invalid', () => {
      for (const v of all()) {
        const other = all().find((o) => o.integrity !== v.integrity)!;
        assert.equal(verifyRegistrySignatures({ ...v, integrity: other.integrity }, seedKeys).status, 'invalid');
        assert.equal(verifyRegistrySignatures({ ...v, version: `${v.version}-1` }, seedKeys).status, 'invalid');
        assert.equal(verifyRegistrySignatures({ ...v, name: `${v.name}x` }, seedKeys).status, 'invalid');
      }
    });

    it('a flipped signature byte is invalid', () => {
      for (const v of all()) {
        for (const at of [8, 30]) {
          const r = verifyRegistrySignatures({ ...v, signatures: [{ ...v.signatures[0], sig: flip(v.signatures[0].sig, at) }] }, seedKeys);
          assert.equal(r.status, 'invalid', r.message);
          assert.equal(r.keyId, OLD_KEY);
        }
      }
    });

    it('a signature by a key the registry does not publish is unknown-key', () => {
      const v = first();
      const r = verifyRegistrySignatures({ ...v, signatures: [{ ...v.signatures[0], keyid: 'SHA256:not-a-registry-key' }] }, seedKeys);
      assert.equal(r.status, 'unknown-key');
      assert.equal(r.keyId, 'SHA256:not-a-registry-key');
      assert.match(r.message, /does not publish/);
    });

    it('the old key used after it expired (2025-01-29) is expired-key', () => {
      for (const v of all()) {
        const r = verifyRegistrySignatures({ ...v, publishTime: new Date('2025-02-01T00:00:00Z') }, seedKeys);
        assert.equal(r.status, 'expired-key', r.message);
        assert.match(r.message, /expired on 2025-01-29/);
      }
      // The boundary: still valid just before expiry, expired at it.
      const v = first();
      assert.equal(verifyRegistrySignatures({ ...v, publishTime: new Date('2025-01-28T23:59:59Z') }, seedKeys).status, 'valid');
      assert.equal(verifyRegistrySignatures({ ...v, publishTime: new Date('2025-01-29T00:00:00Z') }, seedKeys).status, 'expired-key');
    });

    it('an unknown publish time with an expired key is accepted as npm does, and says so', () => {
      const r = verifyRegistrySignatures(first(), seedKeys);
      assert.equal(r.status, 'valid');
      assert.match(r.message, /expired on 2025-01-29/);
      assert.match(r.message, /publish time is unknown/);
    });

    it('every signature must verify: one good and one bad entry is invalid', () => {
      const v = first();
      const bad = { ...v.signatures[0], sig: flip(v.signatures[0].sig, 12) };
      assert.equal(verifyRegistrySignatures({ ...v, signatures: [v.signatures[0], bad] }, seedKeys).status, 'invalid');
      assert.equal(
        verifyRegistrySignatures({ ...v, signatures: [v.signatures[0], { keyid: 'SHA256:other', sig: v.signatures[0].sig }] }, seedKeys)
          .status,
        'unknown-key',
      );
    });

    it('verifies with keys in the registry endpoint format (/-/npm/v1/keys) built from the same key', () => {
      const old = seedKeys.find((k) => k.keyId === OLD_KEY && k.usage === 'npm:signatures')!;
      const endpoint = {
        keys: [
          {
            expires: old.validUntil!.toISOString(),
            keyid: OLD_KEY,
            keytype: 'ecdsa-sha2-nistp256',
            scheme: 'ecdsa-sha2-nistp256',
            key: old.publicKey.export({ format: 'der', type: 'spki' }).toString('base64'),
          },
        ],
      };
      const keys = parseNpmKeys(endpoint);
      assert.equal(keys.length, 1);
      assert.equal(keys[0].usage, undefined);
      for (const v of all()) assert.equal(verifyRegistrySignatures(v, keys).status, 'valid');
      assert.equal(verifyRegistrySignatures({ ...first(), publishTime: new Date('2025-03-01T00:00:00Z') }, keys).status, 'expired-key');
    });

    it('a key for attestations only does not verify registry signatures', () => {
      const attestationsOnly = seedKeys.filter((k) => k.usage === 'npm:attestations');
      assert.equal(verifyRegistrySignatures(first(), attestationsOnly).status, 'unsupported');
      const newSigningKeyOnly = seedKeys.filter((k) => k.keyId === NEW_KEY);
      assert.equal(verifyRegistrySignatures(first(), newSigningKeyOnly).status, 'unknown-key');
    });
  });

  describe('nuxt: the whole real packument', function () {
    const file = path.join(REALWORLD, 'packuments', 'nuxt.json');

    it('every version’s dist.signatures verifies with the seed keys at its publish time, across the key rotation', function () {
      this.timeout(20000);
      const packument = JSON.parse(fs.readFileSync(file, 'utf8')) as {
        versions: Record<string, { dist: { integrity: string; signatures?: unknown } }>;
        time: Record<string, string>;
      };
      const byKey = new Map<string, number>();
      let checked = 0;
      for (const [version, doc] of Object.entries(packument.versions)) {
        const publishTime = new Date(packument.time[version]);
        assert.ok(!Number.isNaN(publishTime.getTime()), `time of ${version}`);
        const r = verifyRegistrySignatures(
          { name: 'nuxt', version, integrity: doc.dist.integrity, signatures: doc.dist.signatures, publishTime },
          seedKeys,
        );
        assert.equal(r.status, 'valid', `nuxt@${version}: ${r.message}`);
        byKey.set(r.keyId!, (byKey.get(r.keyId!) ?? 0) + 1);
        checked++;
        // And the same signature is not valid for a neighbouring version string.
        assert.equal(
          verifyRegistrySignatures(
            { name: 'nuxt', version: `${version}.0`, integrity: doc.dist.integrity, signatures: doc.dist.signatures, publishTime },
            seedKeys,
          ).status,
          'invalid',
        );
      }
      assert.equal(checked, 377);
      assert.ok((byKey.get(OLD_KEY) ?? 0) > 0, 'some versions signed by the expired key');
      assert.ok((byKey.get(NEW_KEY) ?? 0) > 0, 'some versions signed by its successor');
    });
  });

  describe('without real data', () => {
    const keys = generateKeyPairSync('ec', { namedCurve: 'P-256' });
    const key: NpmKey = {
      keyId: 'SHA256:test',
      usage: 'npm:signatures',
      publicKey: keys.publicKey,
      validFrom: new Date('2020-01-01T00:00:00Z'),
    };
    const input = { name: '@scope/pkg', version: '1.0.0', integrity: 'sha512-AAAA' };
    const sig = sign('sha256', Buffer.from(`${input.name}@${input.version}:${input.integrity}`), keys.privateKey).toString('base64');

    it('signs and verifies the exact message format', () => {
      assert.equal(verifyRegistrySignatures({ ...input, signatures: [{ keyid: 'SHA256:test', sig }] }, [key]).status, 'valid');
      assert.equal(
        verifyRegistrySignatures({ ...input, integrity: 'sha512-AAAB', signatures: [{ keyid: 'SHA256:test', sig }] }, [key]).status,
        'invalid',
      );
    });

    it('a key not yet in service at publish time is expired-key', () => {
      const r = verifyRegistrySignatures(
        { ...input, signatures: [{ keyid: 'SHA256:test', sig }], publishTime: new Date('2019-06-01T00:00:00Z') },
        [key],
      );
      assert.equal(r.status, 'expired-key');
      assert.match(r.message, /not in service before 2020-01-01/);
    });

    it('no keys: unsupported, whatever the version carries', () => {
      assert.equal(verifyRegistrySignatures({ ...input, signatures: [{ keyid: 'SHA256:test', sig }] }, null).status, 'unsupported');
      assert.equal(verifyRegistrySignatures(input, []).status, 'unsupported');
    });

    it('keys but no signatures: missing', () => {
      assert.equal(verifyRegistrySignatures(input, [key]).status, 'missing');
      assert.equal(verifyRegistrySignatures({ ...input, signatures: [] }, [key]).status, 'missing');
      assert.equal(verifyRegistrySignatures({ ...input, signatures: null }, [key]).status, 'missing');
    });

    it('malformed dist.signatures are invalid, never a crash', () => {
      for (const signatures of [
        'x',
        42,
        {},
        [null],
        [{}],
        [{ keyid: 'SHA256:test' }],
        [{ keyid: 'SHA256:test', sig: 'not base64!' }],
        [{ keyid: 'SHA256:test', sig: '' }],
        [{ keyid: 7, sig }],
      ]) {
        const r = verifyRegistrySignatures({ ...input, signatures }, [key]);
        assert.equal(r.status, 'invalid', JSON.stringify(signatures));
        assert.match(r.message, /malformed/);
      }
      // Well-formed base64 that is not a DER signature simply does not verify.
      assert.equal(verifyRegistrySignatures({ ...input, signatures: [{ keyid: 'SHA256:test', sig: 'AAAA' }] }, [key]).status, 'invalid');
    });

    it('quotes untrusted strings safely in messages', () => {
      const r = verifyRegistrySignatures({ ...input, signatures: [{ keyid: 'evil\u001b[31m\nkey', sig }] }, [key]);
      assert.equal(r.status, 'unknown-key');
      // eslint-disable-next-line no-control-regex -- control characters are what must not reach the message
      assert.ok(!/[\u0000-\u001f]/.test(r.message), r.message);
    });
  });
});
