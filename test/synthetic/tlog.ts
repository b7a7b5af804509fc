/**
 * A Rekor-like transparency log, in memory: RFC 6962 Merkle tree, signed checkpoints (signed notes),
 * signed entry timestamps and inclusion proofs, entries in the shape of a Sigstore bundle's
 * `verificationMaterial.tlogEntries[]`.
 *
 * @sigstore/mock's TLog only produces single-leaf trees with random indexes; this log keeps every
 * entry in one growing tree (after a seeded prefix of other people's entries), so inclusion proofs have
 * real inner and border hashes, and, as on the real Rekor, the global `logIndex` (shard offset + tree
 * index) differs from the inclusion proof's tree-local `logIndex`.
 */
import { createHash, sign, type KeyObject } from 'node:crypto';
import { json } from '@sigstore/core';
import type { SeededRandom } from './der';
import type { TlogEntryJSON } from './types';

const sha256 = (...parts: Buffer[]): Buffer => {
  const h = createHash('sha256');
  for (const p of parts) h.update(p);
  return h.digest();
};
const LEAF = Buffer.from([0x00]);
const NODE = Buffer.from([0x01]);

export class TransparencyLog {
  readonly logId: Buffer;
  private readonly leaves: Buffer[] = [];
  private readonly memo = new Map<string, Buffer>();

  constructor(
    /** Host name: checkpoint origin and signature name (the trusted root's baseUrl must contain it). */
    readonly host: string,
    private readonly privateKey: KeyObject,
    readonly spki: Buffer,
    private readonly rand: SeededRandom,
    /** Tree id in the checkpoint origin. */
    private readonly treeId: string,
    /** Global index of this shard's first leaf. */
    private readonly indexOffset: number,
    prefixLeaves: number,
  ) {
    this.logId = sha256(spki);
    for (let i = 0; i < prefixLeaves; i++) this.leaves.push(this.rand.bytes(32, 'tlog-filler'));
  }

  get baseUrl(): string {
    return `https://${this.host}`;
  }

  /** Append a canonicalized Rekor entry body integrated at `integratedTime` (Unix seconds). */
  append(kind: string, version: string, body: object, integratedTime: number): TlogEntryJSON {
    const canonical = Buffer.from(json.canonicalize(body), 'utf8');
    const treeIndex = this.leaves.length;
    this.leaves.push(sha256(LEAF, canonical));
    // Other entries arrive before the proof is taken, so the entry is rarely the last leaf.
    const others = this.rand.int(1, 9);
    for (let i = 0; i < others; i++) this.leaves.push(this.rand.bytes(32, 'tlog-filler'));
    const treeSize = this.leaves.length;
    const rootHash = this.hash(0, treeSize);
    const hashes = this.path(treeIndex, 0, treeSize);
    const logIndex = this.indexOffset + treeIndex;

    const setPayload = {
      body: canonical.toString('base64'),
      integratedTime,
      logIndex,
      logID: this.logId.toString('hex'),
    };
    const set = sign('sha256', Buffer.from(json.canonicalize(setPayload), 'utf8'), this.privateKey);

    const note = `${this.host} - ${this.treeId}\n${treeSize}\n${rootHash.toString('base64')}\n`;
    const noteSig = sign('sha256', Buffer.from(note, 'utf8'), this.privateKey);
    const envelope = `${note}\n\u2014 ${this.host} ${Buffer.concat([this.logId.subarray(0, 4), noteSig]).toString('base64')}\n`;

    return {
      logIndex: String(logIndex),
      logId: { keyId: this.logId.toString('base64') },
      kindVersion: { kind, version },
      integratedTime: String(integratedTime),
      inclusionPromise: { signedEntryTimestamp: set.toString('base64') },
      inclusionProof: {
        logIndex: String(treeIndex),
        rootHash: rootHash.toString('base64'),
        treeSize: String(treeSize),
        hashes: hashes.map((h) => h.toString('base64')),
        checkpoint: { envelope },
      },
      canonicalizedBody: canonical.toString('base64'),
    };
  }

  /** RFC 6962 Merkle tree hash of leaves [lo, hi). */
  private hash(lo: number, hi: number): Buffer {
    if (hi - lo === 1) return this.leaves[lo]!;
    const key = `${lo}:${hi}`;
    const cached = this.memo.get(key);
    if (cached) return cached;
    const k = largestPowerOfTwoBelow(hi - lo);
    const h = sha256(NODE, this.hash(lo, lo + k), this.hash(lo + k, hi));
    this.memo.set(key, h);
    return h;
  }

  /** RFC 6962 audit path for leaf m of the subtree [lo, hi), leaf-most sibling first. */
  private path(m: number, lo: number, hi: number): Buffer[] {
    const n = hi - lo;
    if (n === 1) return [];
    const k = largestPowerOfTwoBelow(n);
    if (m < k) return [...this.path(m, lo, lo + k), this.hash(lo + k, hi)];
    return [...this.path(m - k, lo + k, hi), this.hash(lo, lo + k)];
  }
}

function largestPowerOfTwoBelow(n: number): number {
  let k = 1;
  while (k * 2 < n) k *= 2;
  return k;
}
