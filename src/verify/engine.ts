/**
 * The verification engine: from an exact package version to one Verdict.
 *
 * It fetches only what a verdict needs (the version document; keys; attestations when advertised;
 * publish times only when a signing key has an expiry), decides with the pure verifiers in
 * ./signatures and ./attestations, and persists immutable verdicts in ./cache.
 */
import { promises as fs } from 'node:fs';
import * as path from 'node:path';
import { createHash } from 'node:crypto';
import semver from 'semver';
import type { EngineLogger, EngineOptions, ProvenanceEngineApi, RunOptions, VerifyRequest, VersionInfo } from './api';
import type { Lockfile, ManifestParseResult, Progress, RegistryObservation, ResolvedDependency, TrustInfo, Verdict } from './types';
import { loadTrustMaterial, parseNpmKeys, type NpmKey, type TrustBundle } from './trust';
import { describeKeys } from './trust/keys';
import { inProcessVerifier, WorkerVerifier, type AttestationVerifier } from './worker/pool';
import { DEFAULT_REGISTRY as PUBLIC_REGISTRY, RegistryClient, RegistryError } from './registry';
import { VerdictCache } from './cache';
import { parseManifestSliced } from './resolve/manifest';
import { findLockfile, readLockfile } from './resolve/lockfile';
import { resolveDependencies } from './resolve/resolve';
import { isLockfileRequest, newContext, runPipeline, throwIfAborted, type PipelineServices } from './pipeline';
import { hasAttestations, type VersionDist } from './pipeline/context';
import { redactingLogger, redactVerdict } from './format/redact';
import { isRecord } from './util/guards';

const silentLogger: EngineLogger = { debugEnabled: false, debug() {}, info() {}, warn() {}, error() {} };

/** Resolves on the next turn of the event loop, so long runs never block the caller. */
const yieldToEventLoop = (): Promise<void> => new Promise((resolve) => setImmediate(resolve));

export class ProvenanceEngine implements ProvenanceEngineApi {
  readonly options: EngineOptions;
  readonly log: EngineLogger;
  readonly client: RegistryClient;
  readonly cache: VerdictCache;
  private trustPromise?: Promise<TrustBundle>;
  private readonly keysByRegistry = new Map<string, Promise<NpmKey[] | null>>();
  private readonly publishTimes = new Map<string, Promise<Record<string, string> | undefined>>();
  readonly attestationRegistry: string | undefined;
  readonly attestations: AttestationVerifier;
  private readonly keyFingerprints = new Map<string, Promise<string | undefined>>();
  private readonly inFlight = new Map<string, Promise<Verdict>>();

  constructor(options: EngineOptions = {}) {
    this.options = options;
    this.log = redactingLogger(options.logger ?? silentLogger); // no registry credentials in log lines
    this.client = new RegistryClient({
      registry: options.registry,
      attestationRegistry: options.attestationRegistry,
      npmrcDir: options.npmrcDir,
      useProjectNpmrc: options.useProjectNpmrc,
      cacheDir: options.cacheDir,
      offline: options.offline,
      timeoutMs: options.timeoutMs,
      concurrency: options.concurrency,
      logger: this.log,
      ...(options.httpAgent ? { agent: options.httpAgent } : {}),
    });
    this.cache = new VerdictCache(options.cacheDir ? path.join(options.cacheDir, 'verdicts') : undefined);
    // The client normalises it (default registry.npmjs.org; '' disables the fallback).
    this.attestationRegistry = this.client.attestationRegistry;
    this.attestations =
      options.workerScript && WorkerVerifier.available(options.workerScript) ? new WorkerVerifier(options.workerScript) : inProcessVerifier;
  }

  async dispose(): Promise<void> {
    await Promise.all([this.attestations.close(), this.cache.close()]);
  }

