/**
 * The HTTP layer under the registry client.
 *
 * npm's own HTTP libraries do the transfer: minipass-fetch (the fetch under make-fetch-happen and
 * npm-registry-fetch) over npm's keep-alive agents (@npmcli/agent: maxSockets, proxies and noproxy,
 * CAs, strict-ssl, client certificates), built here from the .npmrc settings as make-fetch-happen would.
 * Auth is computed per URL with npm-registry-fetch's own `getAuth`, so credentials are scoped exactly as
 * npm scopes them (the nerf-darted `//host/path/:_authToken` keys).
 *
 * What make-fetch-happen and npm-registry-fetch would add on top is done here instead, because theirs
 * does not fit:
 * - Redirects are never followed automatically. make-fetch-happen drops the Authorization header only
 *   when the *hostname* changes, so a redirect to another port of the same host would carry the token,
 *   and npm-registry-fetch has no option to turn redirects off. Here a same-origin redirect is followed
 *   (auth recomputed for the new URL) and a redirect to another origin is refused with a clear error.
 * - Retries honour Retry-After: make-fetch-happen's retry (promise-retry) uses a fixed exponential
 *   backoff and ignores Retry-After, so retries are done here: 408/429/500/502/503/504 and
 *   transient socket errors (not a refused connection) are retried with exponential backoff, or after Retry-After when the server
 *   sends one; a Retry-After longer than `maxRetryAfterMs` is not waited for (the request fails at once).
 * - Each attempt has its own timeout covering connection, headers and body, and the caller's
 *   AbortSignal cancels the attempt and any backoff wait.
 * - Bodies are read with a byte cap (after decompression) before anything is parsed; at the cap the
 *   request is aborted (the socket is closed, nothing more is read).
 * - The HTTP cache is this module's own (./httpCache), not make-fetch-happen's: that one streams each
 *   body into the cache while it is read, so a refused body was read to the end and an aborted one left
 *   its temporary file behind. Here only complete bodies within their cap are stored.
 * With its cache and retries unused, make-fetch-happen was a layer that built three Request objects per
 * request and loaded its cache libraries at start-up; minipass-fetch is called directly.
 */
import * as http from 'node:http';
import * as https from 'node:https';
import type { EngineLogger } from '../api';
import { RegistryError, redactUrl } from './errors';
import { HttpCache, type CachedResponse } from './httpCache';
import type { NpmConfig } from './npmrc';
import { formatBytes } from '../util/bytes';

// make-fetch-happen and npm-registry-fetch's getAuth are CommonJS without (complete) typings:
// the small part used here is typed locally.
interface FetchHeaders {
  get(name: string): string | null;
  forEach(cb: (value: string, key: string) => void): void;
}
interface FetchBody extends NodeJS.EventEmitter {
  destroy?(error?: Error): void;
  resume(): void;
}
interface FetchResponse {
  status: number;
  url: string;
  headers: FetchHeaders;
  body: FetchBody;
}
type MinipassFetch = (url: string, options: Record<string, unknown>) => Promise<FetchResponse>;
interface NpmAuth {
  token: string | null;
  auth: string | null;
  cert: string | null;
  key: string | null;
}
type GetAuth = (uri: string, opts: Record<string, unknown>) => NpmAuth;
// The agent make-fetch-happen would build itself (proxy, noProxy, CA, client certificate, maxSockets).
type GetNpmAgent = (url: string, options: Record<string, unknown>) => (http.Agent & { protocol?: string }) | false | null;

/* eslint-disable @typescript-eslint/no-require-imports */
const fetch = require('minipass-fetch') as MinipassFetch;
const getNpmAgent = (require('@npmcli/agent') as { getAgent: GetNpmAgent }).getAgent;
// npm-registry-fetch (and make-fetch-happen and its cache libraries under it) is loaded only when .npmrc
// names a credential: without one there is nothing for getAuth to find.
let getAuthFn: GetAuth | undefined;
const getAuth: GetAuth = (uri, opts) => (getAuthFn ??= (require('npm-registry-fetch') as { getAuth: GetAuth }).getAuth)(uri, opts);
/* eslint-enable @typescript-eslint/no-require-imports */

