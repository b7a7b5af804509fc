/**
 * Seeded mutations of real npm provenance: the version document (`GET /<name>/<version>`) and the
 * attestations document (`GET /-/npm/v1/attestations/<name>@<version>`) of each real verified case in
 * test/fixtures/realworld.
 *
 * Every mutation changes something the verdict is bound to: signatures, certificates, DSSE payloads
 * (raw bytes and re-encoded statements), transparency-log entries (inclusion proofs, signed entry
 * timestamps, integrated time, log index, body, checkpoint), the integrity and registry signatures, names
 * and versions, predicate fields; or it swaps bundles and fields between cases, duplicates or removes
 * list entries, or confuses types. A mutation that would only touch something provably not bound to the
 * verdict is never generated: see UNBOUND below, the explicit allow-list with the reason for each entry.
 */
import { bundleFromJSON, bundleToJSON } from '@sigstore/bundle';
import ssri from 'ssri';
import type { Rng } from './rng';

export type Json = null | boolean | number | string | Json[] | { [key: string]: Json };
type JsonObject = { [key: string]: Json };
export type PathSeg = string | number;

export interface FuzzCase {
  id: string;
  name: string;
  version: string;
  integrity: string;
  /** The version document exactly as the fixture registry serves it for this case. */
  versionDoc: JsonObject;
  /** The recorded attestations document. */
  attestations: JsonObject;
}

export type DocKind = 'version' | 'attestations';

/** One change to one document. `path` [] with op 'set' replaces the whole document. */
export interface Edit {
  doc: DocKind;
  path: PathSeg[];
  op: 'set' | 'remove' | 'insert' | 'duplicate' | 'reorder';
  value?: Json;
}

export interface Mutation {
  index: number;
  caseId: string;
  /** Class of what was changed, for the summary (e.g. `provenance:dsseEnvelope.payload`). */
  target: string;
  /** How (e.g. `flip-bit`, `swap-case`, `type-confusion`). */
  op: string;
  /** Human-readable detail (paths, values). */
  detail: string;
  edits: Edit[];
  /** The documents to serve (undefined: served unchanged). */
  versionDoc?: Json;
  attestations?: Json;
}

// ---------------------------------------------------------------------------------------------
// The allow-list of unbound fields. The generator never produces an edit matching one of these (it
// draws again), so a `verified` outcome is always a failure, never something to excuse afterwards.

interface UnboundRule {
  id: string;
  why: string;
  /** `before`/`after`: the edited document; `served`: both documents as served after every edit of the mutation. */
  matches(edit: Edit, before: Json, after: Json, served: Served): boolean;
}

/** What the engine is served for a mutation, and whether the version document is the recorded one. */
export interface Served {
  versionDoc: Json;
  versionDocUnchanged: boolean;
}

const BUNDLE_MEDIA_TYPE = /^application\/vnd\.dev\.sigstore\.bundle(\+json;version=\d\.\d|\.v\d\.\d\+json)/;

