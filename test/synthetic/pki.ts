/**
 * Synthetic Sigstore PKI: seeded ECDSA keys, a Fulcio-like CA (root + intermediate, ECDSA P-384),
 * Fulcio-like leaf certificates carrying the real Fulcio OID extensions and an embedded SCT from an
 * RFC 6962 CT log.
 *
 * The certificates are built by ./x509.ts. @sigstore/mock's CA is not used because it signs leaves
 * directly with a self-signed root valid from "now" (the synthetic signing times are in the past and
 * Fulcio has an intermediate), and its CT log (initializeCTLog) is not used because with the installed
 * pkijs 3.4 its SCTs come out with an empty signature (it hands pkijs an asn1js object where pkijs 3.4
 * expects bytes).
 */
import { createECDH, createHash, createPrivateKey, createPublicKey, sign, type JsonWebKey, type KeyObject } from 'node:crypto';
import { derOctetString, derUtf8String } from './der';
import { OID_CN, OID_O, ext, signCertificate, tbsCertificate, type Extension } from './x509';

export type { Extension } from './x509';

type Curve = 'P-256' | 'P-384';

export interface EcKeyPair {
  curve: Curve;
  privateKey: KeyObject;
  publicKey: KeyObject;
  /** SubjectPublicKeyInfo, DER. */
  spki: Buffer;
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
    return { curve, privateKey, publicKey, spki };
  }
}

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
  /**
   * Extensions added as given after the Fulcio ones (adversarial certificates: a second SAN, a
   * duplicated extension). Default none.
   */
  rawExtensions?: Extension[];
  /** Leave out the subjectAltName built from `san` (when `rawExtensions` supplies its own). */
  omitSan?: boolean;
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
  const rootKey = deriveKeyPair(opts.seed, `${opts.label}/root`, 'P-384');
  const intKey = deriveKeyPair(opts.seed, `${opts.label}/intermediate`, 'P-384');
  const rootName: [string, string][] = [
    [OID_O, opts.organization],
    [OID_CN, 'sigstore'],
  ];
  const intermediateName: [string, string][] = [
    [OID_O, opts.organization],
    [OID_CN, 'sigstore-intermediate'],
  ];
  const serial = (label: string) => {
    const b = createHash('sha256').update(`${opts.seed}\0${opts.label}\0${label}`).digest().subarray(0, 19);
    b[0] = (b[0]! & 0x3f) | 0x40; // positive, 19 bytes, no leading zero
    return b;
  };

  const rootDer = signCertificate(
    tbsCertificate({
      serialNumber: serial('root'),
      issuer: rootName,
      subject: rootName,
      notBefore: opts.notBefore,
      notAfter: opts.notAfter,
      spki: rootKey.spki,
      extensions: [
        ext.keyUsage({ keyCertSign: true, cRLSign: true }),
        ext.basicConstraintsCA(1),
        ext.subjectKeyIdentifier(rootKey.spki),
        ext.authorityKeyIdentifier(rootKey.spki),
      ],
    }),
    rootKey.privateKey,
  );
  const intermediateDer = signCertificate(
    tbsCertificate({
      serialNumber: serial('intermediate'),
      issuer: rootName,
      subject: intermediateName,
      notBefore: opts.notBefore,
      notAfter: opts.notAfter,
      spki: intKey.spki,
      extensions: [
        ext.keyUsage({ keyCertSign: true, cRLSign: true }),
        ext.extKeyUsageCodeSigning(),
        ext.basicConstraintsCA(0),
        ext.subjectKeyIdentifier(intKey.spki),
        ext.authorityKeyIdentifier(rootKey.spki),
      ],
    }),
    rootKey.privateKey,
  );
  // The CT log's issuer key hash: SHA-256 of the issuing (intermediate) certificate's SPKI.
  const issuerKeyHash = createHash('sha256').update(intKey.spki).digest();

  return {
    rootName: 'O=' + opts.organization + ', CN=sigstore',
    intermediateName: 'O=' + opts.organization + ', CN=sigstore-intermediate',
    rootDer,
    intermediateDer,
    notBefore: opts.notBefore,
    notAfter: opts.notAfter,
    async issueLeaf(req: LeafRequest): Promise<Buffer> {
      const extensions: Extension[] = [
        ext.keyUsage({ digitalSignature: true }),
        ext.extKeyUsageCodeSigning(),
        ext.subjectKeyIdentifier(req.publicKey),
        ext.authorityKeyIdentifier(intKey.spki),
        ...(req.omitSan ? [] : [ext.subjectAltNameUri(req.san)]),
        ...req.extensions.map((e) => ({ oid: e.oid, value: e.legacy ? Buffer.from(e.value, 'utf8') : derUtf8String(e.value) })),
        ...(req.rawExtensions ?? []),
      ];
      const params = {
        serialNumber: Buffer.from(req.serialNumber, 'hex'),
        issuer: intermediateName,
        subject: [],
        notBefore: req.notBefore,
        notAfter: new Date(req.notBefore.getTime() + (req.lifetimeMs ?? 10 * 60 * 1000)),
        spki: req.publicKey,
        extensions,
      };
      // As Fulcio does: log the precertificate's TBS with the CT log, then embed the SCT. The SCT signs
      // the TBSCertificate without the SCT extension, which is what verifiers reconstruct.
      const sct = opts.ctLog.sct(tbsCertificate(params), issuerKeyHash, req.notBefore.getTime() + 1);
      // SignedCertificateTimestampList: uint16 list length, then each SCT with its uint16 length.
      const list = Buffer.alloc(4 + sct.length);
      list.writeUInt16BE(2 + sct.length, 0);
      list.writeUInt16BE(sct.length, 2);
      sct.copy(list, 4);
      const sctExtension: Extension = { oid: OID_SCT_LIST, value: derOctetString(list) };
      return signCertificate(tbsCertificate({ ...params, extensions: [...extensions, sctExtension] }), intKey.privateKey);
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
  const b64 = der
    .toString('base64')
    .replace(/(.{64})/g, '$1\n')
    .replace(/\n$/, '');
  return `-----BEGIN CERTIFICATE-----\n${b64}\n-----END CERTIFICATE-----\n`;
}

export function pemPublicKey(spki: Buffer): string {
  const b64 = spki
    .toString('base64')
    .replace(/(.{64})/g, '$1\n')
    .replace(/\n$/, '');
  return `-----BEGIN PUBLIC KEY-----\n${b64}\n-----END PUBLIC KEY-----\n`;
}
