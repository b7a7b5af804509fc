/**
 * RegistryClient: fetches the npm registry documents provenance verification needs — version
 * documents, packuments, attestations, registry keys — with npm's .npmrc semantics, an HTTP cache,
 * bounded concurrency, retries, timeouts and cancellation, and watches for mirrors that strip
 * provenance.
 *
 * Nothing here follows a URL the registry provides: every URL is built from a configured registry.
 * (Like pacote, attestations are fetched from `<registry>/-/npm/v1/attestations/<name>@<version>`, not
 * from `dist.attestations.url`.)
 */
import * as path from 'node:path';
import type { EngineLogger } from '../api';
import type { RegistryObservation } from '../types';
import {
  type AttestationsDocument,
  type Packument,
  type RegistryDist,
  type RegistryKeysDocument,
  type VersionDocument,
  ShapeError,
  validateAttestations,
  validateKeys,
  validatePackument,
  validateVersionDocument,
} from './documents';
import { RegistryError, redactUrl } from './errors';
import { redactDeep, redactingLogger, redactSecrets } from '../format/redact';
import { FILE_LIMITS, readRegularTextFileSync } from '../fs/safeRead';
import { packageNameProblem } from '../util/packageName';
import { DEFAULT_RETRY, HttpTransport, type HttpRequest, type HttpResult, type RetryInfo, type RetryPolicy } from './http';
import { type NpmConfig, loadNpmConfig, normalizeRegistryUrl, parseNpmrc } from './npmrc';

export const NPM_PUBLIC_REGISTRY = 'https://registry.npmjs.org/';

const ACCEPT_ABBREVIATED = 'application/vnd.npm.install-v1+json; q=1.0, application/json; q=0.8, */*';
const ACCEPT_JSON = 'application/json';

/** Byte caps on what is parsed. */
export interface ResponseLimits {
  /** Packuments (abbreviated or full). Default 50 MB. */
  packumentBytes: number;
  /** Version documents. Default 10 MB. */
  versionBytes: number;
  /** Attestations bodies. Default 5 MB. */
  attestationsBytes: number;
  /** Keys documents. Default 1 MB. */
  keysBytes: number;
}

export const DEFAULT_LIMITS: ResponseLimits = {
  packumentBytes: 50 * 1024 * 1024,
  versionBytes: 10 * 1024 * 1024,
  attestationsBytes: 5 * 1024 * 1024,
  keysBytes: 1024 * 1024,
};

export interface RegistryClientOptions {
  /** Registry override (like `npm --registry`): replaces `registry`; `@scope:registry` entries still apply. */
  registry?: string;
  /** Registry asked for attestations when the configured one strips them. Default https://registry.npmjs.org/; '' disables. */
  attestationRegistry?: string;
  /** Folder whose project .npmrc applies. Default process.cwd(). */
  npmrcDir?: string;
  /** When false, the project .npmrc is ignored (untrusted workspace). Default true. */
  useProjectNpmrc?: boolean;
  /** Cache root: the HTTP cache goes to `<cacheDir>/http`. No HTTP cache when absent. */
  cacheDir?: string;
  /** Serve only from the HTTP cache; anything not cached fails with 'offline'. */
  offline?: boolean;
  /** Per-attempt timeout (connect + headers + body). Default 15000. */
  timeoutMs?: number;
  /** Concurrent requests (and keep-alive sockets) per registry host. Default: npm's `maxsockets` (15 unless configured). */
  concurrency?: number;
  /**
   * How long a response that carries no caching headers at all (no Cache-Control, ETag or Last-Modified,
   * as some mirrors serve) is reused from the disk cache without asking again. Default 5 minutes; 0: always ask.
   */
  heuristicFreshnessMs?: number;
  /**
   * After a registry host refuses connections (or does not resolve), further requests to it fail at
   * once, with the same error, for this long instead of each trying again. Default 30 s; 0: always try.
   */
  unreachableMemoryMs?: number;
  logger?: EngineLogger;
  // --- beyond the engine's options (tests, tuning) ---
  /** Environment for npm_config_*, ${VAR} expansion, HOME. Default process.env. */
  env?: Record<string, string | undefined>;
  /** Home folder for ~/.npmrc. Default env.HOME / os.homedir(). */
  home?: string;
  /** Already loaded configuration (skips reading .npmrc files). */
  npmConfig?: NpmConfig;
  retry?: Partial<RetryPolicy>;
  limits?: Partial<ResponseLimits>;
  /** Called before each retry wait (for logs and tests). */
  onRetry?: (info: RetryInfo) => void;
  userAgent?: string;
  /** HTTP agents: npm's (default) or Node's core ones (see TransportOptions.agent). */
  agent?: 'npm' | 'node';
}