  /** Trust material, loaded once (TUF refresh → cached copy → the seed shipped with @sigstore/tuf). */
  trust(): Promise<TrustBundle> {
    if (!this.trustPromise) {
      this.trustPromise = loadTrustMaterial({
        cacheDir: this.options.cacheDir ? path.join(this.options.cacheDir, 'trust') : undefined,
        trustedRootPath: this.options.trustedRootPath,
        npmKeysPath: this.options.npmKeysPath,
        offline: this.options.offline,
        refresh: this.options.refreshTrust ?? !this.options.offline,
      }).then(
        (t) => {
          this.log.info(
            `trust material: ${t.info.source}${t.info.age ? ` (${t.info.age} old)` : ''}${t.info.note ? ` — ${t.info.note}` : ''}`,
          );
          return t;
        },
        (err: unknown) => {
          this.trustPromise = undefined; // try again next time
          throw err;
        },
      );
    }
    return this.trustPromise;
  }

  async trustInfo(): Promise<TrustInfo> {
    return (await this.trust()).info;
  }

  registryObservations(): RegistryObservation[] {
    return this.client.observations();
  }

  /** Forget every verdict and cached registry response (trust material stays). */
  async clearCache(): Promise<void> {
    await this.cache.clear();
    if (this.options.cacheDir) await fs.rm(path.join(this.options.cacheDir, 'http'), { recursive: true, force: true });
    this.publishTimes.clear();
    this.keysByRegistry.clear();
    this.keyFingerprints.clear();
  }

  /** The registry's npm signing keys: the TUF-distributed ones for registry.npmjs.org, else /-/npm/v1/keys. */
  registryKeys(registry: string, trust: TrustBundle): Promise<NpmKey[] | null> {
    if (this.options.npmKeysPath || registry === PUBLIC_REGISTRY) return Promise.resolve(trust.npmKeys);
    let p = this.keysByRegistry.get(registry);
    if (!p) {
      p = this.client.getKeys(registry).then((doc) => {
        if (doc === null) return null;
        try {
          return parseNpmKeys(doc);
        } catch (err) {
          throw new RegistryError(
            'malformed-response',
            `${registry}-/npm/v1/keys is not a usable keys document: ${(err as Error).message}`,
            { url: `${registry}-/npm/v1/keys` },
          );
        }
      });
      p.catch(() => this.keysByRegistry.delete(registry));
      this.keysByRegistry.set(registry, p);
    }
    return p;
  }

  /** The full packument of `name` (trust history), through the registry client and its HTTP cache. */
  fetchPackument(name: string, options: { registry?: string; signal?: AbortSignal } = {}): Promise<unknown> {
    return this.client.getPackument(name, { full: true, ...options });
  }

  /** Publish times of a package (full packument `time`), fetched once per package and registry. */
  publishTimesOf(name: string, registry: string, signal?: AbortSignal): Promise<Record<string, string> | undefined> {
    const key = `${registry} ${name}`;
    let p = this.publishTimes.get(key);
    if (!p) {
      p = this.client.getPackument(name, { full: true, registry, signal }).then((doc: unknown) => {
        const time = isRecord(doc) && isRecord(doc.time) ? doc.time : undefined;
        if (!time) return undefined;
        const out: Record<string, string> = {};
        for (const [k, v] of Object.entries(time)) if (typeof v === 'string') out[k] = v;
        return out;
      });
      p.catch(() => this.publishTimes.delete(key));
      this.publishTimes.set(key, p);
    }
    return p;
  }

  /**
   * Starts, in the background, what every verification of the default registry waits for first: the
   * trust material and the registry's signing keys (a request, unless the keys are the trust
   * material's). A scan calls it before reading the project, so the request overlaps the reading. Never
   * throws; a failure here is met again, and reported, by the verification that needs it.
   */
  prefetch(): void {
    void this.trust()
      .then((trust) => this.cacheScope(this.client.registry, trust))
      .catch(() => undefined);
  }

