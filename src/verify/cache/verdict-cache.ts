/**
 * Persistent verdict cache.
 *
 * A verdict is a pure function of (registry, name, version, integrity, trust material): the same bytes
 * checked against the same trust material always give the same answer, so verdicts are immutable per key.
 * `trustFingerprint` must identify ALL the trust a verdict was computed under: the engine passes a scope
 * covering the trusted root, the npm keys (TUF, a keys file, or those a registry publishes), the registry
 * and the attestation registry. No lookup ignores it, offline included.
 * Final answers are kept — `verified`, `no-provenance`, `invalid` — never `unavailable` (a transient
 * failure) or `not-applicable` (not about registry contents), with one exception: `unavailable:
 * mirror-stripped` (the configured registry strips provenance and the attestation registry could not be
 * reached, or the judged registry serves a version without the signatures it signs everything with) is
 * kept for TRANSIENT_TTL_MS, so that a rescan through such a mirror does not ask again for what it was
 * just told. It claims nothing about the package; it is never returned after its expiry, never offline
 * as "the latest verdict", and never replaces a final verdict for the same key.
 *
 * Layout under `dir` (pass e.g. `<cacheDir>/verdicts`):
 *   v3/<sha256 of format, registry, trustFingerprint>.log   one append-only log per scope: a new process
 *                                            reads one file for all the verdicts of a registry under one
 *                                            trust, and a verdict costs one appended line
 *   keys/<sha256 of registry>.json           the fingerprint of the signing keys a registry last published,
 *                                            so that offline runs know which keys are in force
 * A log line is `<checksum> <key JSON>\t<entry JSON>`, written with a leading newline (so a line torn by
 * a crash ends there and never swallows the next one). The checksum is a sha256 over the log's scope and
 * the rest of the line: a torn, edited or truncated line, or one copied from another scope's log, does not
 * match and is ignored — never trusted. The entry's verdict must also be about the key it is filed under
 * (name, version, integrity) and of a status that is stored. Later lines for a key win (a final verdict
 * always wins over a transient one). A log with mostly dead lines is rewritten (temporary file + rename)
 * when it is read; a log larger than MAX_LOG_BYTES is discarded.
 *
 * Without `dir` the cache lives in memory only.
 */
import { createHash, randomBytes } from 'node:crypto';
import { promises as fsp } from 'node:fs';
import type { FileHandle } from 'node:fs/promises';
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

/** Bumped whenever the stored shape changes; entries of other formats are never read. */
export const VERDICT_CACHE_FORMAT = 3;

/** How long an `unavailable: mirror-stripped` verdict is reused (10 minutes). */
export const TRANSIENT_TTL_MS = 10 * 60 * 1000;

const LOG_DIR = `v${VERDICT_CACHE_FORMAT}`;
const PERSISTED: ReadonlySet<VerdictStatus> = new Set<VerdictStatus>(['verified', 'no-provenance', 'invalid']);
const ALL_STATUSES: ReadonlySet<string> = new Set(['verified', 'no-provenance', 'invalid', 'unavailable', 'not-applicable']);
/** Unavailable reasons kept for TRANSIENT_TTL_MS. */
const TRANSIENT_CODES: ReadonlySet<string> = new Set(['mirror-stripped']);
const MAX_LOG_BYTES = 64 * 1024 * 1024;
const MAX_LINE_BYTES = 1024 * 1024;
/** A log is rewritten when it has at least this many lines and more dead ones than live ones. */
const COMPACT_MIN_LINES = 256;
/** A lookup that misses reads what other processes appended since, at most this often. */
const TAIL_REFRESH_MS = 2000;
const CHECKSUM_CHARS = 64;
/** The log is kept open for appending until no verdict came for this long. */
const IDLE_CLOSE_MS = 2000;
/** Verdicts stored within this long of each other go to disk in one append (one write, not one per verdict). */
const APPEND_BATCH_MS = 25;
/** ...unless this many are waiting. */
const APPEND_BATCH_LINES = 256;
/** How a transient entry's JSON begins (StoredEntry's fields are written in this order). */
const TRANSIENT_ENTRY = /^\{"storedAt":"[^"]*","expiresAt":/;

interface StoredEntry {
  storedAt: string;
  /** Epoch ms after which a transient verdict is not used. */
  expiresAt?: number;
  verdict: Verdict;
}

