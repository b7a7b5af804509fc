/**
 * The verification engine: from an exact package version to one Verdict.
 *
 * It fetches only what a verdict needs (the version document; keys; attestations when advertised;
 * publish times only when a signing key has an expiry), decides with the pure verifiers in
 * ./signatures and ./attestations, and persists immutable verdicts in ./cache.
 */
import { promises as fs } from 'node:fs';
import * as path from 'node:path';
import ssri from 'ssri';
import semver from 'semver';
import type { EngineLogger, EngineOptions, ProvenanceEngineApi, RunOptions, VerifyRequest, VersionInfo } from './api';
import type {
  InvalidCode,
  Lockfile,
  ManifestParseResult,
  Progress,
  RegistryObservation,
  RegistrySignature,
  ResolvedDependency,
  TrustInfo,
  UnavailableCode,
  Verdict,
} from './types';
import { loadTrustMaterial, parseNpmKeys, type NpmKey, type TrustBundle } from './trust';
import { verifyRegistrySignatures } from './signatures';
import { inProcessVerifier, WorkerVerifier, type AttestationVerifier } from './worker/pool';
import { DEFAULT_REGISTRY as PUBLIC_REGISTRY, RegistryClient, RegistryError } from './registry';
import { VerdictCache } from './cache';
import { parseManifest } from './resolve/manifest';
import { findLockfile, readLockfile } from './resolve/lockfile';
import { resolveDependencies } from './resolve/resolve';
import { redactingLogger, redactVerdict } from './format/redact';


const silentLogger: EngineLogger = { debug() {}, info() {}, warn() {}, error() {} };

interface VersionDist {
  integrity?: unknown;
  shasum?: unknown;
  signatures?: unknown;
  attestations?: unknown;
}

interface VersionDoc {
  name?: unknown;
  version?: unknown;
  dist?: VersionDist;
}

