/**
 * Trust material: the Sigstore trusted root (Fulcio CAs, Rekor and CT log keys, TSAs) and the npm
 * registry's signing keys.
 *
 * Sources, freshest first:
 *  1. a TUF refresh from the public Sigstore TUF repository (@sigstore/tuf), short timeout;
 *  2. the last copy a refresh produced, saved by us under `cacheDir` with its fetch time;
 *  3. the seed shipped inside @sigstore/tuf (`seeds.json`).
 * `trustedRootPath` / `npmKeysPath` override either part (source `custom`).
 *
 * A failed refresh is remembered for the rest of the process, so its timeout is paid at most once, and,
 * with a cache folder, across processes for `failedRefreshBackoffMs` (10 minutes); a saved copy younger
 * than `refreshIntervalMs` (1 hour) is used without asking the TUF repository again. The same text is
 * parsed once per process.
 */
import { createHash } from 'node:crypto';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { TrustedRoot } from '@sigstore/protobuf-specs';
import { toTrustMaterial } from '@sigstore/verify';
import seedsJson from '@sigstore/tuf/seeds.json';
import type { TrustInfo } from '../types';
import { TrustMaterialError, errorMessage } from '../errors';
import { describeKeys, parseNpmKeys, type NpmKey } from './keys';
import { FILE_LIMITS, readRegularTextFileSync } from '../fs/safeRead';
import { isRecord } from '../util/guards';

/**
 * @sigstore/tuf (and tuf-js, make-fetch-happen and cacache under it) is loaded only when the TUF
 * repository is actually asked: a scan that finds its trust material fresh in the cache, or offline,
 * never pays for loading it.
 */
function sigstoreTuf(): typeof import('@sigstore/tuf') {
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  return require('@sigstore/tuf') as typeof import('@sigstore/tuf');
}

/** @sigstore/tuf's DEFAULT_MIRROR_URL (a test keeps them equal), without loading it. */
export const DEFAULT_MIRROR_URL = 'https://tuf-repo-cdn.sigstore.dev';

/** A Sigstore `trusted_root.json` document (protobuf JSON form of dev.sigstore.trustroot.v1.TrustedRoot). */
export type TrustedRootJson = Record<string, unknown>;

export interface TrustBundle {
  trustedRoot: TrustedRootJson;
  npmKeys: NpmKey[];
  info: TrustInfo;
  /** sha256 hex over the trusted root and the npm keys: changes whenever either does (cache keys). */
  fingerprint: string;
}

export interface LoadTrustOptions {
  /** Folder for the TUF cache (`<cacheDir>/tuf`) and our saved copy. No persistence when absent. */
  cacheDir?: string;
  trustedRootPath?: string;
  npmKeysPath?: string;
  offline?: boolean;
  /** Try a TUF refresh (default true; ignored when offline). */
  refresh?: boolean;
  /** Upper bound for the whole refresh attempt. Default 5000 ms. */
  tufTimeoutMs?: number;
  /** A saved copy refreshed less than this long ago is used without a refresh. Default 1 hour; 0: always refresh. */
  refreshIntervalMs?: number;
  /** After a failed refresh (noted in the cache folder), later processes skip refreshing for this long. Default 10 minutes; 0: never skip. */
  failedRefreshBackoffMs?: number;
  /** TUF repository mirror. Default the public Sigstore repository. */
  mirrorUrl?: string;
  /**
   * Trusted TUF root.json for `mirrorUrl` when it is a private TUF repository. Without it, a mirror is
   * anchored on the public Sigstore root (a mirror serves the same signed metadata).
   */
  tufRootPath?: string;
}

export const TRUSTED_ROOT_TARGET = 'trusted_root.json';
/** The TUF target name (the seed and the TUF cache store it URL-encoded, as registry.npmjs.org%2Fkeys.json). */
export const NPM_KEYS_TARGET = 'registry.npmjs.org/keys.json';
const CACHE_FILE = 'trust-material.json';
const FAILED_FILE = 'refresh-failed.json';
const DEFAULT_REFRESH_INTERVAL_MS = 60 * 60_000;
const DEFAULT_FAILED_BACKOFF_MS = 10 * 60_000;
const CACHE_FORMAT = 1;
const DEFAULT_TUF_TIMEOUT_MS = 5000;

interface Material {
  trustedRoot: TrustedRootJson;
  npmKeys: NpmKey[];
}

type RefreshOutcome = { ok: true; rootText: string; keysText: string; fetchedAt: Date } | { ok: false; reason: string };