export interface RequestOptions {
  signal?: AbortSignal;
  /** Ask this registry instead of the one configured for the package. */
  registry?: string;
  /** 'no-store': skip the disk HTTP cache (the caller keeps what it derives from the document, e.g. a verdict). */
  cache?: 'default' | 'no-store';
}

/** Connection failures that say the host cannot be reached at all (not a slow or flaky answer). */
const UNREACHABLE_CODES = new Set(['ECONNREFUSED', 'ENOTFOUND', 'EHOSTUNREACH', 'ENETUNREACH', 'EAI_NONAME']);

/** npm's default `maxsockets`. */
export const NPM_DEFAULT_MAXSOCKETS = 15;
/** Default for RegistryClientOptions.heuristicFreshnessMs. */
export const DEFAULT_HEURISTIC_FRESHNESS_MS = 5 * 60_000;

/**
 * npm's `maxsockets` as its configuration says: `npm_config_maxsockets` in the environment, else the
 * last .npmrc (project > user > global) that sets it, else npm's default 15.
 */
export function npmMaxSockets(config: Pick<NpmConfig, 'files'>, env: Record<string, string | undefined> = process.env): number {
  const valid = (v: unknown): number | undefined => {
    const n = typeof v === 'string' && /^\s*\d+\s*$/.test(v) ? Number(v) : NaN;
    return Number.isInteger(n) && n >= 1 ? Math.min(n, 256) : undefined;
  };
  for (const [k, v] of Object.entries(env)) if (k.toLowerCase() === 'npm_config_maxsockets' && valid(v)) return valid(v)!;
  let found: number | undefined;
  for (const f of config.files) {
    if (!f.loaded) continue;
    try {
      const value = parseNpmrc(readRegularTextFileSync(f.path, { maxBytes: FILE_LIMITS.npmrc, what: '.npmrc' })).get('maxsockets');
      const n = valid(Array.isArray(value) ? value[value.length - 1] : value);
      if (n !== undefined) found = n; // files come lowest precedence first
    } catch {
      /* unreadable now: as if absent */
    }
  }
  return found ?? NPM_DEFAULT_MAXSOCKETS;
}

interface RegistryStats {
  versions: Map<string, { signatures: boolean; attestations: boolean }>;
}

/** Observations keep at most this many name@version per registry (enough for any heuristic). */
const MAX_OBSERVED_VERSIONS = 100_000;

export class RegistryClient {
  /** The default registry (normalized, ends with '/'). */
  readonly registry: string;
  /** Where attestations are asked for when the package's registry strips them; undefined when disabled. */
  readonly attestationRegistry: string | undefined;
  readonly offline: boolean;
  /** Concurrent requests (and keep-alive sockets) per registry host. */
  readonly sockets: number;
  private readonly config: NpmConfig;
  private readonly transport: HttpTransport;
  private readonly limits: ResponseLimits;
  private readonly logger: EngineLogger | undefined;
  private readonly inflight = new Map<string, SharedFetch<unknown>>();
  private readonly keys = new Map<string, Promise<RegistryKeysDocument | null>>();
  private readonly stats = new Map<string, RegistryStats>();
  /** origin → until when, and the error that said it cannot be reached. */
  private readonly unreachable = new Map<string, { until: number; error: RegistryError }>();
  private readonly unreachableMemoryMs: number;

