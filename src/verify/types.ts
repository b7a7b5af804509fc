/**
 * The engine's shared vocabulary. One verdict type is used everywhere: the CLI's
 * human and JSON output, the persistent cache and the editor's providers.
 *
 * This module (and everything under src/verify/) never imports `vscode`.
 */
import type { TrustAssessment } from './history/types';
import type { NotApplicableCode, ReasonCode, VerdictStatus } from './reasons/catalogue';

/**
 * Verdict statuses and reason codes are defined once, with their labels and meanings, in
 * ./reasons/catalogue.ts; these types are derived from it.
 */
export type { VerdictStatus, InvalidCode, UnavailableCode, NotApplicableCode, NoProvenanceCode, ReasonCode } from './reasons/catalogue';
export interface Reason {
  code: ReasonCode;
  /** Plain-language sentence for people; may quote registry strings (escape before rendering as markup). */
  message: string;
}

/** State of the registry's own ECDSA signatures (dist.signatures) for a version. */
export type RegistrySignatureStatus =
  | 'valid' // every entry verified with a key valid at publish time
  | 'invalid' // an entry failed to verify
  | 'unknown-key' // an entry names a key the registry does not publish
  | 'expired-key' // the key was not valid at publish time
  | 'missing' // the registry publishes keys but this version carries no signatures
  | 'unsupported'; // the registry publishes no keys (many mirrors and private registries)

export interface RegistrySignature {
  status: RegistrySignatureStatus;
  keyId?: string;
  message: string;
}

export interface TransparencyLogEntry {
  logIndex: string;
  /** ISO-8601 time the entry was integrated into the log. */
  integratedTime?: string;
  /** https://search.sigstore.dev/?logIndex=N for the public-good instance. */
  url?: string;
}

/** What a verified provenance statement says (every field comes from signed, verified data). */
export interface ProvenanceFacts {
  /** https URL of the source repository, e.g. https://github.com/owner/repo */
  sourceRepository: string;
  sourceCommit: string;
  ref?: string;
  /** As the provenance states it (v1: `.github/workflows/x.yml`; v0.2: `owner/repo/.github/workflows/x.yml@ref`). */
  workflowPath: string;
  runInvocation?: string;
  /** The builder id URI from the provenance. */
  builder: string;
  builderKind: 'github-hosted' | 'self-hosted' | 'gitlab-hosted' | 'gitlab-self-managed' | 'unknown';
  triggerEvent?: string;
  /** OIDC issuer of the signing certificate. */
  issuer: string;
  /** The signer identity (certificate SAN), e.g. the workflow ref for GitHub Actions. */
  signerIdentity?: string;
  transparencyLog: TransparencyLogEntry;
  /** ISO-8601 time of the verified transparency-log entry (signed), when known. */
  publishTime?: string;
  predicateType: string;
  /** https links built only from verified fields. */
  links: { repository?: string; commit?: string; workflow?: string; run?: string; transparencyLog?: string };
}

/** Where the exact version came from. */
export type ResolutionSource = 'lockfile' | 'registry' | 'exact-spec' | 'cli';

export interface Verdict {
  name: string;
  version: string;
  status: VerdictStatus;
  /** dist.integrity as served by the registry (or the lockfile when the registry was not reached). */
  integrity?: string;
  /** The registry the version document came from. */
  registry?: string;
  /** Set for every status but `verified` (for which it is absent). */
  reason?: Reason;
  registrySignature?: RegistrySignature;
  facts?: ProvenanceFacts;
  /** ISO time of publication from signed data: the verified transparency-log entry's integratedTime. */
  publishTime?: string;
  /** ISO time the registry reports (packument `time[version]`; unsigned), when it was fetched. */
  registryPublishTime?: string;
  /** The time at which the registry signing key's validity was judged, and where it came from. */
  keyValidityTime?: { time: string; source: 'transparency-log' | 'registry' };
  resolvedFrom?: ResolutionSource;
  /** True when this verdict was served from the persistent cache. */
  cached?: boolean;
  /** Which registry served the attestations, when it is not the configured one. */
  attestationRegistry?: string;
  /** The lockfile location of the installed copy this verdict judges (see LockedPackage.location). */
  location?: string;
  /** The tarball URL the lockfile records for this copy, when it records one. */
  resolved?: string;
  /** Trust history of this version against its release line (src/verify/history), when it was assessed. */
  trust?: TrustAssessment;
}

/** Trust material in use and where it came from. */
export interface TrustInfo {
  source: 'tuf' | 'tuf-cache' | 'seed' | 'custom';
  /** ISO time the material was fetched/written, when known. */
  updated?: string;
  /** Human-readable age, e.g. "3 days". */
  age?: string;
  trustedRootPath?: string;
  npmKeysPath?: string;
  /** Why a fresher source was not used (e.g. "TUF refresh failed: timeout"). */
  note?: string;
}