export interface RetryPolicy {
  /** Retries after the first attempt. Default 2. */
  retries: number;
  /** First backoff delay. Default 500 ms. */
  minDelayMs: number;
  /** Backoff cap. Default 10 s. */
  maxDelayMs: number;
  /** Backoff growth. Default 2. */
  factor: number;
  /** Longest Retry-After honoured; a longer one fails the request at once. Default 60 s. */
  maxRetryAfterMs: number;
}

export const DEFAULT_RETRY: RetryPolicy = { retries: 2, minDelayMs: 500, maxDelayMs: 10_000, factor: 2, maxRetryAfterMs: 60_000 };

export interface RetryInfo {
  url: string;
  /** The attempt that failed (1-based). */
  attempt: number;
  status?: number;
  errorCode?: string;
  /** How long the client waits before the next attempt. */
  delayMs: number;
  /** The Retry-After header the delay came from, if any. */
  retryAfter?: string;
}

export interface TransportOptions {
  config: NpmConfig;
  /** make-fetch-happen cache folder; no HTTP cache when absent. */
  cachePath?: string;
  offline: boolean;
  /** Freshness given to responses that carry no caching headers at all (default 0: always asked again). */
  heuristicFreshnessMs?: number;
  timeoutMs: number;
  /** Concurrent requests per registry origin (also the agent's maxSockets). */
  concurrency: number;
  retry: RetryPolicy;
  userAgent: string;
  logger?: EngineLogger;
  onRetry?: (info: RetryInfo) => void;
  /**
   * 'npm' (default): npm's own agents (@npmcli/agent), honouring .npmrc proxy settings.
   * 'node': Node's core keep-alive agents, for hosts that wrap agents with their own proxy support
   * (VS Code's extension host, where @npmcli/agent's requests hang); .npmrc proxies are then left to the host.
   */
  agent?: 'npm' | 'node';
}

export interface HttpRequest {
  url: string;
  /** The registry the URL belongs to (npm's auth fallback for URLs under it). */
  registry: string;
  accept: string;
  maxBytes: number;
  /** For messages: "version document of x@1.0.0", "packument of x"... */
  what: string;
  signal?: AbortSignal;
  /** 'no-store': neither read nor write the on-disk HTTP cache (a document whose result is cached elsewhere). */
  cache?: 'default' | 'no-store';
}

export interface HttpResult {
  /** 200 or 404 (every other outcome throws). */
  status: 200 | 404;
  body?: Buffer;
  url: string;
  /** The HTTP cache's part: miss (fetched), hit (fresh or offline), revalidated (304), updated (changed since cached). */
  cacheStatus?: string;
}

/** The .npmrc keys npm-registry-fetch's getAuth reads credentials from (`//host/path/:_authToken`, …). */
const CREDENTIAL_KEY = /:(_authToken|_auth|username|_password|certfile|keyfile)$/;

const RETRY_STATUS = new Set([408, 429, 500, 502, 503, 504]);
// Transient socket failures. A refused connection is not retried: the registry is down or the URL is
// wrong, and failing fast ("unavailable") beats making every package wait for backoffs.
const RETRY_ERROR_CODES = new Set(['ECONNRESET', 'EPIPE', 'EAI_AGAIN', 'ECONNABORTED', 'ENETRESET']);
const TIMEOUT_CODES = new Set([
  'ETIMEDOUT',
  'ECONNECTIONTIMEOUT',
  'EIDLETIMEOUT',
  'ERESPONSETIMEOUT',
  'ETRANSFERTIMEOUT',
  'ESOCKETTIMEDOUT',
]);
const MAX_REDIRECTS = 5;
const ERROR_BODY_CAP = 64 * 1024;