  constructor(options: RegistryClientOptions = {}) {
    // every line logged from here names registries: credentials in their URLs are redacted
    this.logger = options.logger ? redactingLogger(options.logger) : undefined;
    this.config =
      options.npmConfig ??
      loadNpmConfig({
        ...(options.npmrcDir !== undefined ? { npmrcDir: options.npmrcDir } : {}),
        ...(options.useProjectNpmrc !== undefined ? { useProjectNpmrc: options.useProjectNpmrc } : {}),
        ...(options.env ? { env: options.env } : {}),
        ...(options.home ? { home: options.home } : {}),
      });
    for (const warning of this.config.warnings) this.logger?.warn(`npm config: ${warning}`);
    if (options.registry !== undefined && options.registry !== '') {
      const normalized = normalizeRegistryUrl(options.registry);
      if (!normalized) throw new TypeError(`not an http(s) registry URL: ${redactSecrets(options.registry)}`);
      this.registry = normalized;
    } else {
      this.registry = this.config.registry;
    }
    if (options.attestationRegistry === '') {
      this.attestationRegistry = undefined;
    } else {
      const normalized = normalizeRegistryUrl(options.attestationRegistry ?? NPM_PUBLIC_REGISTRY);
      if (!normalized) throw new TypeError(`not an http(s) attestation registry URL: ${redactSecrets(options.attestationRegistry ?? '')}`);
      this.attestationRegistry = normalized;
    }
    this.offline = options.offline === true;
    this.unreachableMemoryMs = Math.max(0, options.unreachableMemoryMs ?? 30_000);
    this.limits = { ...DEFAULT_LIMITS, ...options.limits };
    const concurrency = Math.max(1, Math.floor(options.concurrency ?? npmMaxSockets(this.config, options.env ?? process.env)));
    this.sockets = concurrency;
    this.transport = new HttpTransport({
      config: { ...this.config, authOptions: { ...this.config.authOptions, registry: this.registry } },
      ...(options.cacheDir ? { cachePath: path.join(options.cacheDir, 'http') } : {}),
      offline: this.offline,
      heuristicFreshnessMs: Math.max(0, options.heuristicFreshnessMs ?? DEFAULT_HEURISTIC_FRESHNESS_MS),
      timeoutMs: Math.max(1, options.timeoutMs ?? 15_000),
      concurrency,
      retry: { ...DEFAULT_RETRY, ...options.retry },
      userAgent: options.userAgent ?? `provenance-lens node/${process.version}`,
      ...(this.logger ? { logger: this.logger } : {}),
      ...(options.onRetry ? { onRetry: options.onRetry } : {}),
      ...(options.agent ? { agent: options.agent } : {}),
    });
    if (options.agent === 'node' && this.config.proxy) {
      this.logger?.warn('the .npmrc proxy setting is left to the host application (its own proxy support applies)');
    }
  }

  /** What configuration is in effect (no secrets): for `--verbose` output and diagnostics. */
  configSummary(): {
    registry: string;
    scopedRegistries: Record<string, string>;
    files: NpmConfig['files'];
    warnings: string[];
    proxy: boolean;
    customCa: boolean;
    strictSSL: boolean;
  } {
    return redactDeep({
      registry: this.registry,
      scopedRegistries: { ...this.config.scopedRegistries },
      files: this.config.files.map((f) => ({ ...f })),
      warnings: [...this.config.warnings],
      proxy: Boolean(this.config.proxy),
      customCa: Boolean(this.config.ca),
      strictSSL: this.config.strictSSL,
    });
  }

