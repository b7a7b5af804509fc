/**
 * Persistent verdict cache.
 *
 * A verdict is a pure function of (registry, name, version, integrity, trust material): the same bytes
 * checked against the same trust material always give the same answer, so verdicts are immutable per key.
 * `trustFingerprint` must identify ALL the trust a verdict was computed under: the engine passes a scope
 * covering the trusted root, the npm keys (TUF, a keys file, or those a registry publishes), the registry
 * and the attestation registry. No lookup ignores it, offline included.
 * Only final answers are kept — `verified`, `no-provenance`, `invalid` — never `unavailable` (a transient
 * failure) or `not-applicable` (not about registry contents).
 *
 * Layout under `dir` (pass e.g. `<cacheDir>/verdicts`):
 *   by-key/<sha256 of the key>.json          one verdict per full key
 *   latest/<sha256 of registry,name,version,trustFingerprint>.json   the last verdict stored for that
 *                                            version under that trust (any integrity), for offline mode
 *   keys/<sha256 of registry>.json           the fingerprint of the signing keys a registry last published,
 *                                            so that offline runs know which keys are in force
 * Each file is `{ format, key, storedAt, verdict }`, written atomically (temp file + rename). A file that
 * cannot be parsed, has another format, or whose stored key differs from the one asked for is deleted
 * and treated as absent — never trusted.
 *
 * Without `dir` the cache lives in memory only.
 */
import { createHash, randomBytes } from 'node:crypto';
import { promises as fsp } from 'node:fs';
import * as path from 'node:path';
import type { Verdict, VerdictStatus } from '../types';

export interface VerdictKey {
  registry: string;
  name: string;
  version: string;
  /** dist.integrity the verdict was computed for. */
  integrity: string;
  /** Identifies the trust material (trusted root + registry keys) the verdict was computed with. */
  trustFingerprint: string;
}

/** Bumped whenever the stored shape changes; files of other formats are discarded. */
export const VERDICT_CACHE_FORMAT = 2;

const PERSISTED: ReadonlySet<VerdictStatus> = new Set<VerdictStatus>(['verified', 'no-provenance', 'invalid']);
const ALL_STATUSES: ReadonlySet<string> = new Set(['verified', 'no-provenance', 'invalid', 'unavailable', 'not-applicable']);
const MAX_FILE_BYTES = 1024 * 1024;

interface StoredEntry {
  format: number;
  key: VerdictKey;
  storedAt: string;
  verdict: Verdict;
}

/** Whether a verdict of this status may be persisted. */
export function isCacheableVerdict(verdict: Pick<Verdict, 'status'>): boolean {
  return PERSISTED.has(verdict.status);
}

function hashOf(parts: string[]): string {
  return createHash('sha256').update(JSON.stringify(parts)).digest('hex');
}

function keyParts(key: VerdictKey): string[] {
  return [key.registry, key.name, key.version, key.integrity, key.trustFingerprint];
}

function sameKey(a: VerdictKey, b: VerdictKey): boolean {
  return a.registry === b.registry && a.name === b.name && a.version === b.version && a.integrity === b.integrity && a.trustFingerprint === b.trustFingerprint;
}

function isString(v: unknown): v is string {
  return typeof v === 'string';
}

function isValidKey(v: unknown): v is VerdictKey {
  if (typeof v !== 'object' || v === null) return false;
  const k = v as Record<string, unknown>;
  return isString(k.registry) && isString(k.name) && isString(k.version) && isString(k.integrity) && isString(k.trustFingerprint);
}

/** The verdict must be about the key's package and integrity, and of a persisted status. */
function verdictMatchesKey(verdict: unknown, key: VerdictKey): verdict is Verdict {
  if (typeof verdict !== 'object' || verdict === null) return false;
  const v = verdict as Record<string, unknown>;
  if (!isString(v.status) || !ALL_STATUSES.has(v.status) || !PERSISTED.has(v.status as VerdictStatus)) return false;
  if (v.name !== key.name || v.version !== key.version) return false;
  if (v.integrity !== undefined && v.integrity !== key.integrity) return false;
  if (v.reason !== undefined && (typeof v.reason !== 'object' || v.reason === null || !isString((v.reason as Record<string, unknown>).code))) return false;
  if (v.status !== 'verified' && v.reason === undefined) return false;
  return true;
}

function checkKey(key: VerdictKey): void {
  if (!isValidKey(key)) throw new TypeError('VerdictKey needs string registry, name, version, integrity and trustFingerprint');
}

export class VerdictCache {
  readonly dir: string | undefined;
  private readonly memory = new Map<string, StoredEntry>();
  private readonly memoryLatest = new Map<string, StoredEntry>();
  private readonly memoryKeys = new Map<string, string>();

  constructor(dir?: string) {
    this.dir = dir ? path.resolve(dir) : undefined;
  }

  /** The verdict stored for exactly this key, marked `cached: true`; undefined when none (or unusable). */
  async get(key: VerdictKey): Promise<Verdict | undefined> {
    checkKey(key);
    const id = hashOf(keyParts(key));
    if (!this.dir) return fromEntry(this.memory.get(id));
    const entry = await this.readEntry(path.join(this.dir, 'by-key', `${id}.json`), (stored) => sameKey(stored, key));
    return fromEntry(entry);
  }