const refreshMemo = new Map<string, Promise<RefreshOutcome>>();

/** Forget remembered TUF refresh outcomes (so the next load tries the network again). */
export function resetTrustRefreshMemo(): void {
  refreshMemo.clear();
}

/** Parsed texts by content (trusted roots and keys are a few kB; a process sees one or two). */
const parsedRoots = new Map<string, TrustedRootJson>();
const parsedKeys = new Map<string, NpmKey[]>();
const MAX_MEMO = 8;

function memo<T>(map: Map<string, T>, text: string, make: () => T): T {
  const key = createHash('sha256').update(text).digest('hex');
  let v = map.get(key);
  if (v === undefined) {
    v = make();
    if (map.size >= MAX_MEMO) map.delete(map.keys().next().value as string);
    map.set(key, v);
  }
  return v;
}

/** parseTrustedRoot for a text, once per process (the same object back: verifiers built from it are reused). */
function parseRootText(text: string): TrustedRootJson {
  return memo(parsedRoots, text, () => parseTrustedRoot(text));
}

/** parseNpmKeys for a text, once per process. */
function parseKeysText(text: string): NpmKey[] {
  return memo(parsedKeys, text, () => parseNpmKeys(text));
}

/** Parse and check a trusted root: it must build into usable trust material with at least one CA and one log. */
export function parseTrustedRoot(json: unknown): TrustedRootJson {
  let value = json;
  if (typeof value === 'string') {
    try {
      value = JSON.parse(value) as unknown;
    } catch (err) {
      throw new TrustMaterialError(`trusted root: not JSON (${errorMessage(err)})`);
    }
  }
  if (!isRecord(value)) throw new TrustMaterialError('trusted root: expected a JSON object');
  try {
    const root = TrustedRoot.fromJSON(value);
    const material = toTrustMaterial(root, () => {
      throw new Error('no keys');
    });
    if (material.certificateAuthorities.length === 0) throw new Error('it lists no certificate authorities');
    if (material.tlogs.length === 0) throw new Error('it lists no transparency logs');
  } catch (err) {
    throw new TrustMaterialError(`trusted root is unusable: ${errorMessage(err)}`, { cause: err });
  }
  return value;
}

function fingerprintOf(m: Material): string {
  return createHash('sha256').update(JSON.stringify(m.trustedRoot)).update('\n--\n').update(describeKeys(m.npmKeys)).digest('hex');
}

/** "3 days", "5 hours", "12 minutes", "less than a minute". */
export function humanAge(from: Date, now: Date = new Date()): string {
  const ms = Math.max(0, now.getTime() - from.getTime());
  const minutes = Math.floor(ms / 60_000);
  const plural = (n: number, unit: string): string => `${n} ${unit}${n === 1 ? '' : 's'}`;
  if (minutes < 1) return 'less than a minute';
  if (minutes < 60) return plural(minutes, 'minute');
  const hours = Math.floor(minutes / 60);
  if (hours < 48) return plural(hours, 'hour');
  return plural(Math.floor(hours / 24), 'day');
}

// ---------------------------------------------------------------------------------------------
// Seed shipped with @sigstore/tuf

interface SeedRepo {
  'root.json': string;
  targets: Record<string, string>;
}

function publicSeed(): SeedRepo {
  const seeds = seedsJson as unknown as Record<string, SeedRepo>;
  const repo = seeds[DEFAULT_MIRROR_URL];
  if (!repo || typeof repo['root.json'] !== 'string' || !isRecord(repo.targets)) {
    throw new TrustMaterialError('the @sigstore/tuf seed has no public-good repository');
  }
  return repo;
}

function seedTarget(name: string): string {
  const b64 = publicSeed().targets[encodeURIComponent(name)];
  if (typeof b64 !== 'string') throw new TrustMaterialError(`the @sigstore/tuf seed has no ${name} target`);
  return Buffer.from(b64, 'base64').toString('utf8');
}

function loadSeed(): Material {
  return { trustedRoot: parseRootText(seedTarget(TRUSTED_ROOT_TARGET)), npmKeys: parseKeysText(seedTarget(NPM_KEYS_TARGET)) };
}

// ---------------------------------------------------------------------------------------------
// TUF refresh

function withTimeout<T>(p: Promise<T>, ms: number, what: string): Promise<T> {
  return new Promise<T>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`${what} timed out after ${ms} ms`)), ms);
    timer.unref?.();
    p.then(
      (v) => {
        clearTimeout(timer);
        resolve(v);
      },
      (e: unknown) => {
        clearTimeout(timer);
        reject(e instanceof Error ? e : new Error(String(e)));
      },
    );
  });
}

