/**
 * Synthetic Sigstore PKI: seeded ECDSA keys, a Fulcio-like CA (root + intermediate, ECDSA P-384),
 * Fulcio-like leaf certificates carrying the real Fulcio OID extensions and an embedded SCT from
 * an RFC 6962 CT log.
 *
 * @sigstore/mock 0.11's CT log (initializeCTLog) is not used: with the installed pkijs 3.4 its SCTs
 * come out with an empty signature (it hands pkijs an asn1js object where pkijs 3.4 expects bytes).
 *
 * @peculiar/x509 is the X.509 library @sigstore/mock itself is built on (a dependency of it, not of
 * the project); it is used here directly because the mock CA always signs leaves with a self-signed
 * root created "now", while the synthetic data needs a root + intermediate valid in the past.
 */
import { createECDH, createHash, createPrivateKey, createPublicKey, sign, webcrypto, type JsonWebKey, type KeyObject } from 'node:crypto';
import * as x509 from '@peculiar/x509';
import { derFirstElement, derOctetString, derUtf8String } from './der';

// @peculiar/x509 is typed against the DOM's Crypto; Node's webcrypto is the same API.
export const nodeCrypto: webcrypto.Crypto = webcrypto;

type Curve = 'P-256' | 'P-384';

export interface EcKeyPair {
  curve: Curve;
  privateKey: KeyObject;
  publicKey: KeyObject;
  /** SubjectPublicKeyInfo, DER. */
  spki: Buffer;
  jwk: JsonWebKey;
}

const b64url = (b: Buffer): string => b.toString('base64url');

/** An EC key pair derived from (seed, label): the same inputs always give the same key. */
export function deriveKeyPair(seed: string, label: string, curve: Curve = 'P-256'): EcKeyPair {
  const size = curve === 'P-256' ? 32 : 48;
  const nodeCurve = curve === 'P-256' ? 'prime256v1' : 'secp384r1';
  const hash = curve === 'P-256' ? 'sha256' : 'sha384';
  for (let attempt = 0; ; attempt++) {
    const d = createHash(hash).update(`synthetic-key\0${seed}\0${label}\0${attempt}`).digest();
    const ecdh = createECDH(nodeCurve);
    try {
      ecdh.setPrivateKey(d);
    } catch {
      continue; // d outside [1, n-1]: astronomically rare, try the next candidate
    }
    const point = ecdh.getPublicKey(); // 0x04 || X || Y
    const jwk: JsonWebKey = {
      kty: 'EC',
      crv: curve,
      d: b64url(d),
      x: b64url(point.subarray(1, 1 + size)),
      y: b64url(point.subarray(1 + size)),
    };
    const privateKey = createPrivateKey({ key: jwk, format: 'jwk' });
    const publicKey = createPublicKey(privateKey);
    const spki = publicKey.export({ format: 'der', type: 'spki' });
    return { curve, privateKey, publicKey, spki, jwk };
  }
}

async function toCryptoKeys(kp: EcKeyPair): Promise<webcrypto.CryptoKeyPair> {
  const alg = { name: 'ECDSA', namedCurve: kp.curve };
  const privateKey = await nodeCrypto.subtle.importKey('jwk', kp.jwk as webcrypto.JsonWebKey, alg, true, ['sign']);
  const { d: _d, ...pub } = kp.jwk;
  const publicKey = await nodeCrypto.subtle.importKey('jwk', pub as webcrypto.JsonWebKey, alg, true, ['verify']);
  return { privateKey, publicKey };
}

const SHA384_ECDSA = { name: 'ECDSA', hash: 'SHA-384' };
const OID_SCT_LIST = '1.3.6.1.4.1.11129.2.4.2';

/** A Fulcio certificate extension: `legacy` ones (1.1 - 1.6) are raw strings, the rest DER UTF8String. */
export interface FulcioExtension {
  oid: string;
  value: string;
  legacy?: boolean;
}

export interface LeafRequest {
  /** The signer's public key (SPKI DER). */
  publicKey: Buffer;
  /** Subject alternative name (a URI: the workflow / CI config ref). */
  san: string;
  extensions: FulcioExtension[];
  notBefore: Date;
  /** Fulcio certificates live 10 minutes. */
  lifetimeMs?: number;
  /** Hex serial number. */
  serialNumber: string;
}