  /**
   * The most recently stored verdict for registry/name/version under exactly this trust fingerprint,
   * whatever its integrity (offline mode, before the integrity is known). The caller binds it to what it
   * installs.
   */
  async getLatest(registry: string, name: string, version: string, trustFingerprint: string): Promise<Verdict | undefined> {
    if (typeof trustFingerprint !== 'string') throw new TypeError('getLatest needs the trust fingerprint');
    const id = hashOf([registry, name, version, trustFingerprint]);
    if (!this.dir) return fromEntry(this.memoryLatest.get(id));
    const entry = await this.readEntry(
      path.join(this.dir, 'latest', `${id}.json`),
      (stored) => stored.registry === registry && stored.name === name && stored.version === version && stored.trustFingerprint === trustFingerprint,
    );
    return fromEntry(entry);
  }

  /** Remember the fingerprint of the signing keys `registry` publishes ('none' when it publishes none). */
  async setRegistryKeys(registry: string, fingerprint: string): Promise<void> {
    const id = hashOf(['keys', registry]);
    this.memoryKeys.set(id, fingerprint);
    if (!this.dir) return;
    await writeAtomic(path.join(this.dir, 'keys', `${id}.json`), `${JSON.stringify({ format: VERDICT_CACHE_FORMAT, registry, fingerprint })}\n`);
  }

  /** The keys fingerprint last remembered for `registry`, if any. */
  async getRegistryKeys(registry: string): Promise<string | undefined> {
    const id = hashOf(['keys', registry]);
    const mem = this.memoryKeys.get(id);
    if (mem !== undefined || !this.dir) return mem;
    try {
      const parsed = JSON.parse(await fsp.readFile(path.join(this.dir, 'keys', `${id}.json`), 'utf8')) as Record<string, unknown>;
      if (parsed.format === VERDICT_CACHE_FORMAT && parsed.registry === registry && typeof parsed.fingerprint === 'string') return parsed.fingerprint;
    } catch {
      /* absent or unreadable */
    }
    return undefined;
  }

  /**
   * Stores a final verdict. Returns false, storing nothing, for statuses that are never persisted and for
   * a verdict that is not about the key (other name/version, or an integrity other than the key's).
   */
  async set(key: VerdictKey, verdict: Verdict): Promise<boolean> {
    checkKey(key);
    if (!isCacheableVerdict(verdict)) return false;
    const clean: Verdict = { ...verdict };
    delete clean.cached;
    if (!verdictMatchesKey(clean, key)) return false;
    const entry: StoredEntry = { format: VERDICT_CACHE_FORMAT, key: { ...key }, storedAt: new Date().toISOString(), verdict: clean };
    const id = hashOf(keyParts(key));
    const latestId = hashOf([key.registry, key.name, key.version, key.trustFingerprint]);
    if (!this.dir) {
      this.memory.set(id, structuredClone(entry));
      this.memoryLatest.set(latestId, structuredClone(entry));
      return true;
    }
    const text = `${JSON.stringify(entry)}\n`;
    await writeAtomic(path.join(this.dir, 'by-key', `${id}.json`), text);
    await writeAtomic(path.join(this.dir, 'latest', `${latestId}.json`), text);
    return true;
  }

  /** Removes every stored verdict (only this cache's own folders are touched). */
  async clear(): Promise<void> {
    this.memory.clear();
    this.memoryLatest.clear();
    this.memoryKeys.clear();
    if (!this.dir) return;
    await Promise.all(['by-key', 'latest', 'keys'].map((d) => fsp.rm(path.join(this.dir!, d), { recursive: true, force: true })));
  }

  /** Reads a stored entry; deletes the file when it is corrupt, of another format or for another key. */
  private async readEntry(file: string, keyMatches: (stored: VerdictKey) => boolean): Promise<StoredEntry | undefined> {
    let text: string;
    try {
      const handle = await fsp.open(file, 'r');
      try {
        const { size } = await handle.stat();
        text = size > MAX_FILE_BYTES ? '' : await handle.readFile('utf8');
      } finally {
        await handle.close().catch(() => undefined);
      }
    } catch {
      return undefined; // absent or unreadable
    }
    let parsed: unknown;
    try {
      parsed = JSON.parse(text);
    } catch {
      await discard(file);
      return undefined;
    }
    const entry = parsed as Partial<StoredEntry> | null;
    if (
      typeof entry !== 'object' ||
      entry === null ||
      entry.format !== VERDICT_CACHE_FORMAT ||
      !isValidKey(entry.key) ||
      !keyMatches(entry.key) ||
      !verdictMatchesKey(entry.verdict, entry.key)
    ) {
      await discard(file);
      return undefined;
    }
    return entry as StoredEntry;
  }
}

function fromEntry(entry: StoredEntry | undefined): Verdict | undefined {
  if (!entry) return undefined;
  return { ...structuredClone(entry.verdict), cached: true };
}

async function discard(file: string): Promise<void> {
  await fsp.rm(file, { force: true }).catch(() => undefined);
}

async function writeAtomic(file: string, text: string): Promise<void> {
  await fsp.mkdir(path.dirname(file), { recursive: true });
  const tmp = `${file}.${process.pid}.${randomBytes(6).toString('hex')}.tmp`;
  try {
    await fsp.writeFile(tmp, text, { encoding: 'utf8', flag: 'wx' });
    await fsp.rename(tmp, file);
  } catch (err) {
    await fsp.rm(tmp, { force: true }).catch(() => undefined);
    throw err;
  }
}