/** A counting semaphore: at most `limit` holders at once. */
export class Semaphore {
  private active = 0;
  private readonly waiters: (() => void)[] = [];
  constructor(private readonly limit: number) {}

  async acquire(signal?: AbortSignal): Promise<() => void> {
    if (this.active < this.limit) {
      this.active++;
      return this.releaser();
    }
    await new Promise<void>((resolve, reject) => {
      const onAbort = (): void => {
        const i = this.waiters.indexOf(grant);
        if (i >= 0) this.waiters.splice(i, 1);
        reject(signal?.reason instanceof Error ? signal.reason : new Error('aborted'));
      };
      const grant = (): void => {
        signal?.removeEventListener('abort', onAbort);
        resolve();
      };
      if (signal?.aborted) return onAbort();
      signal?.addEventListener('abort', onAbort, { once: true });
      this.waiters.push(grant);
    });
    return this.releaser();
  }

  private releaser(): () => void {
    let released = false;
    return () => {
      if (released) return;
      released = true;
      const next = this.waiters.shift();
      if (next) next();
      else this.active--;
    };
  }
}

/** Parses Retry-After (delta-seconds or HTTP-date) into milliseconds from `now`; undefined when unusable. */
export function parseRetryAfter(value: string | null | undefined, now = Date.now()): number | undefined {
  if (!value) return undefined;
  const trimmed = value.trim();
  if (/^\d+$/.test(trimmed)) return Number(trimmed) * 1000;
  const date = Date.parse(trimmed);
  if (Number.isNaN(date)) return undefined;
  return Math.max(0, date - now);
}

function sameOrigin(a: string, b: string): boolean {
  const x = new URL(a);
  const y = new URL(b);
  return x.protocol === y.protocol && x.host === y.host;
}

class AttemptFailure {
  constructor(
    readonly error: RegistryError,
    readonly retryable: boolean,
    readonly retryAfter?: string,
  ) {}
}

export class HttpTransport {
  private readonly semaphores = new Map<string, Semaphore>();

  private readonly nodeAgents = new Map<string, http.Agent>();
  private readonly npmAgents = new Map<string, http.Agent>();

  private readonly cache: HttpCache | undefined;
  /** Whether .npmrc names any credential at all (npm-registry-fetch's getAuth finds nothing otherwise). */
  private readonly hasCredentials: boolean;

  constructor(private readonly options: TransportOptions) {
    this.cache = options.cachePath ? new HttpCache(options.cachePath) : undefined;
    this.hasCredentials = Object.keys(options.config.authOptions).some((k) => CREDENTIAL_KEY.test(k));
  }

  /** Drops the cached response for a request (its body turned out to be unusable). */
  async forget(req: HttpRequest): Promise<void> {
    await this.cache?.delete(req.url, req.accept);
  }

  /**
   * npm's own agent (@npmcli/agent) for a URL, built from the options make-fetch-happen would hand it,
   * with its protocol stated. Left to itself the agent (agent-base) works out on every request whether
   * it serves http or https by capturing a stack trace and searching it for the https module (about a
   * tenth of a millisecond each, thousands of times in a scan); its agents are already one per protocol,
   * so the URL's protocol is the answer it would find.
   */
  private npmAgent(url: string, cert: string | null, key: string | null): http.Agent | undefined {
    // keyed by the URL's scheme and authority as written (no parse per request: the same text is the same origin)
    const authorityEnd = url.indexOf('/', url.indexOf('://') + 3);
    const id = `${authorityEnd < 0 ? url : url.slice(0, authorityEnd)} ${cert ?? ''}`;
    let agent = this.npmAgents.get(id);
    if (!agent) {
      let protocol: string;
      try {
        protocol = new URL(url).protocol;
      } catch {
        return undefined;
      }
      const { config } = this.options;
      const made = getNpmAgent(url, {
        maxSockets: this.options.concurrency,
        timeout: this.options.timeoutMs,
        rejectUnauthorized: config.strictSSL !== false,
        ...(config.ca ? { ca: config.ca } : {}),
        ...(config.proxy ? { proxy: config.proxy } : {}),
        ...(config.noProxy ? { noProxy: config.noProxy } : {}),
        ...(cert && key ? { cert, key } : {}),
      });
      if (!made) return undefined;
      made.protocol = protocol;
      agent = made;
      this.npmAgents.set(id, agent);
    }
    return agent;
  }