export const UNBOUND: readonly UnboundRule[] = [
  {
    id: 'version-document-metadata',
    why:
      'Fields of the version document other than name, version and dist: registry metadata that neither the registry signature ' +
      '(it covers exactly `<name>@<version>:<integrity>`) nor any attestation covers; the engine neither uses nor shows them. ' +
      '(What a manifest field such as `dependencies` makes an installer do is outside what provenance can prove.)',
    matches: (e) => e.doc === 'version' && e.path.length >= 1 && !['name', 'version', 'dist'].includes(String(e.path[0])),
  },
  {
    id: 'dist-metadata',
    why:
      'dist fields other than integrity, signatures and attestations: `tarball` (where to download; installers check the bytes ' +
      'against dist.integrity), `shasum` (superseded by integrity), `npm-signature` (the retired PGP signature, replaced by ' +
      'dist.signatures), `fileCount`, `unpackedSize`. Not used for the verdict and not shown.',
    matches: (e) =>
      e.doc === 'version' &&
      e.path[0] === 'dist' &&
      e.path.length >= 2 &&
      !['integrity', 'signatures', 'attestations'].includes(String(e.path[1])),
  },
  {
    id: 'dist-attestations-advert',
    why:
      'The contents of dist.attestations (`url`, `provenance.predicateType`) only advertise that attestations exist: the engine ' +
      'fetches them from the registry attestations endpoint for the requested name@version and judges the bundles themselves. ' +
      '(Changing the type of dist.attestations itself, or removing it, stays in the fuzz.)',
    matches: (e) => e.doc === 'version' && e.path[0] === 'dist' && e.path[1] === 'attestations' && e.path.length >= 3,
  },
  {
    id: 'registry-signature-removal',
    why:
      'Removing dist.signatures or some of its entries, or adding a copy of an entry: documented policy (README, Verdicts) is that ' +
      'registry signatures are checked when the registry serves them; every entry served is checked, a copy adds no claim, and the ' +
      'publish attestation (registry key) and provenance (Sigstore) still bind name, version and digest. The verdict reports ' +
      'registrySignature.status `missing` when none is served.',
    matches: (e, before, after) => {
      if (e.doc !== 'version' || e.path[0] !== 'dist' || e.path[1] !== 'signatures') return false;
      const was = getAt(before, ['dist', 'signatures']);
      const now = getAt(after, ['dist', 'signatures']);
      if (!Array.isArray(was)) return false;
      if (now === undefined || now === null) return true;
      if (!Array.isArray(now)) return false;
      // every remaining entry is one of the original ones (a removal, or a copy)
      const originals = new Set(was.map((x) => JSON.stringify(x)));
      return now.every((x) => originals.has(JSON.stringify(x)));
    },
  },
  {
    id: 'publish-attestation-removed-registry-signature-stays',
    why:
      'Removing the npm publish attestation while the version document keeps its registry signature: documented policy (README, ' +
      '"What verified means", the registry\'s endorsement) accepts either the publish attestation or a valid dist.signatures ' +
      "entry as the registry's word for name, version and integrity; the provenance still binds the digest. Without a registry " +
      'signature the same removal stays in the fuzz (it must be unavailable: registry-endorsement-missing).',
    matches: (e, before, after, served) => {
      if (e.doc !== 'attestations' || e.path.length !== 1 || e.path[0] !== 'attestations') return false;
      const sigs = getAt(served.versionDoc, ['dist', 'signatures']);
      if (!served.versionDocUnchanged || !Array.isArray(sigs) || sigs.length === 0) return false;
      const was = getAt(before, ['attestations']);
      const now = getAt(after, ['attestations']);
      if (!Array.isArray(was) || !Array.isArray(now)) return false;
      const isPublish = (a: Json): boolean => isObject(a) && a.predicateType === PUBLISH;
      const rest = (xs: Json[]): string => JSON.stringify(xs.filter((a) => !isPublish(a)));
      return was.some(isPublish) && !now.some(isPublish) && rest(was) === rest(now);
    },
  },
  {
    id: 'dsse-signature-keyid',
    why:
      'dsseEnvelope.signatures[].keyid is not part of the DSSE pre-authentication encoding; @sigstore/verify (bundle/dsse.js) ' +
      'uses only `sig`, and the key comes from verificationMaterial. Not shown.',
    matches: (e) => e.doc === 'attestations' && e.path.includes('dsseEnvelope') && e.path[e.path.length - 1] === 'keyid',
  },
  {
    id: 'certificate-chain-tail',
    why:
      'x509CertificateChain.certificates after the first: @sigstore/verify reads only certificates[0] (bundle/index.js key()) ' +
      'and builds the path to the root from the trusted root, never from the bundle. Edits that leave certificates[0] unchanged.',
    matches: (e, before, after) => {
      const i = e.path.indexOf('x509CertificateChain');
      if (e.doc !== 'attestations' || i < 0) return false;
      const chainPath = [...e.path.slice(0, i + 1), 'certificates'];
      const was = getAt(before, chainPath);
      const now = getAt(after, chainPath);
      if (!Array.isArray(was) || !Array.isArray(now) || now.length === 0) return false;
      return JSON.stringify(was[0]) === JSON.stringify(now[0]);
    },
  },
  {
    id: 'bundle-media-type-relabel',
    why:
      'bundle.mediaType replaced by another valid Sigstore bundle media type: the label only selects which structural checks ' +
      '@sigstore/bundle applies (v0.1 needs an inclusion promise, v0.2+ an inclusion proof); every cryptographic check runs on ' +
      'the same signed content whatever the label.',
    matches: (e) =>
      e.doc === 'attestations' &&
      e.path[e.path.length - 1] === 'mediaType' &&
      e.op === 'set' &&
      typeof e.value === 'string' &&
      BUNDLE_MEDIA_TYPE.test(e.value),
  },
  {
    id: 'protobuf-equivalent-bundle',
    why:
      'The edited bundle parses to the same message as the original (@sigstore/bundle bundleFromJSON, protobuf JSON, compared ' +
      'through bundleToJSON): protobuf JSON reads absent, null, default and wrong-typed values as defaults and ignores unknown ' +
      'fields, and the verifier only ever sees the parsed message.',
    matches: (e, before, after) => {
      if (e.doc !== 'attestations' || e.path[0] !== 'attestations' || typeof e.path[1] !== 'number' || e.path[2] !== 'bundle') return false;
      const a = canonicalBundle(getAt(before, e.path.slice(0, 3)));
      return a !== undefined && a === canonicalBundle(getAt(after, e.path.slice(0, 3)));
    },
  },
  {
    id: 'no-timestamps-either-way',
    why:
      'timestampVerificationData that holds no RFC 3161 timestamp before and after the edit (absent, empty, or a value protobuf ' +
      'JSON reads as empty): @sigstore/verify (bundle/index.js toSignedEntity) reads `timestampVerificationData?.rfc3161Timestamps ?? []`, ' +
      'so no timestamp is added or removed, and the rest of the bundle parses to the same message.',
    matches: (e, before, after) => {
      if (
        e.doc !== 'attestations' ||
        (!e.path.includes('timestampVerificationData') && e.path[e.path.length - 1] !== 'verificationMaterial')
      )
        return false;
      if (e.path[0] !== 'attestations' || typeof e.path[1] !== 'number' || e.path[2] !== 'bundle') return false;
      const parse = (doc: Json): { rest: string; timestamps: number } | undefined => {
        try {
          const b = bundleFromJSON(getAt(doc, e.path.slice(0, 3)));
          const timestamps = b.verificationMaterial.timestampVerificationData?.rfc3161Timestamps.length ?? 0;
          const json = bundleToJSON(b) as { verificationMaterial?: Record<string, unknown> };
          if (json.verificationMaterial) delete json.verificationMaterial.timestampVerificationData;
          return { rest: JSON.stringify(json), timestamps };
        } catch {
          return undefined;
        }
      };
      const a = parse(before);
      const b = parse(after);
      return !!a && !!b && a.timestamps === 0 && b.timestamps === 0 && a.rest === b.rest;
    },
  },
  {
    id: 'same-number',
    why:
      'A decimal field (logIndex, integratedTime, treeSize) rewritten with the same numeric value (surrounding spaces, leading ' +
      'zeros): @sigstore/verify reads it as a number (Number() in the signed entry timestamp payload, BigInt() in the Merkle proof), ' +
      'so it names the same entry.',
    matches: (e, before) => {
      const was = getAt(before, e.path);
      if (e.op !== 'set' || typeof was !== 'string' || typeof e.value !== 'string' || !/^\d+$/.test(was)) return false;
      return /^\s*\d+\s*$/.test(e.value) && BigInt(e.value.trim()) === BigInt(was);
    },
  },
  {
    id: 'inclusion-proof-unsigned-copies',
    why:
      'inclusionProof.rootHash and inclusionProof.treeSize are unsigned copies of what the signed checkpoint states: @sigstore/verify ' +
      "(tlog/merkle.js) recomputes the root from the entry body and `hashes` and compares it with the signed checkpoint's root, " +
      "using the checkpoint's tree size. Not shown. (A consistency check between the copies and the checkpoint would be hardening.)",
    matches: (e) =>
      e.doc === 'attestations' &&
      e.path[e.path.length - 2] === 'inclusionProof' &&
      ['rootHash', 'treeSize'].includes(String(e.path[e.path.length - 1])),
  },
  {
    id: 'checkpoint-outside-signed-note',
    why:
      'Checkpoint envelope text that is neither the signed note nor signature bytes: the signer name on a signature line (it only ' +
      'helps pick the log key, which must then verify the signature) and text that is not a signature line (after the last one). ' +
      '@sigstore/verify (tlog/checkpoint.js) verifies the note text with a trusted log key; edits that leave the note and the ' +
      'signature bytes unchanged change no signed byte.',
    matches: (e, before) => {
      if (
        e.doc !== 'attestations' ||
        e.op !== 'set' ||
        e.path[e.path.length - 1] !== 'envelope' ||
        e.path[e.path.length - 2] !== 'checkpoint'
      )
        return false;
      const was = getAt(before, e.path);
      if (typeof was !== 'string' || typeof e.value !== 'string') return false;
      const a = signedNote(was);
      return a !== undefined && a === signedNote(e.value);
    },
  },
  {
    id: 'der-trailing-bytes',
    why:
      "Bytes appended after a certificate's DER SEQUENCE are outside the certificate: @sigstore/core's ASN.1 parser reads one " +
      'TLV and ignores what follows, so the verifier receives the identical CA-signed certificate. (A strict DER parser would ' +
      'reject them; noted as hardening.)',
    matches: (e, before) => {
      if (e.doc !== 'attestations' || e.op !== 'set' || e.path[e.path.length - 1] !== 'rawBytes' || typeof e.value !== 'string')
        return false;
      const was = getAt(before, e.path);
      if (typeof was !== 'string') return false;
      const a = Buffer.from(was, 'base64');
      const b = Buffer.from(e.value, 'base64');
      return b.length > a.length && b.subarray(0, a.length).equals(a);
    },
  },
  {
    id: 'sri-same-hashes',
    why:
      'dist.integrity rewritten with the same digests (SRI whitespace, `?options`, base64 padding) in a version document that ' +
      'carries no registry signature: the digest bytes the attestations bind are unchanged and the engine compares digest bytes. ' +
      '(npm compares base64 digest strings, so a non-canonical encoding makes it refuse the tarball: nothing else gets installed.) ' +
      'Where dist.signatures is served, the signed message holds the exact string, and such rewrites stay in the fuzz.',
    matches: (e, _before, after) => {
      if (e.doc !== 'version' || e.path.join('.') !== 'dist.integrity' || e.op !== 'set' || typeof e.value !== 'string') return false;
      if (getAt(after, ['dist', 'signatures']) !== undefined) return false;
      const was = getAt(_before, ['dist', 'integrity']);
      return typeof was === 'string' && sriHashes(was) !== '' && sriHashes(was) === sriHashes(e.value);
    },
  },
  {
    id: 'v01-optional-inclusion-proof',
    why:
      "Removing the inclusion proof of a tlog entry in a v0.1 bundle whose signed entry timestamp stays: a v0.1 bundle's " +
      'inclusion evidence is the signed entry timestamp (the format requires only it, and it is verified); the proof is optional ' +
      'and verified when present. Nothing shown comes from it.',
    matches: (e, before) => {
      if (e.doc !== 'attestations' || e.path[e.path.length - 1] !== 'inclusionProof') return false;
      if (!(e.op === 'remove' || (e.op === 'set' && e.value === null))) return false;
      const b = e.path.indexOf('bundle');
      const mediaType = getAt(before, [...e.path.slice(0, b + 1), 'mediaType']);
      const entry = getAt(before, e.path.slice(0, -1));
      return (
        typeof mediaType === 'string' &&
        /version=0\.1$|\.v0\.1\+json$/.test(mediaType) &&
        isObject(entry) &&
        entry.inclusionPromise !== undefined
      );
    },
  },
  {
    id: 'attestation-order-and-copies',
    why:
      'Reordering the attestations list, or adding an identical copy of one of its entries: the document is a set of statements ' +
      'each verified on its own; order and identical copies carry no claim.',
    matches: (e, before, after) => {
      if (e.doc !== 'attestations' || e.path.length !== 1 || e.path[0] !== 'attestations') return false;
      const was = getAt(before, ['attestations']);
      const now = getAt(after, ['attestations']);
      if (!Array.isArray(was) || !Array.isArray(now)) return false;
      const set = (xs: Json[]): string[] => [...new Set(xs.map((x) => JSON.stringify(x)))].sort();
      return JSON.stringify(set(was)) === JSON.stringify(set(now));
    },
  },
];