  /** The registry npm would use for `name`: its scope's `@scope:registry`, else the default one. */
  registryFor(name: string): string {
    if (name.startsWith('@')) {
      const scope = name.slice(0, name.indexOf('/') > 0 ? name.indexOf('/') : undefined);
      const scoped = this.config.scopedRegistries[scope];
      if (scoped) return scoped;
    }
    return this.registry;
  }

  /** `GET <registry>/<name>/<version>`: the version document. */
  async getVersion(name: string, version: string, options: RequestOptions = {}): Promise<VersionDocument> {
    const registry = this.pickRegistry(name, options.registry);
    const escaped = escapeName(name, registry);
    const url = `${registry}${escaped}/${encodeURIComponent(version)}`;
    const what = `version document of ${name}@${version}`;
    const doc = await this.fetchJson(
      {
        url,
        registry,
        accept: ACCEPT_JSON,
        maxBytes: this.limits.versionBytes,
        what,
        ...signalOpt(options.signal),
        ...(options.cache ? { cache: options.cache } : {}),
      },
      (body) => validateVersionDocument(body, { name, version }, what),
      'not-found',
    );
    this.observe(registry, name, doc!.version, doc!.dist);
    return doc!;
  }

  /** `GET <registry>/<name>`: abbreviated by default, full (with `time`) when `full` is set. */
  async getPackument(name: string, options: RequestOptions & { full?: boolean } = {}): Promise<Packument> {
    const registry = this.pickRegistry(name, options.registry);
    const url = `${registry}${escapeName(name, registry)}`;
    const full = options.full === true;
    const what = `${full ? 'full ' : ''}packument of ${name}`;
    const doc = await this.fetchJson(
      {
        url,
        registry,
        accept: full ? ACCEPT_JSON : ACCEPT_ABBREVIATED,
        maxBytes: this.limits.packumentBytes,
        what,
        ...signalOpt(options.signal),
      },
      (body) => validatePackument(body, name, !full && !hasTime(body)),
      'not-found',
    );
    for (const [version, v] of Object.entries(doc!.versions)) this.observe(registry, name, version, v.dist);
    return doc!;
  }

  /**
   * `GET <registry>/-/npm/v1/attestations/<name>@<version>`; null when the registry answers 404.
   * `registry` defaults to the package's registry.
   */
  async getAttestations(name: string, version: string, options: RequestOptions = {}): Promise<AttestationsDocument | null> {
    const registry = this.pickRegistry(name, options.registry);
    const escaped = escapeName(name, registry);
    const url = `${registry}-/npm/v1/attestations/${escaped}@${encodeURIComponent(version)}`;
    return this.fetchJson(
      // Never on disk: what they prove is kept as a verdict, and a new verification fetches them afresh.
      {
        url,
        registry,
        accept: ACCEPT_JSON,
        maxBytes: this.limits.attestationsBytes,
        what: `attestations of ${name}@${version}`,
        cache: 'no-store',
        ...signalOpt(options.signal),
      },
      validateAttestations,
      null,
    );
  }

  /** `GET <registry>/-/npm/v1/keys`; null on 404 (the registry publishes no keys). Memoized per registry. */
  getKeys(registry: string, options: { signal?: AbortSignal } = {}): Promise<RegistryKeysDocument | null> {
    const normalized = normalizeRegistryUrl(registry);
    if (!normalized) return Promise.reject(new TypeError(`not an http(s) registry URL: ${redactSecrets(registry)}`));
    let pending = this.keys.get(normalized);
    if (!pending) {
      pending = this.fetchJson(
        {
          url: `${normalized}-/npm/v1/keys`,
          registry: normalized,
          accept: ACCEPT_JSON,
          maxBytes: this.limits.keysBytes,
          what: `signing keys of ${hostLabel(normalized)}`,
        },
        validateKeys,
        null,
      );
      this.keys.set(normalized, pending);
      // failures are not remembered: a later call tries again
      pending.catch(() => {
        if (this.keys.get(normalized) === pending) this.keys.delete(normalized);
      });
    }
    return withSignal(
      pending,
      options.signal,
      () => new RegistryError('cancelled', `signing keys of ${hostLabel(normalized)}: cancelled`, { url: `${normalized}-/npm/v1/keys` }),
    );
  }