  /**
   * What a cached verdict depends on besides the version's integrity: the trusted root and npm keys
   * (trust.fingerprint), the signing keys the registry and the attestation registry publish (when they
   * are not the TUF ones), the registry and the attestation registry. Undefined when a registry's keys
   * cannot be established (then nothing is read from or written to the cache).
   */
  async cacheScope(registry: string, trust: TrustBundle): Promise<string | undefined> {
    const parts = ['scope/2', trust.fingerprint, registry, this.attestationRegistry ?? ''];
    for (const r of this.attestationRegistry && this.attestationRegistry !== registry ? [registry, this.attestationRegistry] : [registry]) {
      const fp = await this.keysFingerprint(r, trust);
      if (fp === undefined) return undefined;
      parts.push(`${r} ${fp}`);
    }
    return createHash('sha256').update(JSON.stringify(parts)).digest('hex');
  }

  /**
   * A scope for transient verdicts only (see PipelineServices.transientScope): the trust material, the
   * registry and its keys, and the attestation registry whose keys are not known. Distinct from every
   * cacheScope by construction.
   */
  async transientScope(registry: string, trust: TrustBundle): Promise<string | undefined> {
    const fp = await this.keysFingerprint(registry, trust);
    if (fp === undefined) return undefined;
    return createHash('sha256')
      .update(JSON.stringify(['transient-scope/1', trust.fingerprint, registry, this.attestationRegistry ?? '', `${registry} ${fp}`]))
      .digest('hex');
  }

  /** 'trust' when the keys are the trust material's; else a digest of what the registry publishes ('none': no keys). */
  private keysFingerprint(registry: string, trust: TrustBundle): Promise<string | undefined> {
    if (this.options.npmKeysPath || registry === PUBLIC_REGISTRY) return Promise.resolve('trust');
    let p = this.keyFingerprints.get(registry);
    if (!p) {
      p = this.registryKeys(registry, trust).then(
        async (keys) => {
          const fp = keys === null ? 'none' : createHash('sha256').update(describeKeys(keys)).digest('hex');
          await this.cache
            .setRegistryKeys(registry, fp)
            .catch((err: unknown) => this.log.warn(`could not remember ${registry}'s keys: ${(err as Error).message}`));
          return fp;
        },
        async (err: unknown) => {
          this.keyFingerprints.delete(registry);
          // Offline, the keys the registry published when last asked are the ones in force.
          if (err instanceof RegistryError && err.code === 'offline') return this.cache.getRegistryKeys(registry);
          return undefined;
        },
      );
      this.keyFingerprints.set(registry, p);
    }
    return p;
  }

  /**
   * Verify one version; concurrent requests for the same version, integrity and tarball URL share one
   * verification. Every verdict carries the request's own resolvedFrom, location and resolved.
   */
  verify(request: VerifyRequest, options: RunOptions = {}): Promise<Verdict> {
    const key = JSON.stringify([
      request.name,
      request.version,
      request.integrity ?? '',
      request.resolved ?? '',
      isLockfileRequest(request),
    ]);
    const own = (v: Verdict): Verdict => {
      const out: Verdict = { ...v };
      delete out.location;
      delete out.resolved;
      if (request.resolvedFrom !== undefined) out.resolvedFrom = request.resolvedFrom;
      if (request.location !== undefined) out.location = request.location;
      if (request.resolved !== undefined) out.resolved = request.resolved;
      return out;
    };
    const running = this.inFlight.get(key);
    if (running && !options.signal) return running.then((v) => redactVerdict(own(v)));
    const p = this.verifyOnce(request, options);
    if (!options.signal) {
      this.inFlight.set(key, p);
      void p.finally(() => this.inFlight.delete(key));
    }
    return p.then((v) => redactVerdict(own(v))); // no registry credentials leave the engine
  }

  private verifyOnce(request: VerifyRequest, options: RunOptions): Promise<Verdict> {
    return runPipeline(this.services, newContext(request, this.client.registryFor(request.name), options.signal));
  }

  private get services(): PipelineServices {
    return this;
  }

  /**
   * How many verifications run at once: the registry client's sockets per host (`concurrency`, else npm's
   * `maxsockets`, 15 unless configured), so every socket has a request and no verification waits on a
   * socket it could not get.
   */
  get width(): number {
    return Math.max(1, this.options.concurrency ?? this.client.sockets);
  }