  /** Node core keep-alive agent for a URL's protocol (the 'node' agent mode). */
  private nodeAgent(url: string, cert?: string | null, key?: string | null): http.Agent {
    const secure = url.startsWith('https:');
    const id = `${secure ? 'https' : 'http'} ${cert ?? ''}`;
    let agent = this.nodeAgents.get(id);
    if (!agent) {
      const { config } = this.options;
      const common = { keepAlive: true, maxSockets: this.options.concurrency };
      agent = secure
        ? new https.Agent({
            ...common,
            rejectUnauthorized: config.strictSSL,
            ...(config.ca ? { ca: config.ca } : {}),
            ...(cert && key ? { cert, key } : {}),
          })
        : new http.Agent(common);
      this.nodeAgents.set(id, agent);
    }
    return agent;
  }

  /** GET with retries; resolves with 200 (body) or 404, throws RegistryError for everything else. */
  async get(req: HttpRequest): Promise<HttpResult> {
    const { retry } = this.options;
    checkAborted(req);
    if (this.options.offline && !this.cache) {
      throw new RegistryError('offline', `offline: ${req.what} is not cached (no cache folder is configured)`, { url: req.url });
    }
    const cached = this.cache && req.cache !== 'no-store' ? await this.cache.get(req.url, req.accept, req.maxBytes) : undefined;
    if (this.options.offline || cached?.fresh) {
      if (!cached) throw new RegistryError('offline', `offline: ${req.what} is not in the cache`, { url: req.url });
      return { status: 200, body: cached.body, url: req.url, cacheStatus: 'hit' };
    }
    for (let attempt = 1; ; attempt++) {
      let failure: AttemptFailure;
      try {
        return await this.attempt(req, cached);
      } catch (err) {
        if (!(err instanceof AttemptFailure)) throw err;
        failure = err;
      }
      const { error } = failure;
      if (!failure.retryable || attempt > retry.retries) throw error;
      let delayMs = Math.min(retry.maxDelayMs, retry.minDelayMs * retry.factor ** (attempt - 1));
      delayMs = Math.round(delayMs * (0.8 + Math.random() * 0.4));
      const retryAfterMs = parseRetryAfter(failure.retryAfter);
      if (retryAfterMs !== undefined) {
        if (retryAfterMs > retry.maxRetryAfterMs) {
          throw new RegistryError(
            error.code,
            `${error.message}; the registry asked to retry after ${Math.ceil(retryAfterMs / 1000)} s, longer than the ${Math.round(retry.maxRetryAfterMs / 1000)} s this client waits`,
            { url: req.url, ...(error.status !== undefined ? { status: error.status } : {}) },
          );
        }
        delayMs = retryAfterMs;
      }
      const info: RetryInfo = {
        url: redactUrl(req.url),
        attempt,
        delayMs,
        ...(error.status !== undefined ? { status: error.status } : {}),
        ...(failure.retryAfter !== undefined ? { retryAfter: failure.retryAfter } : {}),
        ...(error.cause && typeof (error.cause as { code?: unknown }).code === 'string'
          ? { errorCode: (error.cause as { code: string }).code }
          : {}),
      };
      this.options.logger?.debug(`registry: ${error.message}; retrying in ${delayMs} ms (attempt ${attempt + 1} of ${retry.retries + 1})`);
      this.options.onRetry?.(info);
      await sleep(delayMs, req);
    }
  }

