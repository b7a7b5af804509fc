/**
 * From manifest dependencies to exact versions to verify: through the lockfile when there is one, otherwise through
 * the registry's version list (semver, dist-tags), and straight from the spec for exact versions.
 */
import semver from 'semver';
import type {
  LockedPackage,
  Lockfile,
  ManifestDependency,
  ManifestParseResult,
  NotApplicableCode,
  ResolvedDependency,
  SpecKind,
  Verdict,
} from '../types';
import { globToRegExp, normalizeImporterPath } from './lockfiles/common';
import type { ParsedManifest } from './manifest';
import { overrideContext, overrideFor, type OverrideContext } from './overrides';
import { REGISTRY_KINDS, classifySpec } from './spec';

export interface ResolveOptions {
  lockfile?: Lockfile;
  /** The manifest's folder relative to the lockfile's folder ('' when beside it). */
  importerPath?: string;
  /** Names (or globs such as "@internal/*") not to verify: they come back as not-applicable 'ignored'. */
  ignore?: string[];
  /** Versions and dist-tags of a package from the registry; errors become `unavailable: unresolved` verdicts. */
  listVersions?: (name: string) => Promise<{ versions: string[]; distTags: Record<string, string> }>;
  /** Concurrent listVersions calls (default 8). */
  concurrency?: number;
  /**
   * The manifest's path: lets overrides declared by a workspace root above it, and pnpm-workspace.yaml `overrides`,
   * decide what is installed for dependencies the lockfile does not lock. Without it, only the manifest's own
   * `overrides` / `resolutions` / `pnpm.overrides` are applied, as if it were the project root.
   */
  manifestPath?: string;
}

/** Dependencies started between two turns of the event loop. */
const RESOLVE_SLICE = 200;

const NON_REGISTRY_CODES: Partial<Record<SpecKind, NotApplicableCode>> = {
  git: 'git',
  file: 'file',
  directory: 'directory',
  link: 'link',
  workspace: 'workspace',
  remote: 'remote-tarball',
};

const NON_REGISTRY_WORDS: Record<NotApplicableCode, string> = {
  git: 'comes from a git repository',
  file: 'comes from a local tarball file',
  directory: 'comes from a local folder',
  link: 'is a link to a local folder',
  workspace: 'is a package of this workspace',
  'remote-tarball': 'comes from a tarball URL, not a registry',
  ignored: 'is on the ignore list',
  'invalid-spec': 'has an invalid spec',
};

/**
 * One result per manifest dependency, in manifest order. Never throws (registry failures become verdicts).
 */
export async function resolveDependencies(manifest: ManifestParseResult, options: ResolveOptions = {}): Promise<ResolvedDependency[]> {
  const importerPath = normalizeImporterPath(options.importerPath);
  const ignore = (options.ignore ?? [])
    .filter((p) => typeof p === 'string' && p !== '')
    .map((p) => (p.includes('*') ? globToRegExp(p) : p));
  const isIgnored = (...names: (string | undefined)[]): boolean =>
    names.some((n) => n !== undefined && ignore.some((p) => (typeof p === 'string' ? p === n : p.test(n))));

  const listCache = new Map<string, Promise<{ versions: string[]; distTags: Record<string, string> }>>();
  const limit = createLimiter(Math.max(1, options.concurrency ?? 8));
  const listVersions = options.listVersions
    ? (name: string) => {
        let p = listCache.get(name);
        if (!p) {
          p = limit(() => (options.listVersions as NonNullable<ResolveOptions['listVersions']>)(name));
          listCache.set(name, p);
        }
        return p;
      }
    : undefined;

  const dependencies = Array.isArray(manifest?.dependencies) ? manifest.dependencies : [];
  let context: Promise<OverrideContext> | undefined;
  const overrides = (): Promise<OverrideContext> =>
    (context ??= overrideContext(manifest as ParsedManifest, options.manifestPath, options.lockfile?.kind));
  const resolveDep = async (dep: ManifestDependency): Promise<ResolvedDependency> => {
    try {
      return await resolveOne(dep, importerPath, options.lockfile, listVersions, isIgnored, overrides);
    } catch (err) {
      return unresolved(dep, dep.registryName ?? dep.name, `${dep.name} could not be resolved: ${(err as Error)?.message ?? String(err)}`);
    }
  };
  // Started in slices, the event loop turning between them: a manifest with a thousand dependencies never blocks long.
  const results: Promise<ResolvedDependency>[] = [];
  for (let i = 0; i < dependencies.length; i += RESOLVE_SLICE) {
    if (i > 0) await new Promise<void>((resolve) => setImmediate(resolve));
    for (const dep of dependencies.slice(i, i + RESOLVE_SLICE)) results.push(resolveDep(dep));
  }
  return Promise.all(results);
}

