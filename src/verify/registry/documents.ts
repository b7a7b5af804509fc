/**
 * Shapes of the registry documents the client returns, and their validation. Registry responses are
 * untrusted: every field the verifier relies on is checked for its type here, and a document whose
 * security-relevant fields have the wrong type is rejected as a whole ('malformed-response') rather
 * than partly ignored (ignoring a malformed `dist.signatures` would turn "invalid" into "missing").
 * Fields not listed are passed through untouched as `unknown`.
 */
import * as ssri from 'ssri';
import { isRecord } from '../util/guards';

export interface RegistrySignatureEntry {
  keyid: string;
  sig: string;
}

export interface DistAttestations {
  url: string;
  provenance?: { predicateType: string };
}

export interface RegistryDist {
  /** SRI string (sha512 for anything published since 2017). */
  integrity?: string;
  shasum?: string;
  tarball?: string;
  signatures?: RegistrySignatureEntry[];
  attestations?: DistAttestations;
  [key: string]: unknown;
}

/** `GET /<name>/<version>`, and each entry of a packument's `versions`. */
export interface VersionDocument {
  name: string;
  version: string;
  dist: RegistryDist;
  [key: string]: unknown;
}

export interface Packument {
  name: string;
  'dist-tags': Record<string, string>;
  versions: Record<string, VersionDocument>;
  /** Full packuments only: ISO times by version, plus `created` / `modified`. */
  time?: Record<string, string>;
  /** Abbreviated packuments: last modification. */
  modified?: string;
  /** True when this is the abbreviated ("corgi") document. */
  abbreviated: boolean;
  [key: string]: unknown;
}

export interface AttestationEntry {
  predicateType: string;
  bundle: Record<string, unknown>;
}

/** `GET /-/npm/v1/attestations/<name>@<version>`. */
export interface AttestationsDocument {
  attestations: AttestationEntry[];
}

export interface RegistryKey {
  keyid: string;
  /** Base64 DER SubjectPublicKeyInfo. */
  key: string;
  /** ISO time the key stopped being valid, or null. */
  expires: string | null;
  keytype?: string;
  scheme?: string;
}

/** `GET /-/npm/v1/keys`. */
export interface RegistryKeysDocument {
  keys: RegistryKey[];
}

/** Thrown by the validators; the client turns it into RegistryError('malformed-response'). */
export class ShapeError extends Error {
  override readonly name = 'ShapeError';
}

const MAX_STRING = 1024 * 1024;

function fail(message: string): never {
  throw new ShapeError(message);
}

function checkOptionalString(obj: Record<string, unknown>, key: string, where: string): void {
  const v = obj[key];
  if (v !== undefined && (typeof v !== 'string' || v.length > MAX_STRING)) fail(`${where}.${key} is not a string`);
}

export function validateDist(value: unknown, where: string): RegistryDist {
  if (!isRecord(value)) fail(`${where} is not an object`);
  checkOptionalString(value, 'integrity', where);
  checkOptionalString(value, 'shasum', where);
  checkOptionalString(value, 'tarball', where);
  if (typeof value.integrity === 'string') {
    const parsed = ssri.parse(value.integrity);
    if (!parsed || !Object.keys(parsed).length) fail(`${where}.integrity is not a valid SRI string`);
  }
  if (value.signatures !== undefined) {
    const sigs = value.signatures;
    if (!Array.isArray(sigs) || sigs.length > 64) fail(`${where}.signatures is not a list`);
    sigs.forEach((s: unknown, i) => {
      if (!isRecord(s) || typeof s.keyid !== 'string' || typeof s.sig !== 'string' || s.keyid.length > 1024 || s.sig.length > 8192) {
        fail(`${where}.signatures[${i}] is not {keyid, sig}`);
      }
    });
  }
  if (value.attestations !== undefined) {
    const att = value.attestations;
    if (!isRecord(att) || typeof att.url !== 'string' || att.url.length > 8192) fail(`${where}.attestations is not {url, provenance}`);
    if (att.provenance !== undefined && (!isRecord(att.provenance) || typeof att.provenance.predicateType !== 'string')) {
      fail(`${where}.attestations.provenance is not {predicateType}`);
    }
  }
  return value as RegistryDist;
}