  /**
   * Records what a registry served for a version (whether `dist.signatures` / `dist.attestations` were
   * present). Called for every version document and packument entry fetched; public so that documents
   * obtained elsewhere can be counted too.
   */
  observe(registry: string, name: string, version: string, dist: RegistryDist | undefined): void {
    const key = normalizeRegistryUrl(registry) ?? registry;
    let stats = this.stats.get(key);
    if (!stats) {
      stats = { versions: new Map() };
      this.stats.set(key, stats);
    }
    const id = `${name}@${version}`;
    if (!stats.versions.has(id) && stats.versions.size >= MAX_OBSERVED_VERSIONS) return;
    const prev = stats.versions.get(id);
    const signatures = Array.isArray(dist?.signatures) && dist.signatures.length > 0;
    const attestations = dist?.attestations !== undefined && dist.attestations !== null;
    stats.versions.set(id, {
      signatures: signatures || Boolean(prev?.signatures),
      attestations: attestations || Boolean(prev?.attestations),
    });
  }

  /** What was observed per registry (mirror detection); registry URLs without their credentials. */
  observations(): RegistryObservation[] {
    return redactDeep(this.rawObservations());
  }

  private rawObservations(): RegistryObservation[] {
    const out: RegistryObservation[] = [];
    for (const [registry, stats] of this.stats) {
      let withSignatures = 0;
      let withAttestations = 0;
      for (const v of stats.versions.values()) {
        if (v.signatures) withSignatures++;
        if (v.attestations) withAttestations++;
      }
      const versionsSeen = stats.versions.size;
      const stripsProvenance = versionsSeen > 0 && withSignatures === 0 && withAttestations === 0;
      const observation: RegistryObservation = {
        registry,
        stripsProvenance,
        versionsSeen,
        versionsWithSignatures: withSignatures,
        versionsWithAttestations: withAttestations,
      };
      if (stripsProvenance) {
        const fallback = this.attestationRegistry && this.attestationRegistry !== registry ? this.attestationRegistry : undefined;
        observation.message =
          `registry ${registry} served ${versionsSeen} version${versionsSeen === 1 ? '' : 's'} and none carried registry signatures or attestations: ` +
          'it looks like a mirror or proxy that strips provenance, so its packages are reported as unavailable, not as lacking provenance. ' +
          (fallback
            ? `Signatures and attestations are looked up at the attestation registry ${fallback} instead.`
            : 'Fix: set the attestation registry (--attestation-registry, or the provenanceLens.attestationRegistry setting) to a registry that serves them, such as https://registry.npmjs.org reached directly.');
      }
      out.push(observation);
    }
    return out;
  }

  private pickRegistry(name: string, override: string | undefined): string {
    if (override === undefined || override === '') return this.registryFor(name);
    const normalized = normalizeRegistryUrl(override);
    if (!normalized) throw new TypeError(`not an http(s) registry URL: ${redactSecrets(override)}`);
    return normalized;
  }