  async verifyAll(requests: VerifyRequest[], options: RunOptions = {}): Promise<Verdict[]> {
    const results: Verdict[] = new Array(requests.length);
    const total = requests.length;
    let done = 0;
    let next = 0;
    const width = Math.max(1, Math.min(this.width, total || 1));
    const worker = async (): Promise<void> => {
      while (next < total) {
        const index = next++;
        const req = requests[index];
        const verdict = await this.verify(req, { signal: options.signal });
        results[index] = verdict;
        done++;
        const progress: Progress = { done, total, current: `${req.name}@${req.version}` };
        try {
          options.onVerdict?.(verdict, index);
          options.onProgress?.(progress, verdict);
        } catch (err) {
          this.log.warn(`progress callback failed: ${(err as Error).message}`);
        }
        await yieldToEventLoop();
      }
    };
    await Promise.all(Array.from({ length: width }, worker));
    return results;
  }

  async listVersions(
    name: string,
    options: { signal?: AbortSignal } = {},
  ): Promise<{ versions: VersionInfo[]; distTags: Record<string, string> }> {
    const doc = (await this.client.getPackument(name, { signal: options.signal })) as unknown;
    if (!isRecord(doc) || !isRecord(doc.versions)) return { versions: [], distTags: {} };
    const time = isRecord(doc.time) ? doc.time : {};
    const versions: VersionInfo[] = [];
    for (const [v, meta] of Object.entries(doc.versions)) {
      if (!semver.valid(v)) continue;
      const dist = isRecord(meta) && isRecord(meta.dist) ? (meta.dist as VersionDist) : undefined;
      const t = time[v];
      versions.push({
        version: v,
        hasAttestations: hasAttestations(dist),
        publishTime: typeof t === 'string' ? t : undefined,
        deprecated: isRecord(meta) && typeof meta.deprecated === 'string' ? true : undefined,
      });
    }
    versions.sort((a, b) => semver.rcompare(a.version, b.version));
    const distTags: Record<string, string> = {};
    if (isRecord(doc['dist-tags'])) for (const [k, v] of Object.entries(doc['dist-tags'])) if (typeof v === 'string') distTags[k] = v;
    return { versions, distTags };
  }

  async resolveManifest(
    manifestPath: string,
    text: string,
    options: { signal?: AbortSignal; lockfile?: Lockfile | null } = {},
  ): Promise<{ manifest: ManifestParseResult; lockfile?: Lockfile; resolved: ResolvedDependency[]; notes: string[] }> {
    const manifest = await parseManifestSliced(text);
    // Each phase below is synchronous work proportional to the project's size: let the event loop turn between them.
    await yieldToEventLoop();
    const dir = path.dirname(manifestPath);
    const notes: string[] = [];
    let lockfile: Lockfile | undefined = options.lockfile ?? undefined;
    if (options.lockfile === undefined) {
      const found = await findLockfile(dir);
      if (found?.note) notes.push(found.note);
      if (found) {
        try {
          const parsed = await readLockfile(found.path);
          notes.push(...parsed.notes);
          lockfile = parsed;
        } catch (err) {
          const message = `could not read ${found.path}: ${(err as Error).message}; resolving from the registry instead`;
          notes.push(message);
          this.log.warn(message);
        }
      }
    }
    await yieldToEventLoop();
    const importerPath = lockfile ? path.relative(path.dirname(lockfile.path), dir).split(path.sep).join('/') : '';
    const resolved = await resolveDependencies(manifest, {
      lockfile,
      importerPath,
      manifestPath,
      listVersions: async (name: string) => {
        throwIfAborted(options.signal);
        const { versions, distTags } = await this.listVersions(name, { signal: options.signal });
        return { versions: versions.map((v) => v.version), distTags };
      },
    });
    return { manifest, lockfile, resolved, notes };
  }
}
