/**
 * Pure results about trusted certificates, computed once per process.
 *
 * @sigstore/verify checks every bundle's certificate chain against the trusted root's CA certificates
 * by building all paths from scratch: for each bundle it re-encodes the CA certificates to DER
 * (`equals`, `tbsCertificate.toDER`), re-imports their public keys and re-verifies the intermediate's
 * signature by the root — the same bytes, the same answer, every time (over half of the Sigstore CPU
 * per bundle in the 1,000-package benchmark). The trusted certificates are parsed once and never
 * change, so these results are kept on the certificate objects themselves. Nothing about the bundle's
 * own (leaf) certificate is kept: every bundle is still checked in full.
 */
import type { X509Certificate } from '@sigstore/core';

interface DerEncodable {
  toDER(): Buffer;
}

const MEMOIZED = Symbol('provenance-lens.memoized');
/** A bundle's own certificate whose encodings are kept (never treated as trusted). */
const ENCODINGS_KEPT = Symbol('provenance-lens.encodings-kept');

function memoizeToDER(obj: DerEncodable): void {
  const original = obj.toDER.bind(obj);
  let der: Buffer | undefined;
  Object.defineProperty(obj, 'toDER', { value: () => (der ??= original()), configurable: true });
}

/**
 * Keep the pure results of a trusted certificate: its DER encodings, its public key, and whether it
 * verifies under a given (also trusted) issuer object. Idempotent.
 */
export function memoizeTrustedCertificate(cert: X509Certificate): void {
  const c = cert as X509Certificate & { [MEMOIZED]?: true };
  if (c[MEMOIZED]) return;
  Object.defineProperty(c, MEMOIZED, { value: true });
  memoizeToDER(cert.root);
  const tbs = cert.tbsCertificate as unknown as DerEncodable;
  memoizeToDER(tbs);
  Object.defineProperty(cert, 'tbsCertificate', { value: tbs, configurable: true });
  const publicKey = cert.publicKey;
  Object.defineProperty(cert, 'publicKey', { value: publicKey, configurable: true });
  const verify = cert.verify.bind(cert);
  const verdicts = new WeakMap<object, boolean>();
  let self: boolean | undefined;
  Object.defineProperty(cert, 'verify', {
    configurable: true,
    value: (issuer?: X509Certificate): boolean => {
      if (issuer === undefined) return (self ??= verify());
      // Only issuers that are themselves trusted (memoized) objects: their bytes cannot change either.
      if (!(issuer as X509Certificate & { [MEMOIZED]?: true })[MEMOIZED]) return verify(issuer);
      let v = verdicts.get(issuer);
      if (v === undefined) {
        v = verify(issuer);
        verdicts.set(issuer, v);
      }
      return v;
    },
  });
}

/**
 * Keep the DER encodings of one bundle's own (leaf) certificate on that certificate object, for the
 * length of its one verification. @sigstore/verify re-encodes the leaf to DER for every comparison
 * with a trusted certificate (`dedupeCertificates`, `buildPaths`), for every candidate issuer's
 * signature check (`tbsCertificate.toDER`) and again to clone it for the SCT check: the same object,
 * never modified (the SCT check edits a fresh parse of those bytes, not this object), so the same
 * bytes every time. Only encodings are kept: every signature, chain, SCT and validity check still
 * runs, on this object's own bytes.
 */
export function memoizeBundleCertificate(cert: X509Certificate): void {
  const c = cert as X509Certificate & { [MEMOIZED]?: true; [ENCODINGS_KEPT]?: true };
  if (c[MEMOIZED] || c[ENCODINGS_KEPT]) return;
  Object.defineProperty(c, ENCODINGS_KEPT, { value: true });
  memoizeToDER(cert.root);
  memoizeToDER(cert.tbsCertificate as unknown as DerEncodable);
}

/** Memoize every CA certificate of a trust material (the `toTrustMaterial` result). Returns it. */
export function memoizeTrustMaterial<T extends { certificateAuthorities: { certChain: X509Certificate[] }[] }>(material: T): T {
  for (const ca of material.certificateAuthorities) for (const cert of ca.certChain) memoizeTrustedCertificate(cert);
  return material;
}