async function resolveOne(
  dep: ManifestDependency,
  importerPath: string,
  lockfile: Lockfile | undefined,
  listVersions: ((name: string) => Promise<{ versions: string[]; distTags: Record<string, string> }>) | undefined,
  isIgnored: (...names: (string | undefined)[]) => boolean,
  overrides: () => Promise<OverrideContext>,
): Promise<ResolvedDependency> {
  if (isIgnored(dep.name, dep.registryName)) {
    return notApplicable(dep, dep.name, dep.spec, 'ignored', `${dep.name} is on the ignore list.`);
  }
  if (dep.kind === 'invalid') {
    return notApplicable(dep, dep.name, dep.spec, 'invalid-spec', dep.error ?? `"${dep.spec}" is not a valid spec for ${dep.name}.`);
  }
  const locked = lockfile ? safeResolveDirect(lockfile, dep, importerPath) : undefined;

  // Not locked: npm overrides, yarn resolutions and pnpm overrides decide what the installer would install.
  let eff: Pick<ManifestDependency, 'spec' | 'kind' | 'registryName' | 'registrySpec' | 'error'> = dep;
  let overrideNote: string | undefined;
  if (!locked) {
    const outcome = overrideFor(dep, await overrides());
    if (outcome.kind === 'undecidable')
      return withNote(
        unresolved(dep, dep.registryName ?? dep.name, `${dep.name}: ${outcome.why}`),
        `No version is verified for ${dep.name}: ${outcome.why}`,
      );
    if (outcome.kind === 'removed') {
      const why = `${outcome.why}: it is not installed, so there is nothing to verify.`;
      return withNote(unresolved(dep, dep.registryName ?? dep.name, why), why);
    }
    if (outcome.kind === 'applied') {
      eff = { spec: outcome.spec, ...classifySpec(dep.name, outcome.spec) };
      overrideNote = `An override applies: ${outcome.why} replaces "${dep.spec}"; what is verified is what that installs${eff.registryName && eff.registryName !== (dep.registryName ?? dep.name) ? ` (${eff.registryName}, not ${dep.registryName ?? dep.name})` : ''}.`;
      if (eff.kind === 'invalid') {
        return withNote(
          notApplicable(dep, dep.name, outcome.spec, 'invalid-spec', eff.error ?? `"${outcome.spec}" is not a valid spec for ${dep.name}.`),
          overrideNote,
        );
      }
    }
  }
  return withNote(await resolveEffective(dep, eff, locked, lockfile, listVersions), overrideNote);
}

function withNote(result: ResolvedDependency, note: string | undefined): ResolvedDependency {
  if (!note) return result;
  result.note = result.note ? `${note} ${result.note}` : note;
  return result;
}

