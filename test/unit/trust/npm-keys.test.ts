/** parseNpmKeys: both published formats, and every way an entry can be malformed. */
import { strict as assert } from 'node:assert';
import { generateKeyPairSync } from 'node:crypto';
import seeds from '@sigstore/tuf/seeds.json';
import { MalformedNpmKeysError } from '../../../src/verify/errors';
import { keysFor, keyValidAt, npmKeysFromRegistryResponse, parseNpmKeys } from '../../../src/verify/trust';

const SEED_KEYS = Buffer.from(
  (seeds as unknown as Record<string, { targets: Record<string, string> }>)['https://tuf-repo-cdn.sigstore.dev'].targets[
    'registry.npmjs.org%2Fkeys.json'
  ],
  'base64',
).toString('utf8');

const p256 = (): string =>
  generateKeyPairSync('ec', { namedCurve: 'P-256' }).publicKey.export({ format: 'der', type: 'spki' }).toString('base64');

function registryEntry(over: Record<string, unknown> = {}): Record<string, unknown> {
  return { expires: null, keyid: 'SHA256:abc', keytype: 'ecdsa-sha2-nistp256', scheme: 'ecdsa-sha2-nistp256', key: p256(), ...over };
}

function tufEntry(over: Record<string, unknown> = {}, pk: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    keyId: 'SHA256:abc',
    keyUsage: 'npm:signatures',
    publicKey: { rawBytes: p256(), keyDetails: 'PKIX_ECDSA_P256_SHA_256', validFor: { start: '2020-01-01T00:00:00.000Z' }, ...pk },
    ...over,
  };
}

function rejects(doc: unknown, pattern: RegExp): void {
  assert.throws(
    () => parseNpmKeys(doc),
    (err: unknown) => {
      assert.ok(err instanceof MalformedNpmKeysError, String(err));
      assert.match((err as Error).message, pattern);
      return true;
    },
  );
}

describe('npm registry keys', () => {
  it('parses the TUF keys.json target (text or object)', () => {
    const keys = parseNpmKeys(SEED_KEYS);
    assert.equal(keys.length, 4);
    assert.deepEqual(
      parseNpmKeys(JSON.parse(SEED_KEYS)).map((k) => k.keyId),
      keys.map((k) => k.keyId),
    );
    const attest = keysFor(keys, 'SHA256:jl3bwswu80PjjokCgh0o2w5c2U4LhQAE57gj9cz1kzA', 'npm:attestations');
    assert.equal(attest.length, 1);
    assert.equal(attest[0].validFrom?.toISOString(), '2022-12-01T00:00:00.000Z');
    assert.equal(attest[0].validUntil?.toISOString(), '2025-01-29T00:00:00.000Z');
    assert.equal(attest[0].publicKey.asymmetricKeyType, 'ec');
    assert.ok(keyValidAt(attest[0], new Date('2024-01-01')));
    assert.ok(!keyValidAt(attest[0], new Date('2022-11-30')));
    assert.ok(!keyValidAt(attest[0], new Date('2025-01-29T00:00:00Z')));
  });

  it('parses the registry /-/npm/v1/keys response; a key without usage serves both purposes', () => {
    const keys = npmKeysFromRegistryResponse({
      keys: [registryEntry({ expires: '2025-01-29T00:00:00.000Z' }), registryEntry({ keyid: 'SHA256:def' })],
    });
    assert.equal(keys.length, 2);
    assert.equal(keys[0].usage, undefined);
    assert.equal(keys[0].validUntil?.toISOString(), '2025-01-29T00:00:00.000Z');
    assert.equal(keys[1].validUntil, undefined);
    assert.equal(keysFor(keys, 'SHA256:abc', 'npm:signatures').length, 1);
    assert.equal(keysFor(keys, 'SHA256:abc', 'npm:attestations').length, 1);
  });

  it('leaves out keys for other purposes', () => {
    const keys = parseNpmKeys({ keys: [tufEntry({ keyUsage: 'npm:something-else' }), tufEntry()] });
    assert.equal(keys.length, 1);
    assert.equal(keys[0].usage, 'npm:signatures');
  });

  it('rejects malformed documents and entries with a message naming the entry', () => {
    rejects(null, /"keys" array/);
    rejects('not json', /not JSON/);
    rejects([], /"keys" array/);
    rejects({ keys: {} }, /"keys" array/);
    rejects({ keys: [42] }, /entry 1 is not an object/);
    rejects({ keys: [{}] }, /entry 1 has neither/);
    rejects({ keys: [registryEntry(), registryEntry({ keyid: '' })] }, /entry 2 has no valid key id/);
    rejects({ keys: [registryEntry({ key: 'not base64!' })] }, /not base64/);
    rejects({ keys: [registryEntry({ key: Buffer.from('garbage').toString('base64') })] }, /cannot be parsed/);
    const rsa = generateKeyPairSync('rsa', { modulusLength: 2048 }).publicKey.export({ format: 'der', type: 'spki' }).toString('base64');
    rejects({ keys: [registryEntry({ key: rsa, keytype: 'ecdsa-sha2-nistp256' })] }, /rsa key; only ECDSA P-256/);
    const p384 = generateKeyPairSync('ec', { namedCurve: 'P-384' }).publicKey.export({ format: 'der', type: 'spki' }).toString('base64');
    rejects({ keys: [registryEntry({ key: p384 })] }, /only ECDSA P-256/);
    rejects({ keys: [registryEntry({ keytype: 'ed25519' })] }, /unsupported keytype/);
    rejects({ keys: [registryEntry({ scheme: 'rsassa' })] }, /unsupported scheme/);
    rejects({ keys: [registryEntry({ expires: 'tomorrow' })] }, /invalid expires date/);
    rejects({ keys: [registryEntry({ expires: 5 })] }, /invalid expires date/);
    rejects({ keys: [tufEntry({ publicKey: 'x' })] }, /no publicKey object/);
    rejects({ keys: [tufEntry({ keyUsage: 7 })] }, /invalid keyUsage/);
    rejects({ keys: [tufEntry({}, { keyDetails: 'PKIX_RSA_PKCS1V15_2048_SHA256' })] }, /unsupported keyDetails/);
    rejects({ keys: [tufEntry({}, { validFor: { start: 'soon' } })] }, /validFor\.start/);
    rejects({ keys: [tufEntry({}, { validFor: 'always' })] }, /invalid validFor/);
  });
});