function isRecord(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

function hasSignatures(dist: VersionDist | undefined): boolean {
  return Array.isArray(dist?.signatures) && dist!.signatures.length > 0;
}

function hasAttestations(dist: VersionDist | undefined): boolean {
  return isRecord(dist?.attestations);
}

/** Compare two SRI strings on the algorithms they share: 'equal', 'different', or 'incomparable'. */
export function compareIntegrity(a: string, b: string): 'equal' | 'different' | 'incomparable' {
  const pa = ssri.parse(a);
  const pb = ssri.parse(b);
  let shared = false;
  for (const algo of Object.keys(pa)) {
    const hb = (pb as unknown as Record<string, { digest: string }[]>)[algo];
    if (!hb) continue;
    shared = true;
    const ha = (pa as unknown as Record<string, { digest: string }[]>)[algo];
    if (ha.some((x) => hb.some((y) => x.digest === y.digest))) return 'equal';
  }
  return shared ? 'different' : 'incomparable';
}

class Cancelled extends Error {
  constructor() {
    super('cancelled');
  }
}

function throwIfAborted(signal?: AbortSignal): void {
  if (signal?.aborted) throw new Cancelled();
}

/** Resolves on the next turn of the event loop, so long runs never block the caller. */
const yieldToEventLoop = (): Promise<void> => new Promise((resolve) => setImmediate(resolve));

export class ProvenanceEngine implements ProvenanceEngineApi {
  readonly options: EngineOptions;
  private readonly log: EngineLogger;
  private readonly client: RegistryClient;
  private readonly cache: VerdictCache;
  private trustPromise?: Promise<TrustBundle>;
  private readonly keysByRegistry = new Map<string, Promise<NpmKey[] | null>>();
  private readonly publishTimes = new Map<string, Promise<Record<string, string> | undefined>>();
  private readonly attestationRegistry: string | undefined;
  private readonly attestations: AttestationVerifier;
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
    await this.attestations.close();
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
          this.log.info(`trust material: ${t.info.source}${t.info.age ? ` (${t.info.age} old)` : ''}${t.info.note ? ` — ${t.info.note}` : ''}`);
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
  }

  /** The registry's npm signing keys: the TUF-distributed ones for registry.npmjs.org, else /-/npm/v1/keys. */
  private registryKeys(registry: string, trust: TrustBundle): Promise<NpmKey[] | null> {
    if (this.options.npmKeysPath || registry === PUBLIC_REGISTRY) return Promise.resolve(trust.npmKeys);
    let p = this.keysByRegistry.get(registry);
    if (!p) {
      p = this.client.getKeys(registry).then((doc) => {
        if (doc === null) return null;
        try {
          return parseNpmKeys(doc);
        } catch (err) {
          throw new RegistryError('malformed-response', `${registry}-/npm/v1/keys is not a usable keys document: ${(err as Error).message}`, { url: `${registry}-/npm/v1/keys` });
        }
      });
      p.catch(() => this.keysByRegistry.delete(registry));
      this.keysByRegistry.set(registry, p);
    }
    return p;
  }

  /** Publish times of a package (full packument `time`), fetched once per package and registry. */
  private publishTimesOf(name: string, registry: string, signal?: AbortSignal): Promise<Record<string, string> | undefined> {
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

  /** Verify one version; concurrent requests for the same version and integrity share one verification. */
  verify(request: VerifyRequest, options: RunOptions = {}): Promise<Verdict> {
    const key = `${request.name}@${request.version}#${request.integrity ?? ''}`;
    const running = this.inFlight.get(key);
    if (running && !options.signal) return running.then((v) => ({ ...v, resolvedFrom: request.resolvedFrom ?? v.resolvedFrom }));
    const p = this.verifyOnce(request, options).then(redactVerdict); // no registry credentials leave the engine
    if (!options.signal) {
      this.inFlight.set(key, p);
      void p.finally(() => this.inFlight.delete(key));
    }
    return p;
  }

  private async verifyOnce(request: VerifyRequest, options: RunOptions): Promise<Verdict> {
    const base = { name: request.name, version: request.version, resolvedFrom: request.resolvedFrom };
    try {
      throwIfAborted(options.signal);
      return await this.verifyInner(request, options.signal);
    } catch (err) {
      if (err instanceof Cancelled || options.signal?.aborted) {
        return { ...base, status: 'unavailable', reason: { code: 'cancelled', message: 'Verification was cancelled.' } };
      }
      if (err instanceof RegistryError) {
        return {
          ...base,
          status: 'unavailable',
          integrity: request.integrity,
          reason: { code: err.code, message: err.message },
        };
      }
      const message = err instanceof Error ? err.message : String(err);
      this.log.error(`${request.name}@${request.version}: internal error: ${message}`);
      return { ...base, status: 'unavailable', reason: { code: 'internal-error', message: `Internal error: ${message}` } };
    }
  }

  private async verifyInner(request: VerifyRequest, signal?: AbortSignal): Promise<Verdict> {
    const { name, version } = request;
    const id = `${name}@${version}`;
    const base = { name, version, resolvedFrom: request.resolvedFrom };
    const unavailable = (code: UnavailableCode, message: string, extra: Partial<Verdict> = {}): Verdict => ({
      ...base,
      status: 'unavailable',
      reason: { code, message },
      ...extra,
    });

    let trust: TrustBundle;
    try {
      trust = await this.trust();
    } catch (err) {
      return unavailable('trust-material-unavailable', `No trust material could be loaded: ${(err as Error).message}`);
    }
    const registry = this.client.registryFor(name); // normalised by the client

    // A lockfile's integrity lets a cached verdict answer without any request.
    if (request.integrity) {
      const hit = await this.cache.get({ registry, name, version, integrity: request.integrity, trustFingerprint: trust.fingerprint });
      if (hit) return { ...hit, resolvedFrom: request.resolvedFrom ?? hit.resolvedFrom, cached: true };
    }
    if (this.options.offline) {
      const latest = await this.cache.getLatest(registry, name, version);
      if (latest && (!request.integrity || (latest.integrity && compareIntegrity(latest.integrity, request.integrity) === 'equal'))) {
        return { ...latest, resolvedFrom: request.resolvedFrom ?? latest.resolvedFrom, cached: true };
      }
    }

    throwIfAborted(signal);
    this.log.debug(`${id}: GET version document from ${registry}`);
    let doc = (await this.client.getVersion(name, version, { signal })) as VersionDoc;
    let used = registry;
    const integrity = typeof doc.dist?.integrity === 'string' ? doc.dist.integrity : undefined;

    if (request.integrity && integrity && compareIntegrity(request.integrity, integrity) === 'different') {
      return this.remember(trust, registry, {
        ...base,
        status: 'invalid',
        integrity,
        registry,
        reason: {
          code: 'lockfile-integrity-mismatch',
          message: `The lockfile records integrity ${request.integrity.slice(0, 24)}… for ${id}, but ${registry} serves ${integrity.slice(0, 24)}…: the package changed after it was locked, or the lockfile was edited.`,
        },
      });
    }
    if (!integrity) {
      return unavailable('malformed-response', `${registry} serves no sha512 integrity for ${id}, so nothing can be checked against it.`, { registry });
    }
    if (!request.integrity || compareIntegrity(request.integrity, integrity) !== 'equal') {
      const hit = await this.cache.get({ registry, name, version, integrity, trustFingerprint: trust.fingerprint });
      if (hit) return { ...hit, resolvedFrom: request.resolvedFrom ?? hit.resolvedFrom, cached: true };
    }

    // A mirror that strips provenance: ask the attestation registry, and insist it serves the same bytes.
    let attestationRegistry: string | undefined;
    let notPublic = false;
    if (!hasSignatures(doc.dist) && !hasAttestations(doc.dist) && this.attestationRegistry && this.attestationRegistry !== registry) {
      const alt = this.attestationRegistry;
      this.log.debug(`${id}: ${registry} serves no signatures or attestations; asking ${alt}`);
      try {
        const altDoc = (await this.client.getVersion(name, version, { signal, registry: alt })) as VersionDoc;
        const altIntegrity = typeof altDoc.dist?.integrity === 'string' ? altDoc.dist.integrity : undefined;
        if (!altIntegrity || compareIntegrity(altIntegrity, integrity) !== 'equal') {
          return this.remember(trust, registry, {
            ...base,
            status: 'invalid',
            integrity,
            registry,
            attestationRegistry: alt,
            reason: {
              code: 'registry-integrity-mismatch',
              message: `${registry} and ${alt} serve different contents for ${id} (integrity ${integrity.slice(0, 24)}… vs ${(altIntegrity ?? 'none').slice(0, 24)}…). The package you install is not the one published there.`,
            },
          });
        }
        doc = altDoc;
        used = alt;
        attestationRegistry = alt;
      } catch (err) {
        if (err instanceof RegistryError && err.code === 'not-found') {
          notPublic = true;
          this.log.debug(`${id}: not on ${alt}; judging by ${registry} alone`);
        } else if (err instanceof RegistryError) {
          return unavailable(
            'mirror-stripped',
            `${registry} serves no registry signatures or attestations for ${id} (a mirror that strips them?), and the attestation registry ${alt} could not be reached: ${err.message}`,
            { registry, integrity },
          );
        } else {
          throw err;
        }
      }
    }

    throwIfAborted(signal);
    const keys = await this.registryKeys(used, trust);
    const signatures = doc.dist?.signatures;
    const advertised = hasAttestations(doc.dist);

    if (keys !== null && keys.length > 0 && !hasSignatures(doc.dist) && !advertised) {
      // A registry that publishes signing keys signs every version it serves (registry.npmjs.org
      // back-filled signatures for all of them). A version with neither signatures nor attestations
      // comes through something that strips them: we cannot tell anything about the package.
      return unavailable(
        'mirror-stripped',
        `${used} serves no registry signature and no attestations for ${id}, though it signs every version it publishes: a mirror or proxy on the way strips them, so nothing can be said about this package.`,
        { registry: used, integrity },
      );
    }

    if (keys === null && !hasSignatures(doc.dist) && !advertised && !notPublic) {
      return unavailable(
        'no-registry-keys',
        `${used} publishes no signing keys and serves no signatures or attestations for ${id}: a mirror that strips them, or a registry without provenance support. Nothing can be said about this package through it; for a mirror of the public registry, set the attestation registry.`,
        { registry: used, integrity },
      );
    }

    // A registry signature's key must have been valid at publish time: the full packument (for its
    // `time`) is fetched only when a key in play has an expiry. Attestation keys are judged by the
    // transparency log's signed time instead.
    let publishTime: string | undefined;
    const keyIdsUsed = new Set<string>();
    if (Array.isArray(signatures)) for (const s of signatures) if (isRecord(s) && typeof s.keyid === 'string') keyIdsUsed.add(s.keyid);
    const needsTime = (keys ?? []).some((k) => k.validUntil && keyIdsUsed.has(k.keyId));
    if (needsTime) {
      try {
        publishTime = (await this.publishTimesOf(name, used, signal))?.[version];
      } catch (err) {
        const message = err instanceof Error ? err.message : String(err);
        return unavailable('registry-error', `The publish time of ${id} is needed to check its signing key's validity, but could not be fetched: ${message}`, {
          registry: used,
          integrity,
        });
      }
      if (!publishTime) {
        return unavailable('malformed-response', `${used} gives no publish time for ${id}, which is needed to check its signing key's validity.`, {
          registry: used,
          integrity,
        });
      }
    }

    const registrySignature: RegistrySignature = verifyRegistrySignatures(
      { name, version, integrity, signatures, publishTime: publishTime ? new Date(publishTime) : undefined },
      keys,
    );
    const common = { ...base, integrity, registry, publishTime, registrySignature, attestationRegistry };
    if (registrySignature.status === 'invalid' || registrySignature.status === 'unknown-key' || registrySignature.status === 'expired-key') {
      const code: InvalidCode =
        registrySignature.status === 'invalid' ? 'invalid-registry-signature' : registrySignature.status === 'unknown-key' ? 'unknown-registry-key' : 'expired-registry-key';
      return this.remember(trust, registry, { ...common, status: 'invalid', reason: { code, message: registrySignature.message } });
    }

    if (!advertised) {
      const where = attestationRegistry ? `${attestationRegistry} (asked because ${registry} strips provenance)` : used;
      return this.remember(trust, registry, {
        ...common,
        status: 'no-provenance',
        reason: {
          code: 'not-advertised',
          message: `${id} was published without provenance: ${where} advertises no attestations for it.`,
        },
      });
    }

    if (keys === null) {
      return unavailable(
        'no-registry-keys',
        `${used} advertises attestations for ${id} but publishes no signing keys (/-/npm/v1/keys answers 404), so its publish attestation cannot be checked. Give the registry's keys with the npm keys file setting.`,
        { registry: used, integrity, registrySignature },
      );
    }

    throwIfAborted(signal);
    this.log.debug(`${id}: GET attestations from ${used}`);
    const document = await this.client.getAttestations(name, version, { signal, registry: used });
    if (document === null) {
      return this.remember(trust, registry, {
        ...common,
        status: 'invalid',
        reason: {
          code: 'attestations-missing',
          message: `${used} advertises attestations for ${id}, but its attestations endpoint has none (404). Provenance that is promised but missing is not verified.`,
        },
      });
    }
    throwIfAborted(signal);
    const result = await this.attestations.verify({
      name,
      version,
      integrity,
      document,
      trustedRoot: trust.trustedRoot,
      npmKeys: keys,
      publishTime: publishTime ? new Date(publishTime) : undefined,
    });
    if (!result.ok) {
      this.log.info(`${id}: invalid (${result.code}): ${result.message}`);
      return this.remember(trust, registry, { ...common, status: 'invalid', reason: { code: result.code, message: result.message } });
    }
    if (!publishTime) {
      // The publish time is one of the facts shown; best effort (the verdict does not depend on it).
      publishTime = await this.publishTimesOf(name, used, signal).then(
        (times) => times?.[version],
        () => undefined,
      );
    }
    const facts = { ...result.facts, publishTime: publishTime ?? result.facts.publishTime };
    this.log.info(`${id}: verified — built from ${facts.sourceRepository}@${facts.sourceCommit.slice(0, 7)} by ${facts.workflowPath}`);
    return this.remember(trust, registry, { ...common, publishTime, status: 'verified', facts });
  }

  /** Persist a final verdict (verified / no-provenance / invalid) under its immutable key. */
  private async remember(trust: TrustBundle, registry: string, verdict: Verdict): Promise<Verdict> {
    if (verdict.integrity && (verdict.status === 'verified' || verdict.status === 'no-provenance' || verdict.status === 'invalid')) {
      try {
        await this.cache.set(
          { registry, name: verdict.name, version: verdict.version, integrity: verdict.integrity, trustFingerprint: trust.fingerprint },
          verdict,
        );
      } catch (err) {
        this.log.warn(`could not write the verdict cache: ${(err as Error).message}`);
      }
    }
    return verdict;
  }

  async verifyAll(requests: VerifyRequest[], options: RunOptions = {}): Promise<Verdict[]> {
    const results: Verdict[] = new Array(requests.length);
    const total = requests.length;
    let done = 0;
    let next = 0;
    const width = Math.max(1, Math.min(this.options.concurrency ?? 8, total || 1));
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

  async listVersions(name: string, options: { signal?: AbortSignal } = {}): Promise<{ versions: VersionInfo[]; distTags: Record<string, string> }> {
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
    const manifest = parseManifest(text);
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

