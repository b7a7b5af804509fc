/**
 * The few DER / TLS / SSH encodings the synthetic generator needs, and a seeded
 * pseudo-random source. Nothing here touches the network.
 */
import { createHash } from 'node:crypto';

/** DER definite length. */
export function derLength(n: number): Buffer {
  if (n < 0x80) return Buffer.from([n]);
  const bytes: number[] = [];
  for (let v = n; v > 0; v = Math.floor(v / 256)) bytes.unshift(v & 0xff);
  return Buffer.from([0x80 | bytes.length, ...bytes]);
}

export function derTLV(tag: number, value: Buffer): Buffer {
  return Buffer.concat([Buffer.from([tag]), derLength(value.length), value]);
}

/** DER UTF8String, the encoding of Fulcio extensions 1.3.6.1.4.1.57264.1.8 and later. */
export function derUtf8String(s: string): Buffer {
  return derTLV(0x0c, Buffer.from(s, 'utf8'));
}

export function derOctetString(b: Buffer): Buffer {
  return derTLV(0x04, b);
}

/** An SSH wire-format string (uint32 length + bytes). */
function sshString(b: Buffer): Buffer {
  const len = Buffer.alloc(4);
  len.writeUInt32BE(b.length);
  return Buffer.concat([len, b]);
}

/**
 * npm's registry key id: the OpenSSH `SHA256:` fingerprint of the key, i.e. the unpadded base64
 * SHA-256 of the SSH public key blob (`ecdsa-sha2-nistp256`, `nistp256`, uncompressed point).
 * Checked against the real key `SHA256:DhQ8wR5APBvFHLF/+Tc+AYvPOdTpcIDqOhxsBHRwC7U`.
 */
export function npmKeyId(spkiDer: Buffer): string {
  // The uncompressed P-256 point (0x04 || X || Y) is the last 65 bytes of the SPKI.
  const point = spkiDer.subarray(spkiDer.length - 65);
  if (point[0] !== 0x04) throw new Error('npmKeyId: not an uncompressed P-256 SPKI');
  const blob = Buffer.concat([sshString(Buffer.from('ecdsa-sha2-nistp256')), sshString(Buffer.from('nistp256')), sshString(point)]);
  return 'SHA256:' + createHash('sha256').update(blob).digest('base64').replace(/=+$/, '');
}

/** Deterministic byte source: SHA-256 in counter mode over the seed and a label. */
export class SeededRandom {
  private counter = 0;
  constructor(private readonly seed: string) {}

  bytes(n: number, label = ''): Buffer {
    const out: Buffer[] = [];
    let have = 0;
    while (have < n) {
      const block = createHash('sha256').update(`${this.seed}\0${label}\0${this.counter++}`).digest();
      out.push(block);
      have += block.length;
    }
    return Buffer.concat(out).subarray(0, n);
  }

  hex(nBytes: number): string {
    return this.bytes(nBytes).toString('hex');
  }

  /** Uniform-enough integer in [min, max] (inclusive); max - min must be < 2^32. */
  int(min: number, max: number): number {
    return min + (this.bytes(6).readUIntBE(0, 6) % (max - min + 1));
  }

  /** A decimal id string, e.g. a GitHub run id. */
  digits(n: number): string {
    let s = String(this.int(1, 9));
    while (s.length < n) s += String(this.int(0, 9));
    return s;
  }
}
