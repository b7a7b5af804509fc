/**
 * npm registry signing keys: parsing both published formats and choosing a key for a purpose.
 *
 * Formats accepted by `parseNpmKeys`:
 * - the Sigstore TUF target `registry.npmjs.org/keys.json`:
 *   `{ keys: [{ keyId, keyUsage, publicKey: { rawBytes, keyDetails, validFor: { start, end? } } }] }`
 * - the registry endpoint `GET /-/npm/v1/keys`:
 *   `{ keys: [{ expires, keyid, keytype, scheme, key }] }` (key = base64 SPKI DER)
 *
 * Both are untrusted input when they come from a registry: every field is checked, and a malformed
 * entry makes the whole document rejected with a `MalformedNpmKeysError` (never a crash, never a
 * half-parsed key list that could turn a real key into an "unknown key").
 */
import { createPublicKey, type KeyObject } from 'node:crypto';
import { MalformedNpmKeysError, errorMessage } from '../errors';
import { isRecord } from '../util/guards';

export type NpmKeyUsage = 'npm:signatures' | 'npm:attestations';

export interface NpmKey {
  keyId: string;
  /** What the key signs; absent (registry endpoint format) means both. */
  usage?: NpmKeyUsage;
  publicKey: KeyObject;
  validFrom?: Date;
  validUntil?: Date;
}

const USAGES: readonly string[] = ['npm:signatures', 'npm:attestations'];
const BASE64 = /^(?:[A-Za-z0-9+/]{4})*(?:[A-Za-z0-9+/]{2}==|[A-Za-z0-9+/]{3}=)?$/;
const KEY_ID = /^[\x21-\x7e]{1,256}$/;

function fail(index: number, message: string): never {
  throw new MalformedNpmKeysError(`npm keys: entry ${index + 1} ${message}`);
}

function parseKeyId(index: number, value: unknown): string {
  if (typeof value !== 'string' || !KEY_ID.test(value)) fail(index, 'has no valid key id');
  return value;
}

function parseDate(index: number, what: string, value: unknown): Date {
  if (typeof value !== 'string' || value.length > 64) fail(index, `has an invalid ${what} date`);
  const d = new Date(value);
  if (Number.isNaN(d.getTime())) fail(index, `has an invalid ${what} date: ${JSON.stringify(value)}`);
  return d;
}

/** Parse base64 SPKI DER and insist on an ECDSA P-256 key (the only kind npm uses). */
function parseSpki(index: number, value: unknown): KeyObject {
  if (typeof value !== 'string' || value.length === 0 || value.length > 4096 || !BASE64.test(value)) {
    fail(index, 'has a public key that is not base64');
  }
  let key: KeyObject;
  try {
    key = createPublicKey({ key: Buffer.from(value, 'base64'), format: 'der', type: 'spki' });
  } catch (err) {
    fail(index, `has a public key that cannot be parsed (${errorMessage(err)})`);
  }
  if (key.asymmetricKeyType !== 'ec' || key.asymmetricKeyDetails?.namedCurve !== 'prime256v1') {
    fail(index, `has a ${key.asymmetricKeyType ?? 'unknown'} key; only ECDSA P-256 keys are supported`);
  }
  return key;
}

function parseTufEntry(index: number, e: Record<string, unknown>): NpmKey | undefined {
  const keyId = parseKeyId(index, e.keyId);
  let usage: NpmKeyUsage | undefined;
  if (e.keyUsage !== undefined) {
    if (typeof e.keyUsage !== 'string') fail(index, 'has an invalid keyUsage');
    // A key for some other purpose is irrelevant here (not malformed): leave it out.
    if (!USAGES.includes(e.keyUsage)) return undefined;
    usage = e.keyUsage as NpmKeyUsage;
  }
  const pk = e.publicKey;
  if (!isRecord(pk)) fail(index, 'has no publicKey object');
  if (pk.keyDetails !== undefined && pk.keyDetails !== 'PKIX_ECDSA_P256_SHA_256') {
    fail(index, `has unsupported keyDetails ${JSON.stringify(pk.keyDetails)}`);
  }
  const publicKey = parseSpki(index, pk.rawBytes);
  const key: NpmKey = { keyId, publicKey };
  if (usage) key.usage = usage;
  if (pk.validFor !== undefined) {
    if (!isRecord(pk.validFor)) fail(index, 'has an invalid validFor');
    if (pk.validFor.start !== undefined) key.validFrom = parseDate(index, 'validFor.start', pk.validFor.start);
    if (pk.validFor.end !== undefined && pk.validFor.end !== null) key.validUntil = parseDate(index, 'validFor.end', pk.validFor.end);
  }
  return key;
}