  /**
   * Fetches and parses one JSON document. Concurrent identical requests share one HTTP request; each
   * caller's signal only cancels that caller (the request is aborted when every caller has gone).
   * On 404: `onNotFound === 'not-found'` throws RegistryError('not-found'), otherwise resolves null.
   */
  private fetchJson<T>(req: HttpRequest, validate: (body: unknown) => T, onNotFound: 'not-found'): Promise<T>;
  private fetchJson<T>(req: HttpRequest, validate: (body: unknown) => T, onNotFound: null): Promise<T | null>;
  private fetchJson<T>(req: HttpRequest, validate: (body: unknown) => T, onNotFound: 'not-found' | null): Promise<T | null> {
    const { signal, ...shared } = req;
    const cancelledError = (): RegistryError => new RegistryError('cancelled', `${req.what}: cancelled`, { url: req.url });
    if (signal?.aborted) return Promise.reject(cancelledError());
    const origin = originOf(req.url);
    const down = this.recentlyUnreachable(req, origin);
    if (down) return Promise.reject(down);
    const key = `${req.accept}\n${req.url}`;
    let entry = this.inflight.get(key) as SharedFetch<T | null> | undefined;
    if (!entry) entry = this.startSharedFetch(key, req, shared, validate, onNotFound, origin);
    const current = entry;
    current.users++;
    const release = (): void => {
      current.users--;
      if (current.users === 0 && !current.settled) {
        current.controller.abort();
        if (this.inflight.get(key) === (current as SharedFetch<unknown>)) this.inflight.delete(key);
      }
    };
    return withSignal(current.promise, signal, cancelledError, release);
  }

  /** The error to fail with at once when the origin could not be reached a moment ago (undefined otherwise). */
  private recentlyUnreachable(req: HttpRequest, origin: string): RegistryError | undefined {
    const down = this.unreachable.get(origin);
    if (down && Date.now() < down.until) {
      return new RegistryError(
        'network-error',
        `${req.what}: ${down.error.message.replace(/^.*?: (could not reach)/, '$1')} (a moment ago; not retried for ${Math.round(this.unreachableMemoryMs / 1000)} s)`,
        {
          url: req.url,
          cause: down.error,
        },
      );
    }
    return undefined;
  }

  /** Starts the one HTTP request that identical concurrent fetches share, and records it as in flight under `key`. */
  private startSharedFetch<T>(
    key: string,
    req: HttpRequest,
    shared: Omit<HttpRequest, 'signal'>,
    validate: (body: unknown) => T,
    onNotFound: 'not-found' | null,
    origin: string,
  ): SharedFetch<T | null> {
    const controller = new AbortController();
    const created: SharedFetch<T | null> = {
      users: 0,
      settled: false,
      controller,
      promise: this.transport
        .get({ ...shared, signal: controller.signal })
        .catch((err: unknown) => {
          this.rememberUnreachable(origin, err);
          throw err;
        })
        .then((res) => this.readJsonResponse(req, shared, res, validate, onNotFound)),
    };
    this.inflight.set(key, created as SharedFetch<unknown>);
    const cleanup = (): void => {
      created.settled = true;
      if (this.inflight.get(key) === (created as SharedFetch<unknown>)) this.inflight.delete(key);
    };
    created.promise.then(cleanup, cleanup);
    return created;
  }

  /** Remembers, for a while, an origin that could not be reached at all (so that the next requests fail at once). */
  private rememberUnreachable(origin: string, err: unknown): void {
    if (
      this.unreachableMemoryMs > 0 &&
      err instanceof RegistryError &&
      err.code === 'network-error' &&
      UNREACHABLE_CODES.has(causeCode(err))
    ) {
      this.unreachable.set(origin, { until: Date.now() + this.unreachableMemoryMs, error: err });
    }
  }