/** Whether a verdict of this status may be persisted for good. */
export function isCacheableVerdict(verdict: Pick<Verdict, 'status'>): boolean {
  return PERSISTED.has(verdict.status);
}

/** Whether a verdict is kept for a short time only (see TRANSIENT_TTL_MS). */
export function isTransientVerdict(verdict: Pick<Verdict, 'status' | 'reason'>): boolean {
  return verdict.status === 'unavailable' && verdict.reason !== undefined && TRANSIENT_CODES.has(verdict.reason.code);
}

function hashOf(parts: string[]): string {
  return createHash('sha256').update(JSON.stringify(parts)).digest('hex');
}

function isString(v: unknown): v is string {
  return typeof v === 'string';
}

function isValidKey(v: unknown): v is VerdictKey {
  if (typeof v !== 'object' || v === null) return false;
  const k = v as Record<string, unknown>;
  return isString(k.registry) && isString(k.name) && isString(k.version) && isString(k.integrity) && isString(k.trustFingerprint);
}

/** The verdict must be about the key's package and integrity, and of a stored status. */
function verdictMatchesKey(verdict: unknown, key: { name: string; version: string; integrity: string }): verdict is Verdict {
  if (typeof verdict !== 'object' || verdict === null) return false;
  const v = verdict as Record<string, unknown>;
  if (!isString(v.status) || !ALL_STATUSES.has(v.status)) return false;
  if (v.name !== key.name || v.version !== key.version) return false;
  if (v.integrity !== undefined && v.integrity !== key.integrity) return false;
  if (
    v.reason !== undefined &&
    (typeof v.reason !== 'object' || v.reason === null || !isString((v.reason as Record<string, unknown>).code))
  )
    return false;
  if (v.status !== 'verified' && v.reason === undefined) return false;
  return PERSISTED.has(v.status as VerdictStatus) || isTransientVerdict(v as unknown as Verdict);
}

function checkKey(key: VerdictKey): void {
  if (!isValidKey(key)) throw new TypeError('VerdictKey needs string registry, name, version, integrity and trustFingerprint');
}

/** Whether a stored entry may be used now: final, or transient and not expired (nor dated implausibly far ahead). */
function usable(entry: StoredEntry, now: number): boolean {
  if (!isTransientVerdict(entry.verdict)) return entry.expiresAt === undefined;
  return typeof entry.expiresAt === 'number' && now < entry.expiresAt && entry.expiresAt - now <= TRANSIENT_TTL_MS;
}

/** One line of a log, kept as text until it is asked for. */
interface Line {
  /** `<key JSON>\t<entry JSON>` */
  text: string;
  checksum: string;
  final: boolean;
  /** Whether the line passed its checks (set on first use). */
  ok?: boolean;
}

/** The verdicts of one registry under one trust fingerprint: in memory, and in one append-only log on disk. */
class Store {
  /** key JSON `[name, version, integrity]` → its line. */
  private readonly byKey = new Map<string, Line>();
  /** `[name, version]` JSON → key JSON of the last final verdict stored. */
  private readonly latest = new Map<string, string>();
  private loaded?: Promise<void>;
  /** Bytes of the log read so far (what other processes append later is read from here on a miss). */
  private offset = 0;
  private lastRefresh = 0;
  private pending: string[] = [];
  private flushing?: Promise<void>;
  /** The batch being gathered: its timer and the promise its callers wait on. */
  private batch?: { timer: NodeJS.Timeout; done: Promise<void>; resolve: () => void; reject: (err: unknown) => void };
  private dirMade = false;
  private handle?: FileHandle;
  private idleClose?: NodeJS.Timeout;
  private readonly salt: string;

  constructor(
    readonly registry: string,
    readonly trustFingerprint: string,
    private readonly file: string | undefined,
  ) {
    this.salt = hashOf(['verdict-log', String(VERDICT_CACHE_FORMAT), registry, trustFingerprint]);
  }

  private checksum(text: string): string {
    return createHash('sha256').update(this.salt).update('\n').update(text).digest('hex');
  }

  private load(): Promise<void> {
    if (!this.loaded) this.loaded = this.file ? this.readFrom(0, true) : Promise.resolve();
    return this.loaded;
  }