function parseRegistryEntry(index: number, e: Record<string, unknown>): NpmKey {
  const keyId = parseKeyId(index, e.keyid);
  if (e.keytype !== 'ecdsa-sha2-nistp256') fail(index, `has unsupported keytype ${JSON.stringify(e.keytype)}`);
  if (e.scheme !== 'ecdsa-sha2-nistp256') fail(index, `has unsupported scheme ${JSON.stringify(e.scheme)}`);
  const publicKey = parseSpki(index, e.key);
  const key: NpmKey = { keyId, publicKey };
  if (e.expires !== undefined && e.expires !== null) key.validUntil = parseDate(index, 'expires', e.expires);
  return key;
}

/**
 * Parse npm registry keys in either format (TUF `keys.json` target or the `/-/npm/v1/keys` response).
 * Throws `MalformedNpmKeysError` with a plain message when the document or any entry is malformed.
 */
export function parseNpmKeys(json: unknown): NpmKey[] {
  if (typeof json === 'string') {
    try {
      json = JSON.parse(json) as unknown;
    } catch (err) {
      throw new MalformedNpmKeysError(`npm keys: not JSON (${errorMessage(err)})`);
    }
  }
  if (!isRecord(json) || !Array.isArray(json.keys)) {
    throw new MalformedNpmKeysError('npm keys: expected an object with a "keys" array');
  }
  if (json.keys.length > 1000) throw new MalformedNpmKeysError('npm keys: too many keys');
  const keys: NpmKey[] = [];
  json.keys.forEach((entry: unknown, index: number) => {
    if (!isRecord(entry)) fail(index, 'is not an object');
    if ('keyId' in entry) {
      const key = parseTufEntry(index, entry);
      if (key) keys.push(key);
    } else if ('keyid' in entry) {
      keys.push(parseRegistryEntry(index, entry));
    } else {
      fail(index, 'has neither "keyId" (TUF format) nor "keyid" (registry format)');
    }
  });
  return keys;
}

/** The same parser, named for its use on a registry's `GET /-/npm/v1/keys` response. */
export const npmKeysFromRegistryResponse = parseNpmKeys;

/** Keys with this id that may be used for `usage` (a key without a usage serves both). */
export function keysFor(keys: readonly NpmKey[], keyId: string, usage: NpmKeyUsage): NpmKey[] {
  return keys.filter((k) => k.keyId === keyId && (k.usage === undefined || k.usage === usage));
}

/** Whether `date` is within the key's validity window (start inclusive; end exclusive, as npm does). */
export function keyValidAt(key: NpmKey, date: Date): boolean {
  const t = date.getTime();
  if (key.validFrom && t < key.validFrom.getTime()) return false;
  if (key.validUntil && t >= key.validUntil.getTime()) return false;
  return true;
}

/** Stable description of a key set, for fingerprints. */
export function describeKeys(keys: readonly NpmKey[]): string {
  return keys
    .map((k) =>
      [
        k.keyId,
        k.usage ?? '',
        k.publicKey.export({ format: 'der', type: 'spki' }).toString('base64'),
        k.validFrom?.toISOString() ?? '',
        k.validUntil?.toISOString() ?? '',
      ].join('|'),
    )
    .sort()
    .join('\n');
}