async function tufFetch(
  mirrorUrl: string,
  tufCachePath: string,
  timeoutMs: number,
  tufRootPath: string | undefined,
): Promise<{ rootText: string; keysText: string }> {
  fs.mkdirSync(tufCachePath, { recursive: true });
  let rootPath = tufRootPath;
  if (!rootPath && mirrorUrl !== DEFAULT_MIRROR_URL) {
    // A mirror of the public repository serves the same signed metadata: anchor it on the public root.
    rootPath = path.join(tufCachePath, 'seed-root.json');
    fs.writeFileSync(rootPath, Buffer.from(publicSeed()['root.json'], 'base64'));
  }
  const client = await sigstoreTuf().initTUF({
    cachePath: tufCachePath,
    mirrorURL: mirrorUrl,
    rootPath,
    timeout: timeoutMs,
    retry: { retries: 0 },
  });
  const rootText = await client.getTarget(TRUSTED_ROOT_TARGET);
  const keysText = await client.getTarget(NPM_KEYS_TARGET);
  return { rootText, keysText };
}

function refreshKey(mirrorUrl: string, cacheDir: string | undefined, tufRootPath: string | undefined): string {
  return `${mirrorUrl}\n${cacheDir ?? '(temporary)'}\n${tufRootPath ?? ''}`;
}

function refreshOnce(
  mirrorUrl: string,
  cacheDir: string | undefined,
  timeoutMs: number,
  tufRootPath: string | undefined,
): Promise<RefreshOutcome> {
  const key = refreshKey(mirrorUrl, cacheDir, tufRootPath);
  let memo = refreshMemo.get(key);
  if (!memo) {
    memo = (async (): Promise<RefreshOutcome> => {
      let tempDir: string | undefined;
      try {
        const tufCachePath = cacheDir
          ? path.join(cacheDir, 'tuf')
          : (tempDir = fs.mkdtempSync(path.join(os.tmpdir(), 'provenance-lens-tuf-')));
        const { rootText, keysText } = await withTimeout(
          tufFetch(mirrorUrl, tufCachePath, timeoutMs, tufRootPath),
          timeoutMs,
          'TUF refresh',
        );
        // Check both before accepting them.
        parseRootText(rootText);
        parseKeysText(keysText);
        return { ok: true, rootText, keysText, fetchedAt: new Date() };
      } catch (err) {
        return { ok: false, reason: `TUF refresh failed: ${describeTufError(err)}` };
      } finally {
        if (tempDir) fs.rm(tempDir, { recursive: true, force: true }, () => undefined);
      }
    })();
    refreshMemo.set(key, memo);
  }
  return memo;
}

function describeTufError(err: unknown): string {
  const parts: string[] = [];
  let e: unknown = err;
  for (let depth = 0; e && depth < 4; depth++) {
    const msg = errorMessage(e);
    if (msg && !parts.includes(msg)) parts.push(msg);
    e = e instanceof Error ? (e as Error & { cause?: unknown }).cause : undefined;
  }
  return parts.join(': ') || 'unknown error';
}

// ---------------------------------------------------------------------------------------------
// Our saved copy

interface CacheFile {
  format: number;
  mirrorUrl: string;
  fetchedAt: string;
  trustedRoot: string;
  npmKeys: string;
}

function saveCache(
  cacheDir: string,
  mirrorUrl: string,
  outcome: { rootText: string; keysText: string; fetchedAt: Date },
): string | undefined {
  try {
    fs.mkdirSync(cacheDir, { recursive: true });
    const file = path.join(cacheDir, CACHE_FILE);
    const body: CacheFile = {
      format: CACHE_FORMAT,
      mirrorUrl,
      fetchedAt: outcome.fetchedAt.toISOString(),
      trustedRoot: outcome.rootText,
      npmKeys: outcome.keysText,
    };
    const tmp = `${file}.${process.pid}.${Date.now()}.tmp`;
    fs.writeFileSync(tmp, JSON.stringify(body));
    fs.renameSync(tmp, file);
    return undefined;
  } catch (err) {
    return `could not save trust material to the cache: ${errorMessage(err)}`;
  }
}

