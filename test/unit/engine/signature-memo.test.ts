import { strict as assert } from 'node:assert';
import { generateKeyPairSync, sign } from 'node:crypto';
import { verifyRegistrySignatures } from '../../../src/verify/signatures';
import type { NpmKey } from '../../../src/verify/trust';

/**
 * The engine judges a version's registry signatures twice (before the attestations, then at the signed
 * time); the ECDSA check is kept per key between the two. Kept results never change an answer.
 */
describe('registry signatures: the ECDSA check kept between judgements', () => {
  const { privateKey, publicKey } = generateKeyPairSync('ec', { namedCurve: 'P-256' });
  const other = generateKeyPairSync('ec', { namedCurve: 'P-256' });
  const key: NpmKey = { keyId: 'SHA256:test', usage: 'npm:signatures', publicKey, validUntil: new Date('2030-01-01T00:00:00Z') };
  const integrity = `sha512-${Buffer.alloc(64, 1).toString('base64')}`;
  const sigOf = (message: string, k = privateKey) => sign('sha256', Buffer.from(message), k).toString('base64');
  const input = (sig: string, over: Partial<Parameters<typeof verifyRegistrySignatures>[0]> = {}) => ({
    name: 'a',
    version: '1.0.0',
    integrity,
    signatures: [{ keyid: 'SHA256:test', sig }],
    ...over,
  });

  it('asked again, the same answers: valid, then a tampered signature, message or key still fail', () => {
    const good = sigOf(`a@1.0.0:${integrity}`);
    for (let round = 0; round < 3; round++) {
      assert.equal(verifyRegistrySignatures(input(good), [key]).status, 'valid');
      assert.equal(verifyRegistrySignatures(input(good, { publishTime: new Date('2029-01-01T00:00:00Z') }), [key]).status, 'valid');
      assert.equal(verifyRegistrySignatures(input(good, { publishTime: new Date('2031-01-01T00:00:00Z') }), [key]).status, 'expired-key');
      assert.equal(verifyRegistrySignatures(input(good, { version: '1.0.1' }), [key]).status, 'invalid');
      assert.equal(
        verifyRegistrySignatures(input(good, { integrity: `sha512-${Buffer.alloc(64, 2).toString('base64')}` }), [key]).status,
        'invalid',
      );
      assert.equal(verifyRegistrySignatures(input(sigOf(`a@1.0.0:${integrity}`, other.privateKey)), [key]).status, 'invalid');
      assert.equal(verifyRegistrySignatures(input(good), [{ ...key, publicKey: other.publicKey }]).status, 'invalid');
    }
  });
});