  /** 404 handling, JSON parsing and validation of one response; an unusable body is dropped from the HTTP cache. */
  private async readJsonResponse<T>(
    req: HttpRequest,
    shared: Omit<HttpRequest, 'signal'>,
    res: HttpResult,
    validate: (body: unknown) => T,
    onNotFound: 'not-found' | null,
  ): Promise<T | null> {
    if (this.logger && this.logger.debugEnabled !== false)
      this.logger.debug(`registry: GET ${redactUrl(res.url)} → ${res.status}${res.cacheStatus ? ` (cache: ${res.cacheStatus})` : ''}`);
    if (res.status === 404) {
      if (onNotFound === null) return null;
      throw new RegistryError('not-found', `${req.what}: ${hostLabel(req.registry)} does not have it (HTTP 404)`, {
        url: req.url,
        status: 404,
      });
    }
    let parsed: unknown;
    try {
      parsed = JSON.parse(res.body!.toString('utf8'));
    } catch {
      await this.transport.forget(shared); // an unusable body is not kept in the HTTP cache
      throw new RegistryError('malformed-response', `${req.what}: the registry answered something that is not JSON`, {
        url: req.url,
        status: 200,
      });
    }
    try {
      return validate(parsed);
    } catch (err) {
      if (err instanceof ShapeError) {
        await this.transport.forget(shared);
        throw new RegistryError('malformed-response', `${req.what}: unexpected document (${err.message})`, {
          url: req.url,
          status: 200,
          cause: err,
        });
      }
      throw err;
    }
  }
}

interface SharedFetch<T> {
  users: number;
  settled: boolean;
  controller: AbortController;
  promise: Promise<T>;
}

function originOf(url: string): string {
  try {
    return new URL(url).origin;
  } catch {
    return url;
  }
}

function causeCode(err: RegistryError): string {
  const code = (err.cause as { code?: unknown } | undefined)?.code;
  return typeof code === 'string' ? code : '';
}

function signalOpt(signal: AbortSignal | undefined): { signal?: AbortSignal } {
  return signal ? { signal } : {};
}

/**
 * Resolves like `promise`, but rejects with `onCancel()` as soon as `signal` aborts.
 * `release` runs once when the caller is done (settled or cancelled).
 */
function withSignal<T>(promise: Promise<T>, signal: AbortSignal | undefined, onCancel: () => Error, release?: () => void): Promise<T> {
  let released = false;
  const done = (): void => {
    if (!released) {
      released = true;
      release?.();
    }
  };
  if (!signal) {
    return promise.finally(done);
  }
  return new Promise<T>((resolve, reject) => {
    const onAbort = (): void => {
      done();
      reject(onCancel());
    };
    if (signal.aborted) return onAbort();
    signal.addEventListener('abort', onAbort, { once: true });
    promise.then(
      (value) => {
        signal.removeEventListener('abort', onAbort);
        done();
        resolve(value);
      },
      (err: unknown) => {
        signal.removeEventListener('abort', onAbort);
        done();
        reject(err);
      },
    );
  });
}

/** Names already escaped (a lockfile scan asks for each name two or three times). */
const escapedNames = new Map<string, string>();

/** npm's escaping of a package name in a URL path (`@scope/name` → `@scope%2fname`). */
export function escapeName(name: string, registry = NPM_PUBLIC_REGISTRY): string {
  const known = escapedNames.get(name);
  if (known !== undefined) return known;
  const escaped = escapeNameUncached(name, registry);
  if (escapedNames.size >= 10_000) escapedNames.clear();
  escapedNames.set(name, escaped);
  return escaped;
}

/**
 * The name check npm-package-arg makes (validate-npm-package-name, old package names allowed) and its
 * escaping, without parsing the name as a whole dependency spec (npa is tens of microseconds a call,
 * thousands of calls in a scan). A test holds it to npa's answers.
 */
function escapeNameUncached(name: string, registry: string): string {
  const why = packageNameProblem(name);
  if (why !== undefined) {
    throw new RegistryError('not-found', `"${name.slice(0, 214)}" is not a valid package name${why ? `: ${why}` : ''}`, { url: registry });
  }
  return name.replace('/', '%2f');
}

function hostLabel(registry: string): string {
  try {
    const u = new URL(registry);
    return u.pathname && u.pathname !== '/' ? `${u.host}${u.pathname.replace(/\/$/, '')}` : u.host;
  } catch {
    return registry;
  }
}

function hasTime(body: unknown): boolean {
  // a registry that ignores the abbreviated Accept header sends the full document (with `time`)
  return typeof body === 'object' && body !== null && 'time' in body;
}