function readCache(cacheDir: string, mirrorUrl: string): { material: Material; fetchedAt: Date } | { problem: string } | undefined {
  const file = path.join(cacheDir, CACHE_FILE);
  let text: string;
  try {
    text = readRegularTextFileSync(file, { maxBytes: FILE_LIMITS.trust, what: 'cached trust material' });
  } catch {
    return undefined;
  }
  try {
    const body = JSON.parse(text) as unknown;
    if (!isRecord(body) || body.format !== CACHE_FORMAT || typeof body.trustedRoot !== 'string' || typeof body.npmKeys !== 'string') {
      return { problem: 'the cached trust material has an unknown format' };
    }
    if (body.mirrorUrl !== mirrorUrl) return undefined;
    const fetchedAt = new Date(typeof body.fetchedAt === 'string' ? body.fetchedAt : NaN);
    if (Number.isNaN(fetchedAt.getTime())) return { problem: 'the cached trust material has no valid fetch time' };
    return { material: { trustedRoot: parseRootText(body.trustedRoot), npmKeys: parseKeysText(body.npmKeys) }, fetchedAt };
  } catch (err) {
    return { problem: `the cached trust material is unusable: ${errorMessage(err)}` };
  }
}

// ---------------------------------------------------------------------------------------------

interface Sourced {
  material: Material;
  info: TrustInfo;
}

/** A failed refresh noted by an earlier process, when it is recent enough to skip refreshing again. */
function recentFailure(cacheDir: string, mirrorUrl: string, backoffMs: number): { at: Date; reason: string } | undefined {
  if (backoffMs <= 0) return undefined;
  try {
    const text = readRegularTextFileSync(path.join(cacheDir, FAILED_FILE), { maxBytes: 64 * 1024, what: 'the failed-refresh note' });
    const body = JSON.parse(text) as unknown;
    if (!isRecord(body) || body.mirrorUrl !== mirrorUrl || typeof body.at !== 'string' || typeof body.reason !== 'string') return undefined;
    const at = new Date(body.at);
    const age = Date.now() - at.getTime();
    return age >= 0 && age < backoffMs ? { at, reason: body.reason.slice(0, 500) } : undefined;
  } catch {
    return undefined;
  }
}

function noteFailure(cacheDir: string, mirrorUrl: string, reason: string | undefined): void {
  const file = path.join(cacheDir, FAILED_FILE);
  try {
    if (reason === undefined) {
      fs.rmSync(file, { force: true });
      return;
    }
    fs.mkdirSync(cacheDir, { recursive: true });
    const tmp = `${file}.${process.pid}.${Date.now()}.tmp`;
    fs.writeFileSync(tmp, JSON.stringify({ mirrorUrl, at: new Date().toISOString(), reason }));
    fs.renameSync(tmp, file);
  } catch {
    /* only an optimisation */
  }
}

async function loadChain(opts: LoadTrustOptions): Promise<Sourced> {
  const mirrorUrl = (opts.mirrorUrl ?? DEFAULT_MIRROR_URL).replace(/\/+$/, '');
  const notes: string[] = [];
  let refresh = !opts.offline && opts.refresh !== false;
  if (refresh && opts.cacheDir) {
    // Recently refreshed (by this or another process), or recently failed: do not ask again yet.
    const interval = opts.refreshIntervalMs ?? DEFAULT_REFRESH_INTERVAL_MS;
    const cached = interval > 0 ? readCache(opts.cacheDir, mirrorUrl) : undefined;
    if (cached && 'material' in cached) {
      const age = Date.now() - cached.fetchedAt.getTime();
      if (age >= 0 && age < interval) {
        return {
          material: cached.material,
          info: {
            source: 'tuf-cache',
            updated: cached.fetchedAt.toISOString(),
            age: humanAge(cached.fetchedAt),
            note: `refreshed ${humanAge(cached.fetchedAt)} ago; the next refresh is due after ${humanAge(new Date(Date.now() - interval))}`,
          },
        };
      }
    }
    // (a refresh this process already tried answers for itself, below)
    const triedHere = refreshMemo.has(refreshKey(mirrorUrl, opts.cacheDir, opts.tufRootPath));
    const failed = triedHere
      ? undefined
      : recentFailure(opts.cacheDir, mirrorUrl, opts.failedRefreshBackoffMs ?? DEFAULT_FAILED_BACKOFF_MS);
    if (failed) {
      refresh = false;
      notes.push(
        `${failed.reason} (${humanAge(failed.at)} ago; not retried for ${humanAge(new Date(Date.now() - (opts.failedRefreshBackoffMs ?? DEFAULT_FAILED_BACKOFF_MS)))})`,
      );
    }
  }
  if (refresh) {
    const outcome = await refreshOnce(mirrorUrl, opts.cacheDir, opts.tufTimeoutMs ?? DEFAULT_TUF_TIMEOUT_MS, opts.tufRootPath);
    if (opts.cacheDir) noteFailure(opts.cacheDir, mirrorUrl, outcome.ok ? undefined : outcome.reason);
    if (outcome.ok) {
      const material = { trustedRoot: parseRootText(outcome.rootText), npmKeys: parseKeysText(outcome.keysText) };
      const saveProblem = opts.cacheDir ? saveCache(opts.cacheDir, mirrorUrl, outcome) : undefined;
      const info: TrustInfo = { source: 'tuf', updated: outcome.fetchedAt.toISOString(), age: humanAge(outcome.fetchedAt) };
      if (saveProblem) info.note = saveProblem;
      return { material, info };
    }
    notes.push(outcome.reason);
  } else if (notes.length === 0) {
    notes.push(opts.offline ? 'TUF refresh skipped (offline)' : 'TUF refresh skipped (disabled)');
  }

  if (opts.cacheDir) {
    const cached = readCache(opts.cacheDir, mirrorUrl);
    if (cached && 'material' in cached) {
      return {
        material: cached.material,
        info: { source: 'tuf-cache', updated: cached.fetchedAt.toISOString(), age: humanAge(cached.fetchedAt), note: notes.join('; ') },
      };
    }
    notes.push(cached ? cached.problem : 'no cached copy from an earlier refresh');
  }

  const material = loadSeed();
  notes.push('using the copy shipped with @sigstore/tuf');
  return { material, info: { source: 'seed', note: notes.join('; ') } };
}