async function resolveEffective(
  dep: ManifestDependency,
  eff: Pick<ManifestDependency, 'spec' | 'kind' | 'registryName' | 'registrySpec' | 'error'>,
  locked: LockedPackage | undefined,
  lockfile: Lockfile | undefined,
  listVersions: ((name: string) => Promise<{ versions: string[]; distTags: Record<string, string> }>) | undefined,
): Promise<ResolvedDependency> {
  const code = NON_REGISTRY_CODES[eff.kind];
  if (code) {
    const version = locked?.version ?? eff.spec;
    return notApplicable(
      dep,
      dep.name,
      version,
      code,
      `${dep.name} ${NON_REGISTRY_WORDS[code]} ("${eff.spec}"); npm provenance applies only to registry packages.`,
    );
  }
  if (!REGISTRY_KINDS.has(eff.kind)) {
    return notApplicable(dep, dep.name, eff.spec, 'invalid-spec', `"${eff.spec}" is not a spec this tool understands.`);
  }

  const registryName = eff.registryName ?? dep.name;
  if (locked) return fromLockfile(dep, registryName, locked, lockfile as Lockfile);

  if (eff.kind === 'catalog') {
    const why = lockfile ? `${lockfile.path} does not record it` : 'there is no pnpm-lock.yaml (or bun.lock) to read it from';
    return unresolved(
      dep,
      registryName,
      `${dep.name} uses "${eff.spec}": its range is defined in the workspace catalog, and only the lockfile says which version is installed — ${why}. Run pnpm install.`,
    );
  }

  const wanted = (eff.registrySpec ?? '').trim();
  const exact = semver.valid(wanted, { loose: true });
  if (exact) {
    return {
      dependency: dep,
      name: registryName,
      version: exact,
      resolvedFrom: 'exact-spec',
      ...(lockfile ? { note: notInLockfile(dep, lockfile) } : {}),
    };
  }
  if (!listVersions) {
    return unresolved(
      dep,
      registryName,
      `${dep.name}@"${eff.spec}" is not in a lockfile and the registry was not asked, so no exact version is known.`,
    );
  }
  let listing: { versions: string[]; distTags: Record<string, string> };
  try {
    listing = await listVersions(registryName);
  } catch (err) {
    return unresolved(
      dep,
      registryName,
      `The registry's versions of ${registryName} could not be listed: ${(err as Error)?.message ?? String(err)}`,
    );
  }
  const versions = Array.isArray(listing?.versions) ? listing.versions.filter((v) => typeof v === 'string') : [];
  const distTags = listing?.distTags && typeof listing.distTags === 'object' ? listing.distTags : {};
  const picked = pickVersion(wanted, versions, distTags);
  if (!picked.version) return unresolved(dep, registryName, picked.why ?? `No published version of ${registryName} matches "${wanted}".`);
  return {
    dependency: dep,
    name: registryName,
    version: picked.version,
    resolvedFrom: 'registry',
    ...(lockfile ? { note: notInLockfile(dep, lockfile) } : {}),
  };
}

function safeResolveDirect(lockfile: Lockfile, dep: ManifestDependency, importerPath: string): LockedPackage | undefined {
  try {
    return lockfile.resolveDirect(dep.name, dep.spec, importerPath) ?? undefined;
  } catch {
    return undefined;
  }
}

function fromLockfile(dep: ManifestDependency, registryName: string, locked: LockedPackage, lockfile: Lockfile): ResolvedDependency {
  if (locked.nonRegistry) {
    const code = locked.nonRegistry.kind;
    return notApplicable(
      dep,
      dep.name,
      locked.version,
      code,
      `${dep.name} ${NON_REGISTRY_WORDS[code] ?? 'is not from a registry'} according to ${baseName(lockfile.path)} (${locked.nonRegistry.detail}); npm provenance applies only to registry packages.`,
    );
  }
  const result: ResolvedDependency = { dependency: dep, name: locked.name, version: locked.version, resolvedFrom: 'lockfile' };
  if (locked.integrity) result.integrity = locked.integrity;
  if (locked.resolved) result.resolved = locked.resolved;
  if (locked.location) result.location = locked.location;
  const stale = staleness(dep, registryName, locked);
  if (stale)
    result.note = `${baseName(lockfile.path)} is out of date: ${stale} Verifying the locked ${locked.name}@${locked.version}, which is what gets installed; run the install to update the lockfile.`;
  return result;
}

/** Why the locked package does not match what the manifest now asks for, or undefined when it does (or cannot be told). */
function staleness(dep: ManifestDependency, registryName: string, locked: LockedPackage): string | undefined {
  if (dep.kind === 'catalog') return undefined;
  if (locked.name !== registryName) return `it locks ${locked.name} where the manifest asks for ${registryName} ("${dep.spec}").`;
  const wanted = (dep.registrySpec ?? '').trim();
  if (wanted === '' || wanted === '*' || wanted === 'latest') return undefined;
  const range = semver.validRange(wanted, { loose: true });
  if (range === null) return undefined; // a dist-tag: only the registry knows what it points at now
  if (semver.satisfies(locked.version, range, { loose: true, includePrerelease: true })) return undefined;
  return `it locks ${locked.version}, which does not satisfy "${wanted}".`;
}

function notInLockfile(dep: ManifestDependency, lockfile: Lockfile): string {
  if (dep.section === 'peerDependencies') {
    return `${dep.name} is a peer dependency that ${baseName(lockfile.path)} does not install for this package; the version was resolved without the lockfile.`;
  }
  return `${dep.name} is not in ${baseName(lockfile.path)} (is the lockfile out of date?); the version was resolved without it.`;
}