  private semaphoreFor(url: string): Semaphore {
    const origin = new URL(url).origin;
    let s = this.semaphores.get(origin);
    if (!s) {
      s = new Semaphore(this.options.concurrency);
      this.semaphores.set(origin, s);
    }
    return s;
  }

  /** One attempt, following same-origin redirects. Throws AttemptFailure. */
  private async attempt(req: HttpRequest, cached: CachedResponse | undefined): Promise<HttpResult> {
    let release: () => void;
    try {
      release = await this.semaphoreFor(req.url).acquire(req.signal);
    } catch {
      throw new AttemptFailure(cancelled(req), false);
    }
    const control = this.attemptControl(req);
    let url = req.url;
    try {
      for (let redirects = 0; ; redirects++) {
        let res: FetchResponse;
        try {
          res = await this.fetchOnce(url, req, control.signal, cached);
        } catch (err) {
          throw control.classify(err, url);
        }
        const status = res.status;
        if (status >= 300 && status < 400 && status !== 304) {
          if (!(await drain(res.body, control.signal))) control.cut();
          url = redirectTarget(req, url, status, res.headers.get('location'), redirects);
          continue;
        }
        if (status === 304) return await this.notModified(req, url, res, cached, control);
        if (status === 200) return await this.readOk(req, url, res, cached, control);
        if (!(await drain(res.body, control.signal))) control.cut();
        if (status === 404) return { status: 404, url };
        throw this.statusFailure(req, url, status, res.headers.get('retry-after') ?? undefined);
      }
    } finally {
      control.dispose();
      release();
    }
  }

  /** The abort controller of one attempt: the overall timeout, the caller's cancellation, cutting a refused body. */
  private attemptControl(req: HttpRequest): AttemptControl {
    const controller = new AbortController();
    let timedOut = false;
    const timer = setTimeout(() => {
      timedOut = true;
      controller.abort(new Error('timeout'));
    }, this.options.timeoutMs);
    const onCallerAbort = (): void => controller.abort(new Error('cancelled'));
    req.signal?.addEventListener('abort', onCallerAbort, { once: true });
    return {
      signal: controller.signal,
      cut: () => {
        if (!controller.signal.aborted) controller.abort(new Error('response refused'));
      },
      classify: (err, url) => {
        if (err instanceof AttemptFailure) return err;
        if (req.signal?.aborted) return new AttemptFailure(cancelled(req), false);
        if (timedOut) {
          return new AttemptFailure(
            new RegistryError('timeout', `${req.what}: no complete answer from ${hostOf(url)} within ${this.options.timeoutMs} ms`, {
              url,
            }),
            false,
          );
        }
        if (err instanceof RegistryError) return new AttemptFailure(err, false);
        return classifyNetworkError(err, url, req.what);
      },
      dispose: () => {
        clearTimeout(timer);
        req.signal?.removeEventListener('abort', onCallerAbort);
      },
    };
  }

  /** HTTP 304: the cached body is still current (only an answer to a request that sent the cached validators). */
  private async notModified(
    req: HttpRequest,
    url: string,
    res: FetchResponse,
    cached: CachedResponse | undefined,
    control: AttemptControl,
  ): Promise<HttpResult> {
    if (!(await drain(res.body, control.signal))) control.cut();
    if (!cached?.etag && !cached?.lastModified) {
      throw new AttemptFailure(
        new RegistryError('registry-error', `${req.what}: ${hostOf(url)} answered HTTP 304 to a request that was not conditional`, {
          url,
          status: 304,
        }),
        false,
      );
    }
    // RFC 9111 4.3.4: the 304's headers update the stored ones; validators it leaves out are kept
    // (an entry that lost them would count as headerless, reused without asking)
    const headers = cacheHeadersOf(res);
    await this.store(req, cached.body, {
      ...headers,
      etag: headers.etag || cached.etag,
      lastModified: headers.lastModified || cached.lastModified,
    });
    return { status: 200, body: cached.body, url, cacheStatus: 'revalidated' };
  }