/** What the engine learned about a registry while verifying (for mirror notices). */
export interface RegistryObservation {
  registry: string;
  /** True when versions were seen and none carried dist.signatures or dist.attestations. */
  stripsProvenance: boolean;
  versionsSeen: number;
  versionsWithSignatures: number;
  /** How many of the versions seen carried dist.attestations (added by the registry client). */
  versionsWithAttestations?: number;
  message?: string;
}

export interface ScanSummary {
  total: number;
  verified: number;
  'no-provenance': number;
  invalid: number;
  unavailable: number;
  'not-applicable': number;
  elapsedMs: number;
}

/** A byte range in a document (0-based offset, length). */
export interface TextSpan {
  offset: number;
  length: number;
}

export type DependencySection = 'dependencies' | 'devDependencies' | 'optionalDependencies' | 'peerDependencies';

/** How a dependency spec was classified (npm-package-arg types, with aliases and workspaces split out). */
export type SpecKind =
  | 'version'
  | 'range'
  | 'tag'
  | 'alias'
  | 'git'
  | 'file'
  | 'directory'
  | 'link'
  | 'workspace'
  | 'remote'
  | 'invalid'
  /** pnpm/bun `catalog:` / `catalog:<name>`: a registry package whose range lives in pnpm-workspace.yaml (or the root manifest for bun); resolvable only through the lockfile. */
  | 'catalog';

/** One dependency as written in a package.json, with where it is written. */
export interface ManifestDependency {
  /** The key in the manifest (the local name; for aliases, not the registry name). */
  name: string;
  /** The spec string as written. */
  spec: string;
  section: DependencySection;
  kind: SpecKind;
  /** For registry specs: the package to fetch (differs from `name` for `npm:` aliases). */
  registryName?: string;
  /** For registry specs: the range, version or tag to fetch. */
  registrySpec?: string;
  /** Where the key string is (including quotes). */
  nameSpan: TextSpan;
  /** Where the value string is (including quotes). */
  specSpan: TextSpan;
  /** Why the spec is invalid, when kind is 'invalid'. */
  error?: string;
}

export interface ManifestParseResult {
  packageName?: string;
  packageVersion?: string;
  dependencies: ManifestDependency[];
  /** Parse problems (malformed JSON, non-string specs); parsing continues past them. */
  problems: { message: string; span: TextSpan }[];
  /** Workspace globs declared by the manifest, if any. */
  workspaces?: string[];
}

/** An exact package version as a lockfile records it. */
export interface LockedPackage {
  /** Registry name. */
  name: string;
  version: string;
  integrity?: string;
  /** The URL the installer fetches the tarball from, exactly as the lockfile records it. */
  resolved?: string;
  /**
   * Where this copy is installed, as the lockfile names it (package-lock: `node_modules/a/node_modules/b`;
   * pnpm: the packages key; yarn/bun: the entry key). Two copies of one name@version are two entries.
   */
  location?: string;
  /** True for entries that are not from a registry (git, file, link, workspace). */
  nonRegistry?: { kind: NotApplicableCode; detail: string };
  dev?: boolean;
  optional?: boolean;
}

export type LockfileKind = 'package-lock' | 'npm-shrinkwrap' | 'pnpm' | 'yarn-classic' | 'yarn-berry' | 'bun';

export interface Lockfile {
  kind: LockfileKind;
  path: string;
  /**
   * Every installed copy in the lockfile (the transitive closure). Entries are never merged by name@version:
   * copies that differ in `resolved` or `integrity` are separate entries (identical copies may be merged).
   */
  packages: LockedPackage[];
  /**
   * Resolve a direct dependency of the importer at `importerPath` (relative to the lockfile's folder,
   * '' for the root) to its locked package, or undefined when the lockfile does not record it.
   */
  resolveDirect(name: string, spec: string, importerPath: string): LockedPackage | undefined;
}

/** One dependency resolved to what should be verified. */
export interface ResolvedDependency {
  dependency?: ManifestDependency;
  name: string;
  version?: string;
  integrity?: string;
  /** The tarball URL the lockfile records for this copy (what the installer fetches). */
  resolved?: string;
  /** The lockfile location of the copy (see LockedPackage.location). */
  location?: string;
  resolvedFrom?: ResolutionSource;
  /** When the dependency cannot be verified at all (non-registry spec, unresolvable). */
  verdict?: Verdict;
  /** Something worth telling about the resolution, e.g. the lockfile is stale: it locks a version the manifest's range no longer allows. */
  note?: string;
}

export interface Progress {
  done: number;
  total: number;
  current?: string;
}