  /** Reads the log from `start` and indexes its lines; rewrites it when most of it is dead. */
  private async readFrom(start: number, initial: boolean): Promise<void> {
    const file = this.file!;
    let buffer: Buffer;
    try {
      const handle = await fsp.open(file, 'r');
      try {
        const { size } = await handle.stat();
        if (size > MAX_LOG_BYTES) {
          await handle.close().catch(() => undefined);
          await fsp.rm(file, { force: true }).catch(() => undefined);
          this.offset = 0;
          return;
        }
        if (size <= start) return;
        buffer = Buffer.alloc(size - start);
        let read = 0;
        while (read < buffer.length) {
          const { bytesRead } = await handle.read(buffer, read, buffer.length - read, start + read);
          if (bytesRead === 0) break;
          read += bytesRead;
        }
        buffer = buffer.subarray(0, read);
      } finally {
        await handle.close().catch(() => undefined);
      }
    } catch {
      return; // absent or unreadable: nothing stored
    }
    // Only whole lines: a line still being appended by another process is read next time.
    const end = buffer.lastIndexOf(0x0a);
    if (end < 0) return;
    this.offset = start + end + 1;
    let lines = 0;
    for (const raw of buffer.toString('utf8', 0, end).split('\n')) {
      if (raw === '') continue;
      lines++;
      this.index(raw);
    }
    if (initial && lines >= COMPACT_MIN_LINES && lines > 2 * this.byKey.size) await this.compact();
  }

  /** Files one log line under its key; a line that is not well formed is skipped. */
  private index(raw: string): void {
    if (raw.length > MAX_LINE_BYTES || raw.charCodeAt(CHECKSUM_CHARS) !== 0x20) return;
    const checksum = raw.slice(0, CHECKSUM_CHARS);
    const text = raw.slice(CHECKSUM_CHARS + 1);
    const tab = text.indexOf('\t');
    if (tab <= 0) return;
    const keyJson = text.slice(0, tab);
    // Whether the line holds a final verdict decides precedence only; the line is fully checked when used.
    const final = !TRANSIENT_ENTRY.test(text.slice(tab + 1, tab + 81));
    this.put(keyJson, { text, checksum, final });
  }

  private put(keyJson: string, line: Line): void {
    const existing = this.byKey.get(keyJson);
    if (existing && existing.final && !line.final && existing.ok !== false) return;
    this.byKey.set(keyJson, line);
    if (line.final) {
      let nameVersion: string | undefined;
      try {
        const k = JSON.parse(keyJson) as unknown;
        if (Array.isArray(k) && k.length === 3) nameVersion = JSON.stringify([k[0], k[1]]);
      } catch {
        nameVersion = undefined;
      }
      if (nameVersion !== undefined) this.latest.set(nameVersion, keyJson);
    }
  }

  /**
   * The entry on a line, freshly parsed (callers may change it), once the line is checked: checksum, shape,
   * and about the key it is filed under.
   */
  private entryOf(keyJson: string, line: Line): StoredEntry | undefined {
    if (line.ok === false) return undefined;
    let parsed: unknown;
    try {
      parsed = JSON.parse(line.text.slice(keyJson.length + 1));
    } catch {
      line.ok = false;
      return undefined;
    }
    if (line.ok) return parsed as StoredEntry;
    line.ok = false;
    if (line.checksum !== this.checksum(line.text)) return undefined;
    let key: unknown;
    try {
      key = JSON.parse(keyJson);
    } catch {
      return undefined;
    }
    if (!Array.isArray(key) || key.length !== 3 || !key.every(isString)) return undefined;
    const [name, version, integrity] = key as [string, string, string];
    if (typeof parsed !== 'object' || parsed === null) return undefined;
    const e = parsed as Partial<StoredEntry>;
    if (!isString(e.storedAt) || (e.expiresAt !== undefined && typeof e.expiresAt !== 'number')) return undefined;
    if (!verdictMatchesKey(e.verdict, { name, version, integrity })) return undefined;
    if (isTransientVerdict(e.verdict) !== (e.expiresAt !== undefined)) return undefined;
    line.ok = true;
    return e as StoredEntry;
  }