  /** HTTP 200: the body, read up to `req.maxBytes` (a larger one is cut off, not read), never empty. */
  private async readOk(
    req: HttpRequest,
    url: string,
    res: FetchResponse,
    cached: CachedResponse | undefined,
    control: AttemptControl,
  ): Promise<HttpResult> {
    const declared = Number(res.headers.get('content-length'));
    if (Number.isFinite(declared) && declared > req.maxBytes) {
      res.body.on('error', () => undefined);
      control.cut();
      res.body.destroy?.();
      throw new AttemptFailure(tooLarge(req, url, declared), false);
    }
    let body: Buffer;
    try {
      body = await readBody(res.body, req.maxBytes, control.signal);
    } catch (err) {
      if (err instanceof BodyTooLarge) {
        control.cut();
        throw new AttemptFailure(tooLarge(req, url, err.size), false);
      }
      throw control.classify(err, url);
    }
    if (body.length === 0) {
      throw new AttemptFailure(
        new RegistryError('malformed-response', `${req.what}: ${hostOf(url)} answered HTTP 200 with an empty body`, { url, status: 200 }),
        false,
      );
    }
    await this.store(req, body, cacheHeadersOf(res));
    return { status: 200, body, url, ...(this.cache ? { cacheStatus: cached ? 'updated' : 'miss' } : {}) };
  }

  private statusFailure(req: HttpRequest, url: string, status: number, retryAfter: string | undefined): AttemptFailure {
    const host = hostOf(url);
    if (status === 401 || status === 403) {
      const auth = this.authFor(url, req.registry);
      const sent = Boolean(auth.token || auth.auth);
      return new AttemptFailure(
        new RegistryError(
          'auth-required',
          `${req.what}: ${host} answered HTTP ${status} (${sent ? 'the configured credentials were refused' : 'no credentials are configured for this registry in .npmrc'})`,
          { url, status },
        ),
        false,
      );
    }
    if (status === 429) {
      return new AttemptFailure(
        new RegistryError('rate-limited', `${req.what}: ${host} is rate limiting requests (HTTP 429)`, { url, status }),
        true,
        retryAfter,
      );
    }
    return new AttemptFailure(
      new RegistryError('registry-error', `${req.what}: ${host} answered HTTP ${status}`, { url, status }),
      RETRY_STATUS.has(status),
      retryAfter,
    );
  }

  private authFor(url: string, registry: string): NpmAuth {
    // getAuth only ever answers from `<nerf dart>:<one of these>` keys: without any, there is nothing to
    // find, and asking costs a walk up the URL's path for every request.
    if (!this.hasCredentials) return { token: null, auth: null, cert: null, key: null };
    try {
      return getAuth(url, { ...this.options.config.authOptions, registry });
    } catch {
      return { token: null, auth: null, cert: null, key: null };
    }
  }

  /** Stores a complete body in the HTTP cache; a cache that cannot be written is only logged. */
  private async store(req: HttpRequest, body: Buffer, headers: Parameters<HttpCache['put']>[3]): Promise<void> {
    if (!this.cache || req.cache === 'no-store') return;
    try {
      await this.cache.put(req.url, req.accept, body, headers, this.options.heuristicFreshnessMs);
    } catch (err) {
      this.options.logger?.warn(`registry: could not write the HTTP cache: ${(err as Error).message}`);
    }
  }

