/**
 * The engine's public surface, used by the CLI (src/cli.ts) and the editor (src/providers/).
 * Implemented by `ProvenanceEngine` in ./engine.ts.
 */
import type { Lockfile, ManifestParseResult, Progress, RegistryObservation, ResolvedDependency, TrustInfo, Verdict } from './types';

export interface EngineLogger {
  /**
   * false when debug lines are dropped: the engine then does not build them (a scan would otherwise
   * format and redact a few thousand lines nobody reads). Absent: they are built and passed on.
   */
  readonly debugEnabled?: boolean;
  debug(message: string): void;
  info(message: string): void;
  warn(message: string): void;
  error(message: string): void;
}

export interface EngineOptions {
  /** Registry override; otherwise .npmrc (project, user, global) decides, as npm does. */
  registry?: string;
  /** Registry asked for attestations when the configured one strips them. Default https://registry.npmjs.org. '' disables. */
  attestationRegistry?: string;
  /** Folder whose .npmrc (and parents' up to the project root) is honoured; default process.cwd(). */
  npmrcDir?: string;
  /** When false, project .npmrc files are ignored (untrusted workspaces). Default true. */
  useProjectNpmrc?: boolean;
  /** Custom Sigstore trusted_root.json (private Sigstore, air-gapped). */
  trustedRootPath?: string;
  /** Custom npm registry keys file (TUF keys.json format or /-/npm/v1/keys format). */
  npmKeysPath?: string;
  /** Persistent cache folder: verdicts, TUF cache, HTTP cache. No persistence when absent. */
  cacheDir?: string;
  /** Use only cached data; anything else is `unavailable: offline`. */
  offline?: boolean;
  /** Maximum concurrent package verifications (and sockets per registry). Default: npm's `maxsockets` (15 unless configured). */
  concurrency?: number;
  /** Per-request timeout in ms. Default 15000. */
  timeoutMs?: number;
  /** Whether to try a TUF refresh of trust material (default true unless offline). */
  refreshTrust?: boolean;
  logger?: EngineLogger;
  /**
   * Path of the bundled verification worker (dist/verify-worker.js). When it exists, the Sigstore
   * checks run in a worker thread so the caller's event loop is never blocked; otherwise in-process.
   */
  workerScript?: string;
  /**
   * HTTP agents: 'npm' (default; npm's agents, .npmrc proxies) or 'node' (Node's core agents) for hosts
   * that wrap agents with their own proxy support, such as VS Code's extension host.
   */
  httpAgent?: 'npm' | 'node';
}

export interface VerifyRequest {
  name: string;
  version: string;
  /** Integrity recorded by a lockfile; a disagreement with the registry is `invalid: lockfile-integrity-mismatch`. */
  integrity?: string;
  /** The tarball URL a lockfile records (what the installer fetches); judged against the configured registry's host. */
  resolved?: string;
  /** The lockfile location of this copy (shown with the verdict; two copies of one version are two requests). */
  location?: string;
  resolvedFrom?: Verdict['resolvedFrom'];
}

export interface RunOptions {
  signal?: AbortSignal;
  onProgress?: (progress: Progress, verdict?: Verdict) => void;
  /** Called once per verdict as soon as it is known (for incremental UI). */
  onVerdict?: (verdict: Verdict, index: number) => void;
}

export interface VersionInfo {
  version: string;
  /** Whether the registry advertises attestations for this version (packument dist.attestations). */
  hasAttestations: boolean;
  publishTime?: string;
  deprecated?: boolean;
}

export interface ProvenanceEngineApi {
  /** Verify one exact version. Never throws: failures are verdicts. */
  verify(request: VerifyRequest, options?: RunOptions): Promise<Verdict>;
  /** Verify many, with bounded concurrency, progress and cancellation; results in input order. */
  verifyAll(requests: VerifyRequest[], options?: RunOptions): Promise<Verdict[]>;
  /** Versions of a package, newest first (from the abbreviated packument). */
  listVersions(name: string, options?: { signal?: AbortSignal }): Promise<{ versions: VersionInfo[]; distTags: Record<string, string> }>;
  /** Resolve the dependencies of a manifest (text at path) with the lockfile beside it, or registry ranges. */
  resolveManifest(
    manifestPath: string,
    text: string,
    options?: { signal?: AbortSignal; lockfile?: Lockfile | null },
  ): Promise<{ manifest: ManifestParseResult; lockfile?: Lockfile; resolved: ResolvedDependency[]; notes?: string[] }>;
  /**
   * The full packument of `name` (with `time` and `_npmUser`, for trust history), from `registry` when
   * given, through the registry client's HTTP cache. Throws when it cannot be fetched.
   */
  fetchPackument?(name: string, options?: { registry?: string; signal?: AbortSignal }): Promise<unknown>;
  trustInfo(): Promise<TrustInfo>;
  /** What was observed about each registry so far (mirror detection). */
  registryObservations(): RegistryObservation[];
  clearCache(): Promise<void>;
  /** Stop the verification worker, if one runs. */
  dispose?(): Promise<void>;
}