export interface CertificateAuthority {
  /** Names as they appear in the certificates. */
  rootName: string;
  intermediateName: string;
  rootDer: Buffer;
  intermediateDer: Buffer;
  notBefore: Date;
  notAfter: Date;
  issueLeaf(req: LeafRequest): Promise<Buffer>;
}

export interface CAOptions {
  seed: string;
  label: string;
  organization: string;
  notBefore: Date;
  notAfter: Date;
  ctLog: SyntheticCTLog;
}

/** A Fulcio-like CA: self-signed root (CA, pathlen 1) → intermediate (CA, pathlen 0, EKU codeSigning) → leaves. */
export async function createCertificateAuthority(opts: CAOptions): Promise<CertificateAuthority> {
  const rootKeys = await toCryptoKeys(deriveKeyPair(opts.seed, `${opts.label}/root`, 'P-384'));
  const intKeyPair = deriveKeyPair(opts.seed, `${opts.label}/intermediate`, 'P-384');
  const intKeys = await toCryptoKeys(intKeyPair);
  const rootName = `O=${opts.organization}, CN=sigstore`;
  const intermediateName = `O=${opts.organization}, CN=sigstore-intermediate`;
  const serial = (label: string) => '1' + createHash('sha256').update(`${opts.seed}\0${opts.label}\0${label}`).digest('hex').slice(0, 37);

  const root = await x509.X509CertificateGenerator.createSelfSigned(
    {
      serialNumber: serial('root'),
      name: rootName,
      notBefore: opts.notBefore,
      notAfter: opts.notAfter,
      signingAlgorithm: SHA384_ECDSA,
      keys: rootKeys,
      extensions: [
        new x509.KeyUsagesExtension(x509.KeyUsageFlags.keyCertSign | x509.KeyUsageFlags.cRLSign, true),
        new x509.BasicConstraintsExtension(true, 1, true),
        await x509.SubjectKeyIdentifierExtension.create(rootKeys.publicKey, false, nodeCrypto),
        await x509.AuthorityKeyIdentifierExtension.create(rootKeys.publicKey, false, nodeCrypto),
      ],
    },
    nodeCrypto,
  );
  const intermediate = await x509.X509CertificateGenerator.create(
    {
      serialNumber: serial('intermediate'),
      subject: intermediateName,
      issuer: root.subject,
      notBefore: opts.notBefore,
      notAfter: opts.notAfter,
      signingAlgorithm: SHA384_ECDSA,
      publicKey: intKeys.publicKey,
      signingKey: rootKeys.privateKey,
      extensions: [
        new x509.KeyUsagesExtension(x509.KeyUsageFlags.keyCertSign | x509.KeyUsageFlags.cRLSign, true),
        new x509.ExtendedKeyUsageExtension([x509.ExtendedKeyUsage.codeSigning], false),
        new x509.BasicConstraintsExtension(true, 0, true),
        await x509.SubjectKeyIdentifierExtension.create(intKeys.publicKey, false, nodeCrypto),
        await x509.AuthorityKeyIdentifierExtension.create(rootKeys.publicKey, false, nodeCrypto),
      ],
    },
    nodeCrypto,
  );
  // The CT log's issuer id: SHA-256 of the issuing (intermediate) certificate's SPKI.
  const issuerId = createHash('sha256').update(intKeyPair.spki).digest();

  return {
    rootName,
    intermediateName,
    rootDer: Buffer.from(root.rawData),
    intermediateDer: Buffer.from(intermediate.rawData),
    notBefore: opts.notBefore,
    notAfter: opts.notAfter,
    async issueLeaf(req: LeafRequest): Promise<Buffer> {
      const notAfter = new Date(req.notBefore.getTime() + (req.lifetimeMs ?? 10 * 60 * 1000));
      const extensions: x509.Extension[] = [
        new x509.KeyUsagesExtension(x509.KeyUsageFlags.digitalSignature, true),
        new x509.ExtendedKeyUsageExtension([x509.ExtendedKeyUsage.codeSigning], false),
        await x509.SubjectKeyIdentifierExtension.create(req.publicKey, false, nodeCrypto),
        await x509.AuthorityKeyIdentifierExtension.create(intKeys.publicKey, false, nodeCrypto),
        new x509.SubjectAlternativeNameExtension([{ type: 'url', value: req.san }], true),
        ...req.extensions.map(
          (e) => new x509.Extension(e.oid, false, e.legacy ? Buffer.from(e.value, 'utf8') : derUtf8String(e.value)),
        ),
      ];
      const params = {
        serialNumber: req.serialNumber,
        issuer: intermediate.subject,
        notBefore: req.notBefore,
        notAfter,
        signingAlgorithm: SHA384_ECDSA,
        publicKey: req.publicKey,
        signingKey: intKeys.privateKey,
        extensions,
      };
      // As Fulcio does: submit the (pre)certificate to the CT log, then embed the SCT. The SCT signs
      // the TBSCertificate without the SCT extension, which is what verifiers reconstruct.
      const preCert = await x509.X509CertificateGenerator.create(params, nodeCrypto);
      const tbs = derFirstElement(Buffer.from(preCert.rawData));
      const sct = opts.ctLog.sct(tbs, issuerId, req.notBefore.getTime() + 1);
      // SignedCertificateTimestampList: uint16 list length, then each SCT with its uint16 length.
      const list = Buffer.alloc(4 + sct.length);
      list.writeUInt16BE(2 + sct.length, 0);
      list.writeUInt16BE(sct.length, 2);
      sct.copy(list, 4);
      const withSct = { ...params, extensions: [...extensions, new x509.Extension(OID_SCT_LIST, false, derOctetString(list))] };
      const cert = await x509.X509CertificateGenerator.create(withSct, nodeCrypto);
      return Buffer.from(cert.rawData);
    },
  };
}