  private fetchOnce(url: string, req: HttpRequest, signal: AbortSignal, cached: CachedResponse | undefined): Promise<FetchResponse> {
    const auth = this.authFor(url, req.registry);
    const headers: Record<string, string> = { accept: req.accept, 'user-agent': this.options.userAgent };
    if (auth.token) headers.authorization = `Bearer ${auth.token}`;
    else if (auth.auth) headers.authorization = `Basic ${auth.auth}`;
    if (cached?.etag) headers['if-none-match'] = cached.etag;
    if (cached?.lastModified) headers['if-modified-since'] = cached.lastModified;
    const agent = this.options.agent === 'node' ? this.nodeAgent(url, auth.cert, auth.key) : this.npmAgent(url, auth.cert, auth.key);
    if (!agent) return Promise.reject(new TypeError(`not a URL the registry client can fetch: ${url}`));
    headers.connection = 'keep-alive';
    const { config } = this.options;
    // The TLS settings go with the request too, as make-fetch-happen passed them (the agent has them as well)
    return fetch(url, {
      method: 'GET',
      headers,
      redirect: 'manual',
      timeout: this.options.timeoutMs,
      signal,
      agent,
      rejectUnauthorized: config.strictSSL !== false,
      ...(config.ca ? { ca: config.ca } : {}),
      ...(auth.cert && auth.key ? { cert: auth.cert, key: auth.key } : {}),
    });
  }
}

function hostOf(url: string): string {
  try {
    return new URL(url).host;
  } catch {
    return 'the registry';
  }
}

/** What an attempt needs from its abort controller (see HttpTransport.attemptControl). */
interface AttemptControl {
  signal: AbortSignal;
  /** Closes the connection: a body that is refused (too large) or not wanted is not read any further. */
  cut(): void;
  /** The failure for an error thrown while fetching or reading from `url`. */
  classify(err: unknown, url: string): AttemptFailure;
  /** Clears the timeout and stops listening to the caller's signal. */
  dispose(): void;
}

/** The validators and freshness headers the HTTP cache keeps with a body. */
function cacheHeadersOf(res: FetchResponse): Parameters<HttpCache['put']>[3] {
  return {
    etag: res.headers.get('etag'),
    lastModified: res.headers.get('last-modified'),
    cacheControl: res.headers.get('cache-control'),
    age: res.headers.get('age'),
  };
}

/** Where a 3xx answer from `url` leads: only a valid location on the same origin, at most MAX_REDIRECTS times. */
function redirectTarget(req: HttpRequest, url: string, status: number, location: string | null, redirects: number): string {
  if (!location) {
    throw new AttemptFailure(
      new RegistryError('registry-error', `${req.what}: HTTP ${status} redirect without a location`, { url, status }),
      false,
    );
  }
  let target: string;
  try {
    target = new URL(location, url).toString();
  } catch {
    throw new AttemptFailure(
      new RegistryError('registry-error', `${req.what}: HTTP ${status} redirect to an invalid location`, { url, status }),
      false,
    );
  }
  if (!sameOrigin(url, target)) {
    throw new AttemptFailure(
      new RegistryError(
        'registry-error',
        `${req.what}: ${hostOf(url)} redirected to another host (${redactUrl(target)}); not followed, so no credentials leave the registry`,
        { url, status },
      ),
      false,
    );
  }
  if (redirects >= MAX_REDIRECTS) {
    throw new AttemptFailure(new RegistryError('registry-error', `${req.what}: too many redirects`, { url, status }), false);
  }
  return target;
}

function cancelled(req: HttpRequest): RegistryError {
  return new RegistryError('cancelled', `${req.what}: cancelled`, { url: req.url });
}

function checkAborted(req: HttpRequest): void {
  if (req.signal?.aborted) throw cancelled(req);
}

function tooLarge(req: HttpRequest, url: string, size: number): RegistryError {
  return new RegistryError(
    'malformed-response',
    `${req.what}: the response is larger than ${formatBytes(req.maxBytes)}${size > req.maxBytes ? ` (${formatBytes(size)} or more)` : ''}; not parsed`,
    { url, status: 200 },
  );
}