/** The first rule an edit matches, given the document before and after all edits of the mutation. */
export function unboundRule(edit: Edit, before: Json, after: Json, served: Served): UnboundRule | undefined {
  return UNBOUND.find((r) => r.matches(edit, before, after, served));
}

function canonicalBundle(b: Json | undefined): string | undefined {
  try {
    return JSON.stringify(bundleToJSON(bundleFromJSON(b)));
  } catch {
    return undefined;
  }
}

/** The signed part of a checkpoint as @sigstore/verify reads it: the note and the signature bytes (not the names). */
function signedNote(envelope: string): string | undefined {
  const split = envelope.indexOf('\n\n');
  if (split < 0) return undefined;
  const note = envelope.slice(0, split + 1);
  const sigs = [...envelope.slice(split + 2).matchAll(/\u2014 (\S+) (\S+)\n/g)].map((m) => Buffer.from(m[2]!, 'base64').toString('hex'));
  return sigs.length ? JSON.stringify([note, sigs]) : undefined;
}

function sriHashes(integrity: string): string {
  try {
    const parsed = ssri.parse(integrity, { strict: true }) as unknown as Record<string, { digest: string }[]>;
    return Object.entries(parsed)
      .flatMap(([algo, list]) => list.map((h) => `${algo}-${Buffer.from(h.digest, 'base64').toString('hex')}`))
      .sort()
      .join(' ');
  } catch {
    return '';
  }
}

// ---------------------------------------------------------------------------------------------
// JSON helpers