  private async lookup(keyJson: string): Promise<Verdict | undefined> {
    await this.load();
    let line = this.byKey.get(keyJson);
    if (!line && this.file && Date.now() - this.lastRefresh >= TAIL_REFRESH_MS) {
      this.lastRefresh = Date.now();
      await this.readFrom(this.offset, false);
      line = this.byKey.get(keyJson);
    }
    if (!line) return undefined;
    const entry = this.entryOf(keyJson, line);
    if (!entry || !usable(entry, Date.now())) return undefined;
    return { ...entry.verdict, cached: true };
  }

  get(name: string, version: string, integrity: string): Promise<Verdict | undefined> {
    return this.lookup(JSON.stringify([name, version, integrity]));
  }

  async getLatest(name: string, version: string): Promise<Verdict | undefined> {
    await this.load();
    const keyJson = this.latest.get(JSON.stringify([name, version]));
    return keyJson === undefined ? undefined : this.lookup(keyJson);
  }

  async set(name: string, version: string, integrity: string, entry: StoredEntry): Promise<void> {
    await this.load();
    const keyJson = JSON.stringify([name, version, integrity]);
    const text = `${keyJson}\t${JSON.stringify(entry)}`;
    const line: Line = { text, checksum: this.checksum(text), final: entry.expiresAt === undefined, ok: true };
    this.put(keyJson, line);
    if (!this.file) return;
    this.pending.push(`\n${line.checksum} ${text}\n`);
    if (this.pending.length >= APPEND_BATCH_LINES) return this.writeBatch();
    if (!this.batch) {
      let resolve!: () => void;
      let reject!: (err: unknown) => void;
      const done = new Promise<void>((res, rej) => {
        resolve = res;
        reject = rej;
      });
      // not unref'd: a process that ends naturally still writes what it verified
      this.batch = { timer: setTimeout(() => void this.writeBatch(), APPEND_BATCH_MS), done, resolve, reject };
    }
    return this.batch.done;
  }

  /** Writes the lines gathered so far now; settles everyone waiting on this batch. */
  private writeBatch(): Promise<void> {
    const batch = this.batch;
    this.batch = undefined;
    if (batch) clearTimeout(batch.timer);
    const written = this.flush();
    if (batch) written.then(batch.resolve, batch.reject);
    return written;
  }

  /**
   * Appends every pending line in one write; concurrent callers share it. The log stays open for appending
   * while verdicts keep coming, and is closed once none came for IDLE_CLOSE_MS.
   */
  private flush(): Promise<void> {
    if (!this.flushing) {
      this.flushing = (async () => {
        if (this.idleClose) clearTimeout(this.idleClose);
        while (this.pending.length > 0) {
          const chunk = this.pending.join('');
          this.pending = [];
          if (!this.handle) {
            if (!this.dirMade) {
              await fsp.mkdir(path.dirname(this.file!), { recursive: true });
              this.dirMade = true;
            }
            this.handle = await fsp.open(this.file!, 'a');
          }
          await this.handle.write(chunk, null, 'utf8');
        }
      })().finally(() => {
        this.flushing = undefined;
        this.idleClose = setTimeout(() => void this.close(), IDLE_CLOSE_MS);
        this.idleClose.unref();
      });
    }
    return this.flushing;
  }

  /** Closes the log (after pending appends). */
  async close(): Promise<void> {
    if (this.batch) await this.writeBatch().catch(() => undefined);
    if (this.idleClose) clearTimeout(this.idleClose);
    await this.flushing?.catch(() => undefined);
    const handle = this.handle;
    this.handle = undefined;
    await handle?.close().catch(() => undefined);
  }

  /** Rewrites the log with the live lines only (temporary file + rename). */
  private async compact(): Promise<void> {
    const now = Date.now();
    const live: string[] = [];
    for (const [keyJson, line] of this.byKey) {
      const entry = this.entryOf(keyJson, line);
      if (entry && usable(entry, now)) live.push(`${line.checksum} ${line.text}\n`);
    }
    const file = this.file!;
    const tmp = `${file}.${process.pid}.${randomBytes(6).toString('hex')}.tmp`;
    try {
      const text = live.join('');
      await fsp.writeFile(tmp, text, { encoding: 'utf8', flag: 'wx' });
      await fsp.rename(tmp, file);
      this.offset = Buffer.byteLength(text);
    } catch {
      await fsp.rm(tmp, { force: true }).catch(() => undefined);
    }
  }
}

export class VerdictCache {
  readonly dir: string | undefined;
  private stores = new Map<string, Store>();
  private readonly memoryKeys = new Map<string, string>();