/** A version document; `expected` names what was asked for (names and versions must match). */
export function validateVersionDocument(
  value: unknown,
  expected: { name: string; version?: string },
  where = 'version document',
): VersionDocument {
  if (!isRecord(value)) fail(`${where} is not a JSON object`);
  if (typeof value.name !== 'string') fail(`${where} has no name`);
  if (value.name !== expected.name) fail(`${where} is for "${truncate(value.name)}", not "${expected.name}"`);
  if (typeof value.version !== 'string' || value.version.length > 256) fail(`${where} has no version`);
  if (expected.version !== undefined && value.version !== expected.version) {
    fail(`${where} is for version "${truncate(value.version)}", not "${expected.version}"`);
  }
  validateDist(value.dist, `${where}.dist`);
  return value as VersionDocument;
}

export function validatePackument(value: unknown, name: string, abbreviated: boolean): Packument {
  if (!isRecord(value)) fail('packument is not a JSON object');
  if (value.name !== name)
    fail(typeof value.name === 'string' ? `packument is for "${truncate(value.name)}", not "${name}"` : 'packument has no name');
  const distTags = value['dist-tags'] ?? {};
  if (!isRecord(distTags)) fail('packument dist-tags is not an object');
  for (const [tag, v] of Object.entries(distTags)) if (typeof v !== 'string') fail(`packument dist-tags.${truncate(tag)} is not a string`);
  const versions = value.versions ?? {};
  if (!isRecord(versions)) fail('packument versions is not an object');
  for (const [version, doc] of Object.entries(versions)) {
    const where = `packument versions["${truncate(version)}"]`;
    if (!isRecord(doc)) fail(`${where} is not an object`);
    // packument entries are checked like version documents, but tolerate a missing name (some registries omit it)
    validateVersionDocument({ ...doc, name: doc.name ?? name }, { name, version }, where);
  }
  if (value.time !== undefined) {
    if (!isRecord(value.time)) fail('packument time is not an object');
    for (const [k, v] of Object.entries(value.time)) if (typeof v !== 'string') fail(`packument time["${truncate(k)}"] is not a string`);
  }
  if (value.modified !== undefined && typeof value.modified !== 'string') fail('packument modified is not a string');
  const out = value as Packument;
  out['dist-tags'] = distTags as Record<string, string>;
  out.versions = versions as Record<string, VersionDocument>;
  out.abbreviated = abbreviated;
  return out;
}

export function validateAttestations(value: unknown): AttestationsDocument {
  if (!isRecord(value)) fail('attestations response is not a JSON object');
  const list = value.attestations;
  if (!Array.isArray(list)) fail('attestations response has no attestations list');
  if (list.length > 100) fail('attestations response lists more than 100 attestations');
  list.forEach((a: unknown, i) => {
    if (!isRecord(a)) fail(`attestations[${i}] is not an object`);
    if (typeof a.predicateType !== 'string' || a.predicateType.length > 2048) fail(`attestations[${i}].predicateType is not a string`);
    if (!isRecord(a.bundle)) fail(`attestations[${i}].bundle is not an object`);
  });
  return value as unknown as AttestationsDocument;
}

export function validateKeys(value: unknown): RegistryKeysDocument {
  if (!isRecord(value)) fail('keys response is not a JSON object');
  const keys = value.keys;
  if (!Array.isArray(keys)) fail('keys response has no keys list');
  if (keys.length > 256) fail('keys response lists more than 256 keys');
  keys.forEach((k: unknown, i) => {
    if (!isRecord(k)) fail(`keys[${i}] is not an object`);
    if (typeof k.keyid !== 'string' || k.keyid.length > 1024) fail(`keys[${i}].keyid is not a string`);
    if (typeof k.key !== 'string' || k.key.length > 65536) fail(`keys[${i}].key is not a string`);
    if (k.expires !== undefined && k.expires !== null && typeof k.expires !== 'string') fail(`keys[${i}].expires is not a string or null`);
    if (typeof k.expires === 'string' && Number.isNaN(Date.parse(k.expires))) fail(`keys[${i}].expires is not a date`);
    checkOptionalString(k, 'keytype', `keys[${i}]`);
    checkOptionalString(k, 'scheme', `keys[${i}]`);
  });
  const out = value as unknown as RegistryKeysDocument;
  for (const k of out.keys) if (k.expires === undefined) k.expires = null;
  return out;
}

function truncate(s: string, max = 100): string {
  return s.length > max ? `${s.slice(0, max)}…` : s;
}