function classifyNetworkError(err: unknown, url: string, what: string): AttemptFailure {
  const e = err as { code?: unknown; type?: unknown; message?: unknown; name?: unknown };
  const code = typeof e?.code === 'string' ? e.code : undefined;
  const host = hostOf(url);
  if (code === 'ENOTCACHED') {
    return new AttemptFailure(new RegistryError('offline', `offline: ${what} is not in the cache`, { url, cause: err }), false);
  }
  if (e?.type === 'request-timeout' || (code && TIMEOUT_CODES.has(code))) {
    return new AttemptFailure(new RegistryError('timeout', `${what}: ${host} did not answer in time`, { url, cause: err }), false);
  }
  if (e?.type === 'aborted' || e?.name === 'AbortError') {
    return new AttemptFailure(new RegistryError('cancelled', `${what}: cancelled`, { url, cause: err }), false);
  }
  let detail = code ?? (typeof e?.message === 'string' ? e.message.replace(/https?:\/\/\S+/g, (u) => redactUrl(u)) : 'unknown error');
  if (code && /CERT|SSL|TLS|SELF_SIGNED|UNABLE_TO_(GET|VERIFY)/.test(code))
    detail += ': TLS certificate problem (check cafile / ca / strict-ssl in .npmrc)';
  else if (code === 'EINVALIDPROXY' || code === 'ECONNREFUSED_PROXY') detail += ': check proxy / https-proxy in .npmrc';
  return new AttemptFailure(
    new RegistryError('network-error', `${what}: could not reach ${host} (${detail})`, { url, cause: err }),
    code !== undefined && RETRY_ERROR_CODES.has(code),
  );
}

class BodyTooLarge extends Error {
  constructor(readonly size: number) {
    super('body too large');
  }
}

function readBody(body: FetchBody, maxBytes: number, signal: AbortSignal): Promise<Buffer> {
  return new Promise<Buffer>((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    let settled = false;
    const finish = (err: Error | undefined, value?: Buffer): void => {
      if (settled) return;
      settled = true;
      signal.removeEventListener('abort', onAbort);
      body.removeListener('data', onData);
      body.removeListener('end', onEnd);
      body.removeListener('error', onError);
      if (err) {
        body.on('error', () => undefined); // late errors from the destroyed stream
        try {
          body.destroy?.();
        } catch {
          /* already gone */
        }
        reject(err);
      } else {
        resolve(value!);
      }
    };
    const onAbort = (): void => finish(Object.assign(new Error('aborted'), { name: 'AbortError', type: 'aborted' }));
    const onData = (chunk: Buffer | string): void => {
      const buf = typeof chunk === 'string' ? Buffer.from(chunk) : chunk;
      size += buf.length;
      if (size > maxBytes) finish(new BodyTooLarge(size));
      else chunks.push(buf);
    };
    const onEnd = (): void => finish(undefined, Buffer.concat(chunks, size));
    const onError = (err: Error): void => finish(err);
    if (signal.aborted) return onAbort();
    signal.addEventListener('abort', onAbort, { once: true });
    body.on('data', onData);
    body.on('end', onEnd);
    body.on('error', onError);
    body.resume();
  });
}

/**
 * Reads and discards a (small) body so the keep-alive socket can be reused. False when it gave up
 * (past a cap, or an error): the caller then aborts the request, closing the connection.
 */
async function drain(body: FetchBody, signal: AbortSignal): Promise<boolean> {
  try {
    await readBody(body, ERROR_BODY_CAP, signal);
    return true;
  } catch {
    return false;
  }
}

function sleep(ms: number, req: HttpRequest): Promise<void> {
  return new Promise<void>((resolve, reject) => {
    if (req.signal?.aborted) return reject(cancelled(req));
    const onAbort = (): void => {
      clearTimeout(timer);
      reject(cancelled(req));
    };
    const timer = setTimeout(() => {
      req.signal?.removeEventListener('abort', onAbort);
      resolve();
    }, ms);
    req.signal?.addEventListener('abort', onAbort, { once: true });
  });
}