  constructor(dir?: string) {
    this.dir = dir ? path.resolve(dir) : undefined;
  }

  private store(registry: string, trustFingerprint: string): Store {
    const id = hashOf(['verdicts', String(VERDICT_CACHE_FORMAT), registry, trustFingerprint]);
    let s = this.stores.get(id);
    if (!s) {
      s = new Store(registry, trustFingerprint, this.dir ? path.join(this.dir, LOG_DIR, `${id}.log`) : undefined);
      this.stores.set(id, s);
    }
    return s;
  }

  /** The verdict stored for exactly this key, marked `cached: true`; undefined when none (or unusable). */
  async get(key: VerdictKey): Promise<Verdict | undefined> {
    checkKey(key);
    return this.store(key.registry, key.trustFingerprint).get(key.name, key.version, key.integrity);
  }

  /**
   * The most recently stored final verdict for registry/name/version under exactly this trust fingerprint,
   * whatever its integrity (offline mode, before the integrity is known). The caller binds it to what it
   * installs.
   */
  async getLatest(registry: string, name: string, version: string, trustFingerprint: string): Promise<Verdict | undefined> {
    if (typeof trustFingerprint !== 'string') throw new TypeError('getLatest needs the trust fingerprint');
    return this.store(registry, trustFingerprint).getLatest(name, version);
  }

  /** Remember the fingerprint of the signing keys `registry` publishes ('none' when it publishes none). */
  async setRegistryKeys(registry: string, fingerprint: string): Promise<void> {
    const id = hashOf(['keys', registry]);
    this.memoryKeys.set(id, fingerprint);
    if (!this.dir) return;
    await writeAtomic(
      path.join(this.dir, 'keys', `${id}.json`),
      // The registry is kept as its hash only: a registry URL may carry credentials (user:password@host).
      `${JSON.stringify({ format: VERDICT_CACHE_FORMAT, registry: id, fingerprint })}\n`,
    );
  }

  /** The keys fingerprint last remembered for `registry`, if any. */
  async getRegistryKeys(registry: string): Promise<string | undefined> {
    const id = hashOf(['keys', registry]);
    const mem = this.memoryKeys.get(id);
    if (mem !== undefined || !this.dir) return mem;
    try {
      const parsed = JSON.parse(await fsp.readFile(path.join(this.dir, 'keys', `${id}.json`), 'utf8')) as Record<string, unknown>;
      if (parsed.format === VERDICT_CACHE_FORMAT && parsed.registry === id && typeof parsed.fingerprint === 'string')
        return parsed.fingerprint;
    } catch {
      /* absent or unreadable */
    }
    return undefined;
  }

  /**
   * Stores a final verdict (or an `unavailable: mirror-stripped` one, for TRANSIENT_TTL_MS). Returns false,
   * storing nothing, for verdicts that are never stored and for a verdict that is not about the key (other
   * name/version, or an integrity other than the key's).
   */
  async set(key: VerdictKey, verdict: Verdict): Promise<boolean> {
    checkKey(key);
    const transient = isTransientVerdict(verdict);
    if (!isCacheableVerdict(verdict) && !transient) return false;
    const clean: Verdict = { ...verdict };
    delete clean.cached;
    if (!verdictMatchesKey(clean, key)) return false;
    const now = Date.now();
    const entry: StoredEntry = {
      storedAt: new Date(now).toISOString(),
      ...(transient ? { expiresAt: now + TRANSIENT_TTL_MS } : {}),
      verdict: clean,
    };
    await this.store(key.registry, key.trustFingerprint).set(key.name, key.version, key.integrity, entry);
    return true;
  }

  /** Writes every verdict still waiting in a batch and closes the logs (the engine's dispose). */
  async close(): Promise<void> {
    await Promise.all([...this.stores.values()].map((s) => s.close()));
  }

  /** Removes every stored verdict (only this cache's own folders are touched, earlier formats' included). */
  async clear(): Promise<void> {
    const stores = [...this.stores.values()];
    this.stores = new Map();
    await Promise.all(stores.map((s) => s.close()));
    this.memoryKeys.clear();
    if (!this.dir) return;
    await Promise.all([LOG_DIR, 'by-key', 'latest', 'keys'].map((d) => fsp.rm(path.join(this.dir!, d), { recursive: true, force: true })));
  }
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