export function isObject(v: unknown): v is JsonObject {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

export function getAt(doc: Json | undefined, path: readonly PathSeg[]): Json | undefined {
  let cur: Json | undefined = doc;
  for (const seg of path) {
    if (Array.isArray(cur) && typeof seg === 'number') cur = cur[seg];
    else if (isObject(cur) && typeof seg === 'string') cur = Object.prototype.hasOwnProperty.call(cur, seg) ? cur[seg] : undefined;
    else return undefined;
  }
  return cur;
}

export function applyEdit(doc: Json, edit: Edit): Json {
  if (edit.path.length === 0) {
    if (edit.op !== 'set') throw new Error('only set applies to a whole document');
    return structuredClone(edit.value as Json);
  }
  const out = structuredClone(doc);
  const parent = getAt(out, edit.path.slice(0, -1));
  const key = edit.path[edit.path.length - 1]!;
  if (Array.isArray(parent) && typeof key === 'number') {
    if (edit.op === 'remove') parent.splice(key, 1);
    else if (edit.op === 'insert') parent.splice(key, 0, structuredClone(edit.value as Json));
    else parent[key] = structuredClone(edit.value as Json);
  } else if (isObject(parent) && typeof key === 'string') {
    if (edit.op === 'remove') delete parent[key];
    else parent[key] = structuredClone(edit.value as Json);
  } else {
    throw new Error(`no parent at ${pathString(edit.path)}`);
  }
  return out;
}

export function pathString(path: readonly PathSeg[]): string {
  let s = '';
  for (const seg of path) s += typeof seg === 'number' ? `[${seg}]` : s ? `.${seg}` : seg;
  return s || '(document)';
}

/** Every path in a JSON tree (objects and arrays included), in document order. */
function allPaths(doc: Json, prefix: PathSeg[] = [], out: PathSeg[][] = []): PathSeg[][] {
  const children: [PathSeg, Json][] = Array.isArray(doc) ? doc.map((v, i) => [i, v]) : isObject(doc) ? Object.entries(doc) : [];
  for (const [k, v] of children) {
    out.push([...prefix, k]);
    allPaths(v, [...prefix, k], out);
  }
  return out;
}

// ---------------------------------------------------------------------------------------------
// Value mutations

/** Fields that hold base64 bytes in the documents (protobuf `bytes`, npm signatures). */
const BASE64_KEYS = new Set([
  'sig',
  'rawBytes',
  'payload',
  'signedEntryTimestamp',
  'canonicalizedBody',
  'rootHash',
  'keyId',
  'signedTimestamp',
  'hashes',
]);

function isBase64Field(path: readonly PathSeg[]): boolean {
  const last = path[path.length - 1];
  const key = typeof last === 'number' ? path[path.length - 2] : last;
  return typeof key === 'string' && BASE64_KEYS.has(key);
}

/** A byte-level mutation of `bytes`; never returns equal bytes. */
export function mutateBytes(rng: Rng, bytes: Buffer): { op: string; bytes: Buffer } {
  for (;;) {
    const op = rng.pick(
      bytes.length > 0
        ? (['flip-bit', 'insert-byte', 'delete-byte', 'truncate', 'replace-byte', 'append-byte', 'random-same-length', 'empty'] as const)
        : (['insert-byte'] as const),
    );
    let out: Buffer;
    const at = rng.int(Math.max(1, bytes.length));
    switch (op) {
      case 'flip-bit':
        out = Buffer.from(bytes);
        out[at] ^= 1 << rng.int(8);
        break;
      case 'insert-byte':
        out = Buffer.concat([bytes.subarray(0, at), rng.bytes(1), bytes.subarray(at)]);
        break;
      case 'delete-byte':
        out = Buffer.concat([bytes.subarray(0, at), bytes.subarray(at + 1)]);
        break;
      case 'truncate':
        out = Buffer.from(bytes.subarray(0, rng.int(bytes.length)));
        break;
      case 'replace-byte':
        out = Buffer.from(bytes);
        out[at] = rng.int(256);
        break;
      case 'append-byte':
        out = Buffer.concat([bytes, rng.bytes(1 + rng.int(4))]);
        break;
      case 'random-same-length':
        out = rng.bytes(bytes.length);
        break;
      case 'empty':
        out = Buffer.alloc(0);
        break;
    }
    if (!out.equals(bytes)) return { op, bytes: out };
  }
}

function mutateText(rng: Rng, s: string): { op: string; text: string } {
  for (;;) {
    const op = rng.pick(['change-char', 'insert-char', 'delete-char', 'upper-case', 'append-space', 'empty', 'other'] as const);
    const at = rng.int(Math.max(1, s.length));
    const ch = String.fromCharCode(0x21 + rng.int(94));
    let t: string;
    switch (op) {
      case 'change-char':
        t = s.slice(0, at) + ch + s.slice(at + 1);
        break;
      case 'insert-char':
        t = s.slice(0, at) + ch + s.slice(at);
        break;
      case 'delete-char':
        t = s.slice(0, at) + s.slice(at + 1);
        break;
      case 'upper-case':
        t = s.toUpperCase();
        break;
      case 'append-space':
        t = `${s} `;
        break;
      case 'empty':
        t = '';
        break;
      case 'other':
        t = rng.pick(['x', 'null', '0', 'https://example.com/', '../', '\u0000', 'a'.repeat(300)]);
        break;
    }
    if (t !== s) return { op, text: t };
  }
}

/** A value of another JSON type that is not an equivalent encoding of `v`. */
function confuseType(rng: Rng, v: Json | undefined): Json {
  const options: Json[] = [true, false, [], {}, 'x', 12345, -1, 1.5, null, [v ?? null], { value: v ?? null }];
  for (;;) {
    const c = rng.pick(options);
    if (typeof c === typeof v && Array.isArray(c) === Array.isArray(v)) continue; // same type: not a type confusion
    if (typeof v === 'string' && (typeof c === 'number' || typeof c === 'boolean') && String(c) === v) continue; // proto JSON accepts "12345" as 12345
    return c;
  }
}

function mutateNumberLike(rng: Rng, v: string | number): Json {
  const n = Number(v);
  const candidates = [n + 1, n - 1, n + 3600, n - 3600, 0, -1, n * 2, 2 ** 53, Math.floor(n / 2)];
  for (;;) {
    const c = rng.pick(candidates);
    if (c === n) continue;
    return typeof v === 'string' ? String(c) : c;
  }
}

/** A generic mutation of the value at `path` in `doc`. */
function mutateValue(rng: Rng, doc: Json, path: PathSeg[], docKind: DocKind): { op: string; edit: Edit } | null {
  const v = getAt(doc, path);
  const parent = getAt(doc, path.slice(0, -1));
  const structural = rng.int(5) === 0;
  if (structural) {
    const kind = rng.pick(['type-confusion', 'remove', 'null'] as const);
    if (kind === 'type-confusion') return { op: 'type-confusion', edit: { doc: docKind, path, op: 'set', value: confuseType(rng, v) } };
    if (kind === 'null') return v === null ? null : { op: 'null', edit: { doc: docKind, path, op: 'set', value: null } };
    return parent === undefined ? null : { op: 'remove', edit: { doc: docKind, path, op: 'remove' } };
  }
  if (typeof v === 'string') {
    if (isBase64Field(path)) {
      const m = mutateBytes(rng, Buffer.from(v, 'base64'));
      return { op: m.op, edit: { doc: docKind, path, op: 'set', value: m.bytes.toString('base64') } };
    }
    if (/^-?\d+$/.test(v) && rng.int(2) === 0)
      return { op: 'number', edit: { doc: docKind, path, op: 'set', value: mutateNumberLike(rng, v) } };
    const m = mutateText(rng, v);
    return { op: m.op, edit: { doc: docKind, path, op: 'set', value: m.text } };
  }
  if (typeof v === 'number') return { op: 'number', edit: { doc: docKind, path, op: 'set', value: mutateNumberLike(rng, v) } };
  if (typeof v === 'boolean') return { op: 'negate', edit: { doc: docKind, path, op: 'set', value: !v } };
  if (Array.isArray(v)) {
    const kind = rng.pick(['remove-entry', 'duplicate-entry', 'reorder', 'empty'] as const);
    if (kind === 'empty') return v.length ? { op: 'empty-list', edit: { doc: docKind, path, op: 'set', value: [] } } : null;
    if (v.length === 0) return null;
    const i = rng.int(v.length);
    if (kind === 'remove-entry') return { op: 'remove-entry', edit: { doc: docKind, path: [...path, i], op: 'remove' } };
    if (kind === 'duplicate-entry')
      return { op: 'duplicate-entry', edit: { doc: docKind, path: [...path, i + 1], op: 'insert', value: v[i]! } };
    if (v.length < 2) return null;
    const j = (i + 1 + rng.int(v.length - 1)) % v.length;
    const copy = [...v];
    [copy[i], copy[j]] = [copy[j]!, copy[i]!];
    return JSON.stringify(copy) === JSON.stringify(v) ? null : { op: 'reorder', edit: { doc: docKind, path, op: 'reorder', value: copy } };
  }
  if (isObject(v)) {
    const keys = Object.keys(v);
    if (keys.length === 0) return { op: 'type-confusion', edit: { doc: docKind, path, op: 'set', value: confuseType(rng, v) } };
    return { op: 'remove-key', edit: { doc: docKind, path: [...path, rng.pick(keys)], op: 'remove' } };
  }
  return { op: 'type-confusion', edit: { doc: docKind, path, op: 'set', value: confuseType(rng, v) } };
}

// ---------------------------------------------------------------------------------------------
// Mutators

interface Draft {
  target: string;
  op: string;
  detail?: string;
  edits: Edit[];
}

interface Ctx {
  rng: Rng;
  c: FuzzCase;
  all: readonly FuzzCase[];
}

type Role = 'publish' | 'provenance';
const PUBLISH = 'https://github.com/npm/attestation/tree/main/specs/publish/v0.1';

function roleOf(predicateType: Json | undefined): Role {
  return predicateType === PUBLISH ? 'publish' : 'provenance';
}

function entries(c: FuzzCase): { index: number; role: Role; bundle: JsonObject }[] {
  const list = c.attestations.attestations;
  if (!Array.isArray(list)) return [];
  return list.flatMap((a, index) =>
    isObject(a) && isObject(a.bundle) ? [{ index, role: roleOf(a.predicateType), bundle: a.bundle }] : [],
  );
}

function pickBundle(ctx: Ctx, role?: Role): { index: number; role: Role; bundle: JsonObject } | undefined {
  const list = entries(ctx.c).filter((e) => !role || e.role === role);
  return list.length ? ctx.rng.pick(list) : undefined;
}

function otherCases(ctx: Ctx): FuzzCase[] {
  return ctx.all.filter((x) => x.id !== ctx.c.id);
}

/** Normalised class of a path for the summary: `version:dist.signatures[].sig`, `provenance:verificationMaterial...`. */
export function targetOf(doc: DocKind, path: readonly PathSeg[], c: FuzzCase): string {
  if (doc === 'version') return `version:${pathString(path.map((s) => (typeof s === 'number' ? 0 : s))).replace(/\[0\]/g, '[]')}`;
  if (path.length >= 2 && path[0] === 'attestations' && typeof path[1] === 'number') {
    const role = roleOf(getAt(c.attestations, ['attestations', path[1], 'predicateType']));
    const rest = path.slice(path[2] === 'bundle' ? 3 : 2);
    return `${role}:${path[2] === 'bundle' ? '' : 'entry.'}${pathString(rest.map((s) => (typeof s === 'number' ? 0 : s))).replace(/\[0\]/g, '[]')}`;
  }
  return `attestations:${pathString(path)}`;
}

const bundlePath = (index: number, ...rest: PathSeg[]): PathSeg[] => ['attestations', index, 'bundle', ...rest];

function tlogBase(b: JsonObject, index: number): PathSeg[] | undefined {
  const list = getAt(b, ['verificationMaterial', 'tlogEntries']);
  return Array.isArray(list) && list.length ? bundlePath(index, 'verificationMaterial', 'tlogEntries', 0) : undefined;
}

function certPath(b: JsonObject, index: number): PathSeg[] | undefined {
  if (getAt(b, ['verificationMaterial', 'certificate', 'rawBytes']) !== undefined)
    return bundlePath(index, 'verificationMaterial', 'certificate', 'rawBytes');
  if (getAt(b, ['verificationMaterial', 'x509CertificateChain', 'certificates', 0, 'rawBytes']) !== undefined) {
    return bundlePath(index, 'verificationMaterial', 'x509CertificateChain', 'certificates', 0, 'rawBytes');
  }
  return undefined;
}

function bytesEdit(ctx: Ctx, doc: DocKind, path: PathSeg[], current: Json | undefined): Draft | null {
  if (typeof current !== 'string') return null;
  const m = mutateBytes(ctx.rng, Buffer.from(current, 'base64'));
  return { target: targetOf(doc, path, ctx.c), op: m.op, edits: [{ doc, path, op: 'set', value: m.bytes.toString('base64') }] };
}

/** A JSON document carried as base64 (DSSE payload, Rekor canonicalized body): mutate a value inside and re-encode. */
function encodedJsonEdit(ctx: Ctx, path: PathSeg[], what: string, focus?: (inner: Json) => PathSeg[][]): Draft | null {
  const current = getAt(ctx.c.attestations, path);
  if (typeof current !== 'string') return null;
  let inner: Json;
  try {
    inner = JSON.parse(Buffer.from(current, 'base64').toString('utf8')) as Json;
  } catch {
    return null;
  }
  const candidates = focus?.(inner) ?? allPaths(inner);
  if (!candidates.length) return null;
  const p = ctx.rng.pick(candidates);
  const m = mutateValue(ctx.rng, inner, p, 'attestations');
  if (!m) return null;
  const changed = applyEdit(inner, m.edit);
  const encoded = Buffer.from(JSON.stringify(changed)).toString('base64');
  if (encoded === current) return null;
  return {
    target: `${targetOf('attestations', path, ctx.c)}→${what}`,
    op: m.op,
    detail: `${what} ${pathString(m.edit.path)}`,
    edits: [{ doc: 'attestations', path, op: 'set', value: encoded }],
  };
}

/** Paths in an in-toto statement the checks look at (subject, predicate type, predicate) and the rest. */
function statementFocus(rng: Rng): (inner: Json) => PathSeg[][] {
  return (inner) => {
    const paths = allPaths(inner);
    const pick = rng.pick(['subject', 'predicate', 'any'] as const);
    if (pick === 'any') return paths;
    const narrowed = paths.filter((p) => p[0] === pick);
    return narrowed.length ? narrowed : paths;
  };
}

const PURL_VARIANTS = (name: string, version: string): string[] => {
  const scoped = name.startsWith('@');
  const purlName = scoped ? `%40${name.slice(1)}` : name;
  return [
    `pkg:npm/${purlName}@${version}.1`,
    `pkg:npm/${purlName}@${version}-0`,
    `pkg:npm/${purlName}x@${version}`,
    `pkg:npm/${scoped ? name : `%40evil/${name}`}@${version}`,
    `pkg:npm/${purlName.toUpperCase()}@${version}`,
    `pkg:npm/${purlName}@${version}?x=1`,
    `pkg:npm/${purlName}@v${version}`,
    `pkg:npm/${purlName}@${version} `,
  ];
};

/** A statement edit the subject checks care about: name and digest variants, subject list changes. */
function subjectEdit(ctx: Ctx): Draft | null {
  const e = pickBundle(ctx);
  if (!e) return null;
  const path = bundlePath(e.index, 'dsseEnvelope', 'payload');
  const current = getAt(ctx.c.attestations, path);
  if (typeof current !== 'string') return null;
  const statement = JSON.parse(Buffer.from(current, 'base64').toString('utf8')) as JsonObject;
  const subjects = statement.subject;
  if (!Array.isArray(subjects) || !isObject(subjects[0])) return null;
  const other = ctx.rng.pick(otherCases(ctx));
  const kind = ctx.rng.pick(['name', 'digest', 'other-case-subject', 'second-subject', 'no-subject', 'digest-algorithm'] as const);
  const s = structuredClone(subjects[0]);
  let next: Json[];
  switch (kind) {
    case 'name':
      s.name = ctx.rng.pick(PURL_VARIANTS(ctx.c.name, ctx.c.version));
      next = [s];
      break;
    case 'digest': {
      const d = getAt(s, ['digest', 'sha512']);
      if (typeof d !== 'string') return null;
      const at = ctx.rng.int(d.length);
      const flipped = d.slice(0, at) + (d[at] === '0' ? '1' : '0') + d.slice(at + 1);
      s.digest = { sha512: flipped };
      next = [s];
      break;
    }
    case 'digest-algorithm':
      s.digest = { sha256: String(getAt(s, ['digest', 'sha512']) ?? '').slice(0, 64) };
      next = [s];
      break;
    case 'other-case-subject': {
      const os = otherSubject(other);
      if (!os) return null;
      next = [os];
      break;
    }
    case 'second-subject': {
      const os = otherSubject(other);
      if (!os) return null;
      next = ctx.rng.int(2) ? [s, os] : [os, s];
      break;
    }
    case 'no-subject':
      next = [];
      break;
  }
  statement.subject = next;
  const encoded = Buffer.from(JSON.stringify(statement)).toString('base64');
  if (encoded === current) return null;
  return {
    target: `${e.role}:dsseEnvelope.payload→statement.subject`,
    op: kind,
    edits: [{ doc: 'attestations', path, op: 'set', value: encoded }],
  };
}

function otherSubject(c: FuzzCase): JsonObject | undefined {
  for (const e of entries(c)) {
    const p = getAt(e.bundle, ['dsseEnvelope', 'payload']);
    if (typeof p !== 'string') continue;
    const st = JSON.parse(Buffer.from(p, 'base64').toString('utf8')) as JsonObject;
    if (Array.isArray(st.subject) && isObject(st.subject[0])) return st.subject[0];
  }
  return undefined;
}

/** Checkpoint (signed note) text: change the origin, tree size, root hash, timestamp line or signature. */
function checkpointEdit(ctx: Ctx): Draft | null {
  const e = pickBundle(ctx);
  const base = e && tlogBase(e.bundle, e.index);
  if (!e || !base) return null;
  const path = [...base, 'inclusionProof', 'checkpoint', 'envelope'];
  const text = getAt(ctx.c.attestations, path);
  if (typeof text !== 'string') return null;
  const lines = text.split('\n');
  const kind = ctx.rng.pick(['origin', 'tree-size', 'root-hash', 'extra-line', 'signature', 'drop-signature', 'text'] as const);
  let next: string;
  switch (kind) {
    case 'origin':
      next = [`${lines[0]}x`, ...lines.slice(1)].join('\n');
      break;
    case 'tree-size':
      next = [lines[0], String(Number(lines[1]) + (ctx.rng.int(2) ? 1 : -1)), ...lines.slice(2)].join('\n');
      break;
    case 'root-hash': {
      const m = mutateBytes(ctx.rng, Buffer.from(lines[2] ?? '', 'base64'));
      next = [lines[0], lines[1], m.bytes.toString('base64'), ...lines.slice(3)].join('\n');
      break;
    }
    case 'extra-line':
      next = [...lines.slice(0, 3), 'Timestamp: 1', ...lines.slice(3)].join('\n');
      break;
    case 'signature': {
      const i = lines.findIndex((l) => l.startsWith('\u2014 '));
      if (i < 0) return null;
      const parts = lines[i]!.split(' ');
      const sig = Buffer.from(parts[parts.length - 1]!, 'base64');
      const m = mutateBytes(ctx.rng, sig);
      parts[parts.length - 1] = m.bytes.toString('base64');
      next = [...lines.slice(0, i), parts.join(' '), ...lines.slice(i + 1)].join('\n');
      break;
    }
    case 'drop-signature':
      next = lines.filter((l) => !l.startsWith('\u2014 ')).join('\n');
      break;
    case 'text':
      next = mutateText(ctx.rng, text).text;
      break;
  }
  if (next === text) return null;
  return {
    target: `${e.role}:verificationMaterial.tlogEntries[].inclusionProof.checkpoint.envelope`,
    op: kind,
    edits: [{ doc: 'attestations', path, op: 'set', value: next }],
  };
}

/** Swap a bound field (or a whole bundle / document) with the same one from another case. */
function swapEdit(ctx: Ctx): Draft | null {
  const other = ctx.rng.pick(otherCases(ctx));
  const kind = ctx.rng.pick([
    'bundle',
    'field',
    'attestations-document',
    'integrity',
    'integrity+attestations',
    'dist-signatures',
    'cert',
  ] as const);
  const mine = pickBundle(ctx);
  if (!mine) return null;
  const theirs = entries(other).filter((x) => x.role === mine.role);
  const t = theirs.length ? ctx.rng.pick(theirs) : undefined;
  switch (kind) {
    case 'bundle': {
      if (!t) return null;
      return {
        target: `${mine.role}:(bundle)`,
        op: 'swap-case',
        detail: `bundle from ${other.id}`,
        edits: [{ doc: 'attestations', path: bundlePath(mine.index), op: 'set', value: t.bundle }],
      };
    }
    case 'cert': {
      const p = certPath(mine.bundle, mine.index);
      const q = t && certPath(t.bundle, 0);
      if (!p || !t || !q) return null;
      const value = getAt(t.bundle, q.slice(3));
      if (typeof value !== 'string' || value === getAt(ctx.c.attestations, p)) return null;
      return {
        target: targetOf('attestations', p, ctx.c),
        op: 'swap-case',
        detail: `certificate from ${other.id}`,
        edits: [{ doc: 'attestations', path: p, op: 'set', value }],
      };
    }
    case 'field': {
      if (!t) return null;
      const fields: PathSeg[][] = [
        ['dsseEnvelope', 'signatures', 0, 'sig'],
        ['dsseEnvelope', 'payload'],
        ['verificationMaterial', 'tlogEntries', 0],
        ['verificationMaterial', 'tlogEntries', 0, 'inclusionPromise'],
        ['verificationMaterial', 'tlogEntries', 0, 'inclusionProof'],
        ['verificationMaterial', 'tlogEntries', 0, 'canonicalizedBody'],
        ['verificationMaterial', 'tlogEntries', 0, 'integratedTime'],
        ['verificationMaterial', 'tlogEntries', 0, 'logIndex'],
        ['verificationMaterial', 'publicKey'],
        ['verificationMaterial'],
        ['dsseEnvelope'],
      ];
      const f = ctx.rng.pick(fields);
      const value = getAt(t.bundle, f);
      const path = bundlePath(mine.index, ...f);
      if (
        value === undefined ||
        getAt(ctx.c.attestations, path) === undefined ||
        JSON.stringify(value) === JSON.stringify(getAt(ctx.c.attestations, path))
      )
        return null;
      return {
        target: targetOf('attestations', path, ctx.c),
        op: 'swap-case',
        detail: `${pathString(f)} from ${other.id}`,
        edits: [{ doc: 'attestations', path, op: 'set', value }],
      };
    }
    case 'attestations-document':
      return {
        target: 'attestations:(document)',
        op: 'swap-case',
        detail: `document of ${other.id}`,
        edits: [{ doc: 'attestations', path: [], op: 'set', value: other.attestations }],
      };
    case 'integrity':
      if (other.integrity === ctx.c.integrity) return null;
      return {
        target: 'version:dist.integrity',
        op: 'swap-case',
        detail: `integrity of ${other.id}`,
        edits: [{ doc: 'version', path: ['dist', 'integrity'], op: 'set', value: other.integrity }],
      };
    case 'integrity+attestations':
      if (other.integrity === ctx.c.integrity) return null;
      return {
        target: 'version:dist.integrity+attestations',
        op: 'swap-case',
        detail: `integrity and attestations of ${other.id}`,
        edits: [
          { doc: 'version', path: ['dist', 'integrity'], op: 'set', value: other.integrity },
          { doc: 'attestations', path: [], op: 'set', value: other.attestations },
        ],
      };
    case 'dist-signatures': {
      const theirsSigs = getAt(other.versionDoc, ['dist', 'signatures']);
      if (!Array.isArray(theirsSigs)) return null;
      if (JSON.stringify(theirsSigs) === JSON.stringify(getAt(ctx.c.versionDoc, ['dist', 'signatures']))) return null;
      return {
        target: 'version:dist.signatures',
        op: 'swap-case',
        detail: `dist.signatures of ${other.id}`,
        edits: [{ doc: 'version', path: ['dist', 'signatures'], op: 'set', value: theirsSigs }],
      };
    }
  }
}

const OTHER_KEY_IDS = ['SHA256:jl3bwswu80PjjokCgh0o2w5c2U4LhQAE57gj9cz1kzA', 'SHA256:DhQ8wR5APBvFHLF/+Tc+AYvPOdTpcIDqOhxsBHRwC7U'];

type Mutator = (ctx: Ctx) => Draft | null;

const versionField =
  (path: PathSeg[]): Mutator =>
  (ctx) => {
    if (getAt(ctx.c.versionDoc, path) === undefined) return null;
    const m = mutateValue(ctx.rng, ctx.c.versionDoc, path, 'version');
    return m && { target: targetOf('version', path, ctx.c), op: m.op, edits: [m.edit] };
  };

const bundleField =
  (role: Role | undefined, rel: (b: JsonObject, index: number) => PathSeg[] | undefined, encoded?: 'bytes'): Mutator =>
  (ctx) => {
    const e = pickBundle(ctx, role);
    const path = e && rel(e.bundle, e.index);
    if (!e || !path) return null;
    const current = getAt(ctx.c.attestations, path);
    if (current === undefined) return null;
    if (encoded === 'bytes' && ctx.rng.int(4) !== 0) return bytesEdit(ctx, 'attestations', path, current);
    const m = mutateValue(ctx.rng, ctx.c.attestations, path, 'attestations');
    return m && { target: targetOf('attestations', path, ctx.c), op: m.op, edits: [m.edit] };
  };

const tlogField = (...rest: PathSeg[]): Mutator =>
  bundleField(
    undefined,
    (b, i) => {
      const base = tlogBase(b, i);
      return base && [...base, ...rest];
    },
    ['signedEntryTimestamp', 'canonicalizedBody', 'rootHash', 'keyId'].includes(String(rest[rest.length - 1])) ||
      typeof rest[rest.length - 1] === 'number'
      ? 'bytes'
      : undefined,
  );

/** Weighted catalogue: [weight, mutator]. */
const MUTATORS: readonly (readonly [number, Mutator])[] = [
  // version document: what the registry signature and the attestations bind
  [6, versionField(['dist', 'integrity'])],
  [
    2,
    (ctx) => {
      const i = getAt(ctx.c.versionDoc, ['dist', 'integrity']);
      if (typeof i !== 'string' || !i.startsWith('sha512-')) return null;
      const kind = ctx.rng.pick(['flip-digest-bit', 'sha384-label', 'append-hash', 'option', 'prepend-hash'] as const);
      const digest = Buffer.from(i.slice(7), 'base64');
      let value: string;
      if (kind === 'flip-digest-bit') value = `sha512-${mutateBytes(ctx.rng, digest).bytes.toString('base64')}`;
      else if (kind === 'sha384-label') value = `sha384-${digest.toString('base64')}`;
      else if (kind === 'append-hash') value = `${i} sha512-${ctx.rng.bytes(64).toString('base64')}`;
      else if (kind === 'prepend-hash') value = `sha512-${ctx.rng.bytes(64).toString('base64')} ${i}`;
      else value = `${i}?opt`;
      return { target: 'version:dist.integrity', op: kind, edits: [{ doc: 'version', path: ['dist', 'integrity'], op: 'set', value }] };
    },
  ],
  [
    5,
    (ctx) => {
      const sigs = getAt(ctx.c.versionDoc, ['dist', 'signatures']);
      if (!Array.isArray(sigs) || !sigs.length) return null;
      const path = ['dist', 'signatures', ctx.rng.int(sigs.length), 'sig'];
      return bytesEdit(ctx, 'version', path, getAt(ctx.c.versionDoc, path));
    },
  ],
  [
    3,
    (ctx) => {
      const sigs = getAt(ctx.c.versionDoc, ['dist', 'signatures']);
      if (!Array.isArray(sigs) || !sigs.length) return null;
      const i = ctx.rng.int(sigs.length);
      const path = ['dist', 'signatures', i, 'keyid'];
      const current = getAt(ctx.c.versionDoc, path);
      const other = OTHER_KEY_IDS.filter((k) => k !== current);
      const value = ctx.rng.int(2) && other.length ? ctx.rng.pick(other) : mutateText(ctx.rng, String(current)).text;
      return {
        target: 'version:dist.signatures[].keyid',
        op: other.includes(value) ? 'other-registry-key' : 'text',
        edits: [{ doc: 'version', path, op: 'set', value }],
      };
    },
  ],
  [
    3,
    (ctx) => {
      const sigs = getAt(ctx.c.versionDoc, ['dist', 'signatures']);
      const kind = ctx.rng.pick(['forged-entry', 'unknown-key-entry', 'entry-type', 'list-type'] as const);
      const keyid = Array.isArray(sigs) && isObject(sigs[0]) ? String(sigs[0].keyid) : OTHER_KEY_IDS[0]!;
      const list = Array.isArray(sigs) ? sigs : [];
      let value: Json;
      if (kind === 'forged-entry') value = [...list, { keyid, sig: ctx.rng.bytes(71).toString('base64') }];
      else if (kind === 'unknown-key-entry')
        value = [...list, { keyid: 'SHA256:not-a-registry-key', sig: ctx.rng.bytes(71).toString('base64') }];
      else if (kind === 'entry-type')
        value = list.length ? list.map((x, i) => (i === 0 ? confuseType(ctx.rng, x) : x)) : [confuseType(ctx.rng, {})];
      else value = confuseType(ctx.rng, list);
      return { target: 'version:dist.signatures', op: kind, edits: [{ doc: 'version', path: ['dist', 'signatures'], op: 'set', value }] };
    },
  ],
  [2, versionField(['name'])],
  [2, versionField(['version'])],
  [1, versionField(['dist', 'attestations'])],
  [1, versionField(['dist'])],
  [
    2,
    (ctx) => {
      const p = ctx.rng.pick(
        allPaths(ctx.c.versionDoc).filter(
          (x) => x[0] === 'name' || x[0] === 'version' || (x[0] === 'dist' && ['integrity', 'signatures'].includes(String(x[1]))),
        ),
      );
      const m = mutateValue(ctx.rng, ctx.c.versionDoc, p, 'version');
      return m && { target: targetOf('version', m.edit.path, ctx.c), op: m.op, edits: [m.edit] };
    },
  ],

  // DSSE envelopes
  [6, bundleField(undefined, (_b, i) => bundlePath(i, 'dsseEnvelope', 'payload'), 'bytes')],
  [
    6,
    (ctx) => {
      const e = pickBundle(ctx);
      return e ? encodedJsonEdit(ctx, bundlePath(e.index, 'dsseEnvelope', 'payload'), 'statement', statementFocus(ctx.rng)) : null;
    },
  ],
  [4, subjectEdit],
  [5, bundleField(undefined, (_b, i) => bundlePath(i, 'dsseEnvelope', 'signatures', 0, 'sig'), 'bytes')],
  [1, bundleField(undefined, (_b, i) => bundlePath(i, 'dsseEnvelope', 'payloadType'))],
  [2, bundleField(undefined, (_b, i) => bundlePath(i, 'dsseEnvelope', 'signatures'))],
  [
    1,
    (ctx) => {
      const e = pickBundle(ctx);
      const other = pickBundle({ ...ctx, c: ctx.rng.pick(ctx.all) });
      const sig = other && getAt(other.bundle, ['dsseEnvelope', 'signatures', 0]);
      if (!e || !sig) return null;
      return {
        target: `${e.role}:dsseEnvelope.signatures`,
        op: 'add-signature',
        edits: [{ doc: 'attestations', path: bundlePath(e.index, 'dsseEnvelope', 'signatures', 1), op: 'insert', value: sig }],
      };
    },
  ],

  // verification material: certificates and keys
  [6, bundleField('provenance', certPath, 'bytes')],
  [
    1,
    bundleField('provenance', (b, i) =>
      getAt(b, ['verificationMaterial', 'x509CertificateChain']) !== undefined
        ? bundlePath(i, 'verificationMaterial', 'x509CertificateChain', 'certificates')
        : undefined,
    ),
  ],
  [
    2,
    (ctx) => {
      const e = pickBundle(ctx, 'publish');
      if (!e) return null;
      const path = bundlePath(e.index, 'verificationMaterial', 'publicKey', 'hint');
      const current = getAt(ctx.c.attestations, path);
      if (typeof current !== 'string') return null;
      const other = OTHER_KEY_IDS.filter((k) => k !== current);
      const value = ctx.rng.int(2) ? ctx.rng.pick(other) : mutateText(ctx.rng, current).text;
      return {
        target: 'publish:verificationMaterial.publicKey.hint',
        op: other.includes(value) ? 'other-registry-key' : 'text',
        edits: [{ doc: 'attestations', path, op: 'set', value }],
      };
    },
  ],
  [1, bundleField(undefined, (_b, i) => bundlePath(i, 'verificationMaterial'))],
  [
    1,
    (ctx) => {
      const e = pickBundle(ctx);
      if (!e) return null;
      const value: Json = ctx.rng.pick([
        { rfc3161Timestamps: [{ signedTimestamp: ctx.rng.bytes(64).toString('base64') }] },
        { rfc3161Timestamps: 'x' },
        'x',
        [],
      ]);
      return {
        target: `${e.role}:verificationMaterial.timestampVerificationData`,
        op: 'garbage-timestamp',
        edits: [{ doc: 'attestations', path: bundlePath(e.index, 'verificationMaterial', 'timestampVerificationData'), op: 'set', value }],
      };
    },
  ],

  // transparency-log entries
  [3, tlogField('logIndex')],
  [3, tlogField('integratedTime')],
  [2, tlogField('logId', 'keyId')],
  [1, tlogField('kindVersion', 'kind')],
  [1, tlogField('kindVersion', 'version')],
  [4, tlogField('inclusionPromise', 'signedEntryTimestamp')],
  [2, tlogField('inclusionPromise')],
  [2, tlogField('inclusionProof')],
  [2, tlogField('inclusionProof', 'logIndex')],
  [3, tlogField('inclusionProof', 'rootHash')],
  [2, tlogField('inclusionProof', 'treeSize')],
  [3, tlogField('inclusionProof', 'hashes', 0)],
  [2, tlogField('inclusionProof', 'hashes')],
  [4, checkpointEdit],
  [4, tlogField('canonicalizedBody')],
  [
    4,
    (ctx) => {
      const e = pickBundle(ctx);
      const base = e && tlogBase(e.bundle, e.index);
      return base ? encodedJsonEdit(ctx, [...base, 'canonicalizedBody'], 'rekor-body') : null;
    },
  ],
  [2, bundleField(undefined, (_b, i) => bundlePath(i, 'verificationMaterial', 'tlogEntries'))],
  [
    1,
    (ctx) => {
      const e = pickBundle(ctx);
      const other = pickBundle({ ...ctx, c: ctx.rng.pick(otherCases(ctx)) });
      const entry = other && getAt(other.bundle, ['verificationMaterial', 'tlogEntries', 0]);
      if (!e || !entry) return null;
      return {
        target: `${e.role}:verificationMaterial.tlogEntries`,
        op: 'add-other-entry',
        edits: [{ doc: 'attestations', path: bundlePath(e.index, 'verificationMaterial', 'tlogEntries', 1), op: 'insert', value: entry }],
      };
    },
  ],

  // the attestations list and each entry's listing
  [
    2,
    (ctx) => {
      const list = getAt(ctx.c.attestations, ['attestations']);
      if (!Array.isArray(list)) return null;
      const kind = ctx.rng.pick(['remove-publish', 'remove-provenance', 'empty', 'add-other-case', 'only-other-case-publish'] as const);
      const publish = list.findIndex((a) => isObject(a) && a.predicateType === PUBLISH);
      const provenance = list.findIndex((a) => isObject(a) && a.predicateType !== PUBLISH);
      const other = ctx.rng.pick(otherCases(ctx));
      const otherList = getAt(other.attestations, ['attestations']);
      const otherEntry = Array.isArray(otherList) ? ctx.rng.pick(otherList) : undefined;
      let value: Json;
      if (kind === 'remove-publish') value = list.filter((_, i) => i !== publish);
      else if (kind === 'remove-provenance') value = list.filter((_, i) => i !== provenance);
      else if (kind === 'empty') value = [];
      else if (kind === 'add-other-case') {
        if (!otherEntry) return null;
        value = [...list, otherEntry];
      } else {
        const op = Array.isArray(otherList) ? otherList.find((a) => isObject(a) && a.predicateType === PUBLISH) : undefined;
        if (!op || publish < 0) return null;
        value = list.map((a, i) => (i === publish ? op : a));
      }
      if (JSON.stringify(value) === JSON.stringify(list)) return null;
      return { target: 'attestations:attestations', op: kind, edits: [{ doc: 'attestations', path: ['attestations'], op: 'set', value }] };
    },
  ],
  [
    2,
    (ctx) => {
      const e = pickBundle(ctx);
      if (!e) return null;
      const path: PathSeg[] = ['attestations', e.index, 'predicateType'];
      const value = ctx.rng.pick([
        PUBLISH,
        'https://slsa.dev/provenance/v0.2',
        'https://slsa.dev/provenance/v1',
        'https://in-toto.io/Statement/v1',
        '',
        'x',
      ]);
      if (value === getAt(ctx.c.attestations, path)) return null;
      return { target: `${e.role}:entry.predicateType`, op: 'other-type', edits: [{ doc: 'attestations', path, op: 'set', value }] };
    },
  ],
  [
    1,
    (ctx) => {
      const e = pickBundle(ctx);
      if (!e) return null;
      const value = ctx.rng.pick<Json>([
        'application/json',
        'application/vnd.dev.sigstore.bundle+json',
        'application/vnd.dev.sigstore.bundle+json;version=9',
        '',
        7,
        null,
      ]);
      return {
        target: `${e.role}:mediaType`,
        op: 'invalid-media-type',
        edits: [{ doc: 'attestations', path: bundlePath(e.index, 'mediaType'), op: 'set', value }],
      };
    },
  ],

  // cross-case swaps
  [8, swapEdit],

  // anywhere in a bundle or the version document's bound fields (generic)
  [
    10,
    (ctx) => {
      const e = pickBundle(ctx);
      if (!e) return null;
      const p = ctx.rng.pick(allPaths(e.bundle));
      const path = bundlePath(e.index, ...p);
      const m = mutateValue(ctx.rng, ctx.c.attestations, path, 'attestations');
      return m && { target: targetOf('attestations', m.edit.path, ctx.c), op: m.op, edits: [m.edit] };
    },
  ],
];

// ---------------------------------------------------------------------------------------------

export interface Generated {
  mutation: Mutation;
  /** Candidate mutations drawn and rejected because they only touched an allow-listed (unbound) field. */
  avoided: { rule: string; target: string }[];
}

/** Mutation number `index` of the run: deterministic in (rng, cases). */
export function generateMutation(rng: Rng, index: number, cases: readonly FuzzCase[]): Generated {
  const avoided: Generated['avoided'] = [];
  for (let attempt = 0; attempt < 1000; attempt++) {
    const c = rng.pick(cases);
    const mutator = rng.weighted(MUTATORS);
    const draft = mutator({ rng, c, all: cases });
    if (!draft) continue;
    let versionDoc: Json = c.versionDoc;
    let attestations: Json = c.attestations;
    for (const e of draft.edits) {
      if (e.doc === 'version') versionDoc = applyEdit(versionDoc, e);
      else attestations = applyEdit(attestations, e);
    }
    const changedVersion = JSON.stringify(versionDoc) !== JSON.stringify(c.versionDoc);
    const changedAttestations = JSON.stringify(attestations) !== JSON.stringify(c.attestations);
    if (!changedVersion && !changedAttestations) continue;
    const rule = draft.edits
      .map((e) =>
        unboundRule(e, e.doc === 'version' ? c.versionDoc : c.attestations, e.doc === 'version' ? versionDoc : attestations, {
          versionDoc,
          versionDocUnchanged: !changedVersion,
        }),
      )
      .find(Boolean);
    if (rule) {
      avoided.push({ rule: rule.id, target: draft.target });
      continue;
    }
    return {
      mutation: {
        index,
        caseId: c.id,
        target: draft.target,
        op: draft.op,
        detail: draft.detail ?? draft.edits.map((e) => `${e.doc} ${pathString(e.path)} ${e.op}`).join('; '),
        edits: draft.edits,
        ...(changedVersion ? { versionDoc } : {}),
        ...(changedAttestations ? { attestations } : {}),
      },
      avoided,
    };
  }
  throw new Error(`no mutation could be drawn for index ${index}`);
}
