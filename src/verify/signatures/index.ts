/**
 * The registry's own ECDSA signatures (`dist.signatures`): ECDSA P-256 / SHA-256 over
 * `${name}@${version}:${integrity}`, each entry naming the registry key (`keyid`) that made it.
 *
 * Key validity and publish time (the same rule as npm/cli and pacote): a key is usable for a version
 * when the version's publish time is within the key's validity window (`validFrom` <= t < `validUntil`,
 * `validUntil` being the registry's `expires`). When the publish time is unknown, npm/pacote fall back
 * to an old cut-off date, i.e. accept the key; we do the same (a signature made while the key was in
 * service is the normal case for every version published before a rotation) but say so in the message.
 * The engine supplies the publish time whenever a key in play has an expiry, so this fallback is rare.
 */
import { crypto as sigstoreCrypto } from '@sigstore/core';
import type { RegistrySignature } from '../types';
import { keysFor, keyValidAt, type NpmKey } from '../trust/keys';
import { isRecord } from '../util/guards';

export interface RegistrySignatureInput {
  name: string;
  version: string;
  /** dist.integrity exactly as served (the signed message contains it verbatim). */
  integrity: string;
  /** dist.signatures as served: untrusted, may be anything. */
  signatures?: unknown;
  publishTime?: Date;
}

const BASE64 = /^(?:[A-Za-z0-9+/]{4})*(?:[A-Za-z0-9+/]{2}==|[A-Za-z0-9+/]{3}=)?$/;
const MAX_SIGNATURES = 16;

interface Entry {
  keyid: string;
  sig: Buffer;
}

/** Quote an untrusted string for a message (bounded length, JSON-escaped). */
function q(s: string): string {
  return JSON.stringify(s.length > 120 ? `${s.slice(0, 120)}…` : s);
}

function parseEntries(signatures: unknown): Entry[] | string {
  if (!Array.isArray(signatures)) return 'dist.signatures is not a list';
  if (signatures.length > MAX_SIGNATURES) return `dist.signatures has ${signatures.length} entries`;
  const entries: Entry[] = [];
  for (const [i, s] of signatures.entries()) {
    if (!isRecord(s) || typeof s.keyid !== 'string' || s.keyid.length === 0 || typeof s.sig !== 'string') {
      return `dist.signatures entry ${i + 1} is not a {keyid, sig} pair`;
    }
    if (s.sig.length === 0 || s.sig.length > 1024 || !BASE64.test(s.sig))
      return `dist.signatures entry ${i + 1} has a signature that is not base64`;
    entries.push({ keyid: s.keyid, sig: Buffer.from(s.sig, 'base64') });
  }
  return entries;
}

const day = (d: Date): string => d.toISOString().slice(0, 10);

/**
 * The ECDSA check, kept per key object: a pure function of (message, key, signature) that the engine asks
 * again when it judges the same version at another time (before and after the attestations).
 */
const checked = new WeakMap<object, Map<string, boolean>>();
const MAX_CHECKED_PER_KEY = 4096;
function ecdsaVerifies(message: Buffer, key: NpmKey['publicKey'], sig: Buffer): boolean {
  let byKey = checked.get(key);
  if (!byKey) {
    byKey = new Map();
    checked.set(key, byKey);
  }
  const id = `${sig.toString('base64')} ${message.toString('utf8')}`;
  let ok = byKey.get(id);
  if (ok === undefined) {
    ok = sigstoreCrypto.verify(message, key, sig, 'sha256');
    if (byKey.size >= MAX_CHECKED_PER_KEY) byKey.clear();
    byKey.set(id, ok);
  }
  return ok;
}

/**
 * Check a version's registry signatures against the registry's keys.
 * `keys` null (or without any signing key) means the registry publishes none: `unsupported`.
 * Never throws.
 */
export function verifyRegistrySignatures(input: RegistrySignatureInput, keys: NpmKey[] | null): RegistrySignature {
  const id = `${input.name}@${input.version}`;
  const signingKeys = (keys ?? []).filter((k) => k.usage === undefined || k.usage === 'npm:signatures');
  if (signingKeys.length === 0) {
    return {
      status: 'unsupported',
      message: `The registry publishes no signing keys, so the registry signature of ${q(id)} cannot be checked.`,
    };
  }
  if (input.signatures === undefined || input.signatures === null || (Array.isArray(input.signatures) && input.signatures.length === 0)) {
    return { status: 'missing', message: `${q(id)} carries no registry signature, although the registry publishes signing keys.` };
  }
  const entries = parseEntries(input.signatures);
  if (typeof entries === 'string') {
    return { status: 'invalid', message: `The registry signature of ${q(id)} is malformed: ${entries}.` };
  }

  const message = Buffer.from(`${input.name}@${input.version}:${input.integrity}`, 'utf8');
  let expiredNote: string | undefined;
  for (const entry of entries) {
    const candidates = keysFor(signingKeys, entry.keyid, 'npm:signatures');
    if (candidates.length === 0) {
      return {
        status: 'unknown-key',
        keyId: entry.keyid,
        message: `${q(id)} is signed with registry key ${q(entry.keyid)}, which the registry does not publish.`,
      };
    }
    const verifying = candidates.filter((k) => ecdsaVerifies(message, k.publicKey, entry.sig));
    if (verifying.length === 0) {
      return {
        status: 'invalid',
        keyId: entry.keyid,
        message: `The registry signature of ${q(id)} does not match its name, version and integrity (key ${q(entry.keyid)}): the version document was altered or the signature is corrupt.`,
      };
    }
    if (input.publishTime && !Number.isNaN(input.publishTime.getTime())) {
      const t = input.publishTime;
      if (!verifying.some((k) => keyValidAt(k, t))) {
        const k = verifying[0];
        const why =
          k.validFrom && t < k.validFrom
            ? `was not in service before ${day(k.validFrom)}`
            : k.validUntil
              ? `expired on ${day(k.validUntil)}`
              : 'was not valid then';
        return {
          status: 'expired-key',
          keyId: entry.keyid,
          message: `${q(id)} was published on ${day(t)}, but the registry key ${q(entry.keyid)} that signed it ${why}.`,
        };
      }
    } else {
      const now = new Date();
      if (!verifying.some((k) => keyValidAt(k, now))) {
        const until = verifying.map((k) => k.validUntil).find((d): d is Date => d !== undefined);
        expiredNote = ` Registry key ${q(entry.keyid)} is no longer in service${until ? ` (it expired on ${day(until)})` : ''} and the publish time is unknown, so it was accepted as npm does, assuming the version was published while the key was in service.`;
      }
    }
  }
  const keyId = entries[0].keyid;
  return {
    status: 'valid',
    keyId,
    message: `The registry signature of ${q(id)} is valid (key ${q(keyId)}).${expiredNote ?? ''}`,
  };
}