function readCustomFile(file: string, what: string): { text: string; mtime: Date } {
  try {
    // a relative path would be read from whatever folder the process runs in (for the editor: maybe a workspace)
    if (!path.isAbsolute(file))
      throw new Error(`"${file}" is not an absolute path: refused (use an absolute path, or one starting with ~/)`);
    return { text: readRegularTextFileSync(file, { maxBytes: FILE_LIMITS.trust, what: `the ${what}` }), mtime: fs.statSync(file).mtime };
  } catch (err) {
    throw new TrustMaterialError(`cannot read the ${what} at ${file}: ${errorMessage(err)}`, { cause: err });
  }
}

/**
 * Load the trust material. Throws `TrustMaterialError` when nothing usable can be loaded
 * (e.g. a configured custom file is unreadable or malformed: an explicit choice is never silently replaced).
 */
export async function loadTrustMaterial(opts: LoadTrustOptions = {}): Promise<TrustBundle> {
  if (opts.trustedRootPath || opts.npmKeysPath) {
    let trustedRoot: TrustedRootJson | undefined;
    let npmKeys: NpmKey[] | undefined;
    let updated: Date | undefined;
    if (opts.trustedRootPath) {
      const { text, mtime } = readCustomFile(opts.trustedRootPath, 'trusted root');
      try {
        trustedRoot = parseRootText(text);
      } catch (err) {
        throw new TrustMaterialError(`the trusted root at ${opts.trustedRootPath}: ${errorMessage(err)}`, { cause: err });
      }
      updated = mtime;
    }
    if (opts.npmKeysPath) {
      const { text, mtime } = readCustomFile(opts.npmKeysPath, 'npm keys file');
      try {
        npmKeys = parseKeysText(text);
      } catch (err) {
        throw new TrustMaterialError(`the npm keys at ${opts.npmKeysPath}: ${errorMessage(err)}`, { cause: err });
      }
      if (!updated || mtime > updated) updated = mtime;
    }
    const info: TrustInfo = { source: 'custom' };
    if (opts.trustedRootPath) info.trustedRootPath = opts.trustedRootPath;
    if (opts.npmKeysPath) info.npmKeysPath = opts.npmKeysPath;
    if (!trustedRoot || !npmKeys) {
      const base = await loadChain(opts);
      trustedRoot ??= base.material.trustedRoot;
      npmKeys ??= base.material.npmKeys;
      const part = opts.trustedRootPath ? 'npm keys' : 'trusted root';
      info.note = `${part} from ${base.info.source}${base.info.note ? ` (${base.info.note})` : ''}`;
    }
    if (updated) {
      info.updated = updated.toISOString();
      info.age = humanAge(updated);
    }
    const material = { trustedRoot, npmKeys };
    return { ...material, info, fingerprint: fingerprintOf(material) };
  }
  const { material, info } = await loadChain(opts);
  return { ...material, info, fingerprint: fingerprintOf(material) };
}
