/**
 * A minimal X.509 v3 certificate builder (DER by hand, ECDSA signatures by node:crypto): just what a
 * Fulcio-like CA needs. Hand-built because it is an order of magnitude faster than a JS ASN.1 stack
 * and needs no dependency the project does not declare.
 */
import { createHash, sign, type KeyObject } from 'node:crypto';
import { derTLV } from './der';

const seq = (...parts: Buffer[]): Buffer => derTLV(0x30, Buffer.concat(parts));
const set = (...parts: Buffer[]): Buffer => derTLV(0x31, Buffer.concat(parts));
const octetString = (b: Buffer): Buffer => derTLV(0x04, b);
const bitString = (b: Buffer, unusedBits = 0): Buffer => derTLV(0x03, Buffer.concat([Buffer.from([unusedBits]), b]));
const bool = (v: boolean): Buffer => derTLV(0x01, Buffer.from([v ? 0xff : 0x00]));
const printableString = (s: string): Buffer => derTLV(0x13, Buffer.from(s, 'ascii'));
const explicit = (n: number, inner: Buffer): Buffer => derTLV(0xa0 + n, inner);

function integer(unsigned: Buffer): Buffer {
  let i = 0;
  while (i < unsigned.length - 1 && unsigned[i] === 0) i++;
  const v = unsigned.subarray(i);
  return derTLV(0x02, v[0]! & 0x80 ? Buffer.concat([Buffer.from([0]), v]) : v);
}

const smallInteger = (n: number): Buffer => integer(Buffer.from([n]));

export function oid(dotted: string): Buffer {
  const arcs = dotted.split('.').map(Number);
  const bytes: number[] = [40 * arcs[0]! + arcs[1]!];
  for (const arc of arcs.slice(2)) {
    const chunk: number[] = [arc & 0x7f];
    for (let v = Math.floor(arc / 128); v > 0; v = Math.floor(v / 128)) chunk.unshift((v & 0x7f) | 0x80);
    bytes.push(...chunk);
  }
  return derTLV(0x06, Buffer.from(bytes));
}

function time(d: Date): Buffer {
  const iso = d.toISOString(); // YYYY-MM-DDTHH:MM:SS.sssZ
  const digits = iso.slice(0, 19).replace(/[-T:]/g, ''); // YYYYMMDDHHMMSS
  const year = d.getUTCFullYear();
  return year >= 1950 && year < 2050 ? derTLV(0x17, Buffer.from(`${digits.slice(2)}Z`)) : derTLV(0x18, Buffer.from(`${digits}Z`));
}

/** A distinguished name from [attribute OID, value] pairs, one RDN each, in order. */
function name(rdns: [string, string][]): Buffer {
  return seq(...rdns.map(([type, value]) => set(seq(oid(type), printableString(value)))));
}

export const OID_O = '2.5.4.10';
export const OID_CN = '2.5.4.3';
const ECDSA_WITH_SHA384 = seq(oid('1.2.840.10045.4.3.3'));

export interface Extension {
  oid: string;
  critical?: boolean;
  /** The extnValue contents (DER of the extension's own structure). */
  value: Buffer;
}

export function extension(e: Extension): Buffer {
  return seq(oid(e.oid), ...(e.critical ? [bool(true)] : []), octetString(e.value));
}

/** The uncompressed point of an EC SPKI (the subjectPublicKey BIT STRING contents). */
function publicKeyBits(spki: Buffer): Buffer {
  const len = spki.length > 100 ? 97 : 65; // P-384 : P-256
  return spki.subarray(spki.length - len);
}

/** RFC 5280 key identifier, method 1: SHA-1 of the subjectPublicKey bits. */
export function keyIdentifier(spki: Buffer): Buffer {
  return createHash('sha1').update(publicKeyBits(spki)).digest();
}

export const ext = {
  keyUsage(flags: { digitalSignature?: boolean; keyCertSign?: boolean; cRLSign?: boolean }): Extension {
    // Named bits: digitalSignature(0), keyCertSign(5), cRLSign(6); DER drops trailing zero bits.
    const byte = (flags.digitalSignature ? 0x80 : 0) | (flags.keyCertSign ? 0x04 : 0) | (flags.cRLSign ? 0x02 : 0);
    let unused = 0;
    while (unused < 7 && !(byte & (1 << unused))) unused++;
    return { oid: '2.5.29.15', critical: true, value: bitString(Buffer.from([byte]), unused) };
  },
  extKeyUsageCodeSigning(): Extension {
    return { oid: '2.5.29.37', value: seq(oid('1.3.6.1.5.5.7.3.3')) };
  },
  basicConstraintsCA(pathLen: number): Extension {
    return { oid: '2.5.29.19', critical: true, value: seq(bool(true), smallInteger(pathLen)) };
  },
  subjectKeyIdentifier(spki: Buffer): Extension {
    return { oid: '2.5.29.14', value: octetString(keyIdentifier(spki)) };
  },
  authorityKeyIdentifier(issuerSpki: Buffer): Extension {
    return { oid: '2.5.29.35', value: seq(derTLV(0x80, keyIdentifier(issuerSpki))) };
  },
  subjectAltNameUri(uri: string): Extension {
    return { oid: '2.5.29.17', critical: true, value: seq(derTLV(0x86, Buffer.from(uri, 'utf8'))) };
  },
  /** A subjectAltName with several URIs (Fulcio never issues one; for adversarial tests). */
  subjectAltNameUris(uris: string[]): Extension {
    return { oid: '2.5.29.17', critical: true, value: seq(...uris.map((u) => derTLV(0x86, Buffer.from(u, 'utf8')))) };
  },
};

export interface TbsParams {
  serialNumber: Buffer;
  issuer: [string, string][];
  /** Empty for Fulcio leaves. */
  subject: [string, string][];
  notBefore: Date;
  notAfter: Date;
  spki: Buffer;
  extensions: Extension[];
}

export function tbsCertificate(p: TbsParams): Buffer {
  return seq(
    explicit(0, smallInteger(2)), // v3
    integer(p.serialNumber),
    ECDSA_WITH_SHA384,
    name(p.issuer),
    seq(time(p.notBefore), time(p.notAfter)),
    name(p.subject),
    p.spki,
    explicit(3, seq(...p.extensions.map(extension))),
  );
}

/** Sign a TBSCertificate with the issuer's EC key (ECDSA with SHA-384). */
export function signCertificate(tbs: Buffer, issuerKey: KeyObject): Buffer {
  return seq(tbs, ECDSA_WITH_SHA384, bitString(sign('sha384', tbs, issuerKey)));
}