export interface SyntheticCTLog {
  spki: Buffer;
  /** SHA-256 of the log's SPKI. */
  logId: Buffer;
  /** An RFC 6962 v1 SCT (serialized, without its length prefix) for a precertificate TBS. */
  sct(tbs: Buffer, issuerKeyHash: Buffer, timestampMs: number): Buffer;
}

/** An RFC 6962 certificate transparency log that only issues SCTs, with a seeded ECDSA P-256 key. */
export function createCTLog(seed: string): SyntheticCTLog {
  const kp = deriveKeyPair(seed, 'ctlog', 'P-256');
  const logId = createHash('sha256').update(kp.spki).digest();
  return {
    spki: kp.spki,
    logId,
    sct(tbs: Buffer, issuerKeyHash: Buffer, timestampMs: number): Buffer {
      const timestamp = Buffer.alloc(8);
      timestamp.writeBigUInt64BE(BigInt(timestampMs));
      const tbsLength = Buffer.alloc(3);
      tbsLength.writeUIntBE(tbs.length, 0, 3);
      // digitally-signed struct: version v1, certificate_timestamp, timestamp, precert_entry,
      // issuer_key_hash, TBSCertificate<1..2^24-1>, extensions<0..2^16-1>
      const signed = Buffer.concat([
        Buffer.from([0x00, 0x00]),
        timestamp,
        Buffer.from([0x00, 0x01]),
        issuerKeyHash,
        tbsLength,
        tbs,
        Buffer.from([0x00, 0x00]),
      ]);
      const signature = sign('sha256', signed, kp.privateKey);
      const sigLength = Buffer.alloc(2);
      sigLength.writeUInt16BE(signature.length);
      return Buffer.concat([
        Buffer.from([0x00]), // v1
        logId,
        timestamp,
        Buffer.from([0x00, 0x00]), // no extensions
        Buffer.from([0x04, 0x03]), // sha256, ecdsa
        sigLength,
        signature,
      ]);
    },
  };
}

export function pemCertificate(der: Buffer): string {
  const b64 = der.toString('base64').replace(/(.{64})/g, '$1\n').replace(/\n$/, '');
  return `-----BEGIN CERTIFICATE-----\n${b64}\n-----END CERTIFICATE-----\n`;
}

export function pemPublicKey(spki: Buffer): string {
  const b64 = spki.toString('base64').replace(/(.{64})/g, '$1\n').replace(/\n$/, '');
  return `-----BEGIN PUBLIC KEY-----\n${b64}\n-----END PUBLIC KEY-----\n`;
}
