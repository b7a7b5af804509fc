import { strict as assert } from 'node:assert';
import { bundleFromJSON } from '@sigstore/bundle';
import { X509Certificate } from '@sigstore/core';
import { TrustedRoot } from '@sigstore/protobuf-specs';
import { toSignedEntity, toTrustMaterial, Verifier } from '@sigstore/verify';
import { memoizeBundleCertificate, memoizeTrustMaterial, memoizeTrustedCertificate } from '../../../src/verify/trust/memo';
import { generateSyntheticData, type SyntheticData } from '../../synthetic/generate';

/** What @sigstore/verify says about a bundle: 'valid', its error code, or 'malformed'. */
function outcome(verifier: Verifier, bundle: unknown, keepLeafEncodings = false): string {
  let entity;
  try {
    entity = toSignedEntity(bundleFromJSON(bundle));
  } catch {
    return 'malformed';
  }
  if (keepLeafEncodings && entity.key.$case === 'certificate') memoizeBundleCertificate(entity.key.certificate);
  try {
    verifier.verify(entity);
    return 'valid';
  } catch (err) {
    return (err as { code?: string }).code ?? 'error';
  }
}

/** Runs `body` with X509Certificate.prototype.verify counted: the signature checks actually made. */
function countingSignatureChecks(body: (checks: () => number) => void): void {
  let checks = 0;
  const verifyOriginal = X509Certificate.prototype.verify;
  X509Certificate.prototype.verify = function (this: X509Certificate, issuer?: X509Certificate) {
    checks++;
    return verifyOriginal.call(this, issuer);
  };
  try {
    body(() => checks);
  } finally {
    X509Certificate.prototype.verify = verifyOriginal;
  }
}

/** Counts the DER encodings of a certificate's root object from now on. */
function countingEncodings(cert: X509Certificate): () => number {
  let encodes = 0;
  const toDER = cert.root.toDER.bind(cert.root);
  cert.root.toDER = () => (encodes++, toDER());
  return () => encodes;
}

/** The trusted root's first CA chain, parsed afresh: [intermediate, root]. */
function freshChain(data: SyntheticData): X509Certificate[] {
  return TrustedRoot.fromJSON(data.trustedRoot).certificateAuthorities[0]!.certChain!.certificates.map((c) =>
    X509Certificate.parse(Buffer.from(c.rawBytes)),
  );
}

describe('trusted certificates: pure results kept once per process', function () {
  this.timeout(30_000);
  let data: SyntheticData;
  before(async () => {
    data = await generateSyntheticData({ seed: 'trust-memo' });
  });

  it('every provenance bundle gets exactly what @sigstore/verify says without the memo, twice over (rogue CA, tampered signature and proof included)', () => {
    const material = () =>
      toTrustMaterial(TrustedRoot.fromJSON(data.trustedRoot), () => {
        throw new Error('no keys');
      });
    const plain = new Verifier(material());
    const memoized = new Verifier(memoizeTrustMaterial(material()));
    const cases = data.packages.filter((c) => c.attestations && c.sigstore.provenance);
    const outcomes = new Set<string>();
    for (let round = 0; round < 2; round++) {
      for (const c of cases) {
        const bundle = c.attestations!.attestations.find(
          (a) => a.predicateType !== 'https://github.com/npm/attestation/tree/main/specs/publish/v0.1',
        )!.bundle;
        const expected = outcome(plain, bundle);
        assert.equal(outcome(memoized, bundle), expected, `${c.id} (round ${round + 1})`);
        assert.equal(outcome(memoized, bundle, true), expected, `${c.id}, leaf encodings kept (round ${round + 1})`);
        assert.equal(expected, c.sigstore.provenance, c.id);
        outcomes.add(expected);
      }
    }
    for (const o of ['valid', 'CERTIFICATE_ERROR', 'SIGNATURE_ERROR', 'TLOG_INCLUSION_PROOF_ERROR', 'malformed'])
      assert.ok(outcomes.has(o), `covers ${o}`);
  });

  it("a bundle's own certificate: its encodings are kept for its one object, its signature is checked every time, and it is never taken for a trusted issuer", () => {
    const c = data.packages.find((p) => p.attestations && p.sigstore.provenance === 'valid')!;
    const bundle = c.attestations!.attestations.find((a) => !a.predicateType.includes('/publish/'))!.bundle;
    const entity = toSignedEntity(bundleFromJSON(bundle));
    assert.equal(entity.key.$case, 'certificate');
    const leaf = (entity.key as { certificate: X509Certificate }).certificate;
    const encodes = countingEncodings(leaf);
    memoizeBundleCertificate(leaf);
    memoizeBundleCertificate(leaf); // idempotent
    const der = leaf.root.toDER();
    assert.equal(leaf.root.toDER(), der);
    assert.equal(encodes(), 1);
    assert.equal(leaf.tbsCertificate.toDER(), leaf.tbsCertificate.toDER());
    // another parse of the same bytes is a different object: nothing is shared between bundles
    const other = toSignedEntity(bundleFromJSON(bundle));
    assert.notEqual((other.key as { certificate: X509Certificate }).certificate.root.toDER(), der);
    // its signature check is never kept: a trusted certificate asked about it checks every time
    const [intermediate] = freshChain(data);
    countingSignatureChecks((checks) => {
      memoizeTrustedCertificate(intermediate!);
      intermediate!.verify(leaf);
      intermediate!.verify(leaf);
      assert.equal(checks(), 2);
    });
  });

  it('keeps DER and signature checks of trusted certificates; an untrusted issuer is always checked afresh', () => {
    const [intermediate, ca] = freshChain(data);
    countingSignatureChecks((checks) => {
      const encodes = countingEncodings(intermediate!);
      memoizeTrustedCertificate(intermediate!);
      memoizeTrustedCertificate(intermediate!); // idempotent
      const der = intermediate!.root.toDER();
      assert.equal(intermediate!.root.toDER(), der);
      assert.equal(encodes(), 1);
      assert.ok(intermediate!.equals(intermediate!));

      // verify(issuer): kept only for trusted issuers
      const plainRoot = X509Certificate.parse(Buffer.from(ca!.root.toDER()));
      assert.equal(intermediate!.verify(plainRoot), true);
      assert.equal(intermediate!.verify(plainRoot), true);
      assert.equal(checks(), 2, 'an issuer that is not memoized is checked every time');
      memoizeTrustedCertificate(ca!);
      assert.equal(intermediate!.verify(ca!), true);
      assert.equal(intermediate!.verify(ca!), true);
      assert.equal(checks(), 3, 'a trusted issuer: once');
      assert.equal(ca!.verify(intermediate!), false, 'the root is not signed by the intermediate');
    });
  });
});