/** npm's choice for a range: the `latest` dist-tag when it satisfies the range, else the highest satisfying version. */
export function pickVersion(wanted: string, versions: string[], distTags: Record<string, string>): { version?: string; why?: string } {
  const spec = wanted === '' ? '*' : wanted;
  const exact = semver.valid(spec, { loose: true });
  if (exact) return versions.includes(exact) ? { version: exact } : { why: `Version ${exact} is not published.` };
  const range = semver.validRange(spec, { loose: true });
  if (range === null) {
    const tagged = distTags[spec];
    if (typeof tagged === 'string' && semver.valid(tagged)) return { version: tagged };
    const tags = Object.keys(distTags);
    return { why: `The registry has no dist-tag "${spec}"${tags.length ? ` (it has ${tags.slice(0, 8).join(', ')})` : ''}.` };
  }
  const latest = distTags.latest;
  if (typeof latest === 'string' && versions.includes(latest) && semver.satisfies(latest, range, { loose: true }))
    return { version: latest };
  const best = semver.maxSatisfying(versions, range, { loose: true });
  if (best) return { version: best };
  if (versions.length === 0) return { why: 'The registry lists no versions.' };
  return { why: `No published version satisfies "${wanted}"${typeof latest === 'string' ? ` (latest is ${latest})` : ''}.` };
}

function notApplicable(
  dep: ManifestDependency,
  name: string,
  version: string,
  code: NotApplicableCode,
  message: string,
): ResolvedDependency {
  const verdict: Verdict = { name, version, status: 'not-applicable', reason: { code, message } };
  return { dependency: dep, name, version, verdict };
}

function unresolved(dep: ManifestDependency, name: string, message: string): ResolvedDependency {
  const verdict: Verdict = { name, version: dep.spec, status: 'unavailable', reason: { code: 'unresolved', message } };
  return { dependency: dep, name, verdict };
}

/** One installed copy of the lockfile to verify (see VerifyRequest). */
export interface LockfileRequest {
  name: string;
  version: string;
  integrity?: string;
  resolved?: string;
  location?: string;
}

/**
 * Transitive mode: every installed registry copy of the lockfile as a verification request (two copies of one version
 * that differ in `resolved` or integrity are two requests, each with its location), and every non-registry package
 * (git, file, link, workspace, remote tarball) as a not-applicable verdict.
 */
export function lockfileRequests(lockfile: Lockfile): {
  requests: LockfileRequest[];
  notApplicable: Verdict[];
} {
  const requests: LockfileRequest[] = [];
  const notApplicable: Verdict[] = [];
  for (const pkg of Array.isArray(lockfile?.packages) ? lockfile.packages : []) {
    if (pkg.nonRegistry) {
      const code = pkg.nonRegistry.kind;
      notApplicable.push({
        name: pkg.name,
        version: pkg.version,
        status: 'not-applicable',
        reason: {
          code,
          message: `${pkg.name} ${NON_REGISTRY_WORDS[code] ?? 'is not from a registry'} (${pkg.nonRegistry.detail}); npm provenance applies only to registry packages.`,
        },
        resolvedFrom: 'lockfile',
        ...(pkg.location ? { location: pkg.location } : {}),
        ...(pkg.resolved ? { resolved: pkg.resolved } : {}),
      });
      continue;
    }
    const request: LockfileRequest = { name: pkg.name, version: pkg.version };
    if (pkg.integrity) request.integrity = pkg.integrity;
    if (pkg.resolved) request.resolved = pkg.resolved;
    if (pkg.location) request.location = pkg.location;
    requests.push(request);
  }
  return { requests, notApplicable };
}

function baseName(p: string): string {
  const i = Math.max(p.lastIndexOf('/'), p.lastIndexOf('\\'));
  return i >= 0 ? p.slice(i + 1) : p;
}

function createLimiter(max: number): <T>(task: () => Promise<T>) => Promise<T> {
  let active = 0;
  const queue: (() => void)[] = [];
  const next = (): void => {
    if (active >= max) return;
    const run = queue.shift();
    if (run) run();
  };
  return <T>(task: () => Promise<T>): Promise<T> =>
    new Promise<T>((resolve, reject) => {
      queue.push(() => {
        active++;
        Promise.resolve()
          .then(task)
          .then(resolve, reject)
          .finally(() => {
            active--;
            next();
          });
      });
      next();
    });
}
