/**
 * package-lock.json / npm-shrinkwrap.json, lockfileVersion 1 (nested `dependencies`), 2 and 3 (`packages` keyed by
 * install path: "", "node_modules/a", "node_modules/a/node_modules/b", "packages/foo" for workspaces).
 *
 * Direct dependencies are resolved as Node resolves `require`: from the importer's folder, look in its node_modules,
 * then in each parent folder's node_modules, following `link: true` entries to their target (workspaces, file: folders).
 *
 * Every installed copy is a package of its own, with its install path as `location` and its `resolved` URL exactly as
 * written (identical copies are merged; the shallowest path is kept). A copy whose `resolved` is an http(s) URL that does
 * not look like a registry tarball is still a registry package when a dependent asks for it with a registry spec
 * (range, version, tag, alias): the lockfile then says that a registry dependency is fetched from that URL, and the
 * engine judges the URL. It is a remote tarball only when the dependents ask for a URL (or nobody is known to ask and
 * the URL is not registry-shaped).
 */
import * as path from 'node:path';
import semver from 'semver';
import type { LockedPackage } from '../../types';
import { REGISTRY_KINDS, classifySpec } from '../spec';
import {
  LockfileError,
  PackageCollector,
  runToEnd,
  makeLockfile,
  matchesWorkspaceGlobs,
  clean,
  isHttpUrl,
  nonRegistrySource,
  sriIntegrity,
  str,
  type ParsedLockfile,
} from './common';
import { isRecord } from '../../util/guards';

/** Entries (or dependency edges) handled between two yields of npmLockfileSteps. */
const SLICE = 128;

interface RawEntry {
  /** Install path ('' root, node_modules/..., or a workspace / linked folder). */
  path: string;
  name?: string;
  version?: string;
  resolved?: string;
  integrity?: string;
  link?: boolean;
  dev?: boolean;
  optional?: boolean;
  devOptional?: boolean;
  /** The specs this entry asks for its dependencies with (dependencies, optionalDependencies, peerDependencies, devDependencies). */
  wants?: Record<string, string>;
}

export function parseNpmLockfile(kind: 'package-lock' | 'npm-shrinkwrap', text: string, filePath: string): ParsedLockfile {
  return runToEnd(npmLockfileSteps(kind, text, filePath));
}

/**
 * The same parse in steps: it yields every SLICE entries, so that a caller can let the event loop turn between
 * slices (readLockfile does; see runSliced in ./common). The result is the same as parseNpmLockfile's.
 */
export function* npmLockfileSteps(
  kind: 'package-lock' | 'npm-shrinkwrap',
  text: string,
  filePath: string,
): Generator<void, ParsedLockfile> {
  const doc = parseLockfileJson(text, filePath);
  const version = typeof doc.lockfileVersion === 'number' ? doc.lockfileVersion : undefined;
  const notes: string[] = [];
  const entries = new Map<string, RawEntry>();

  let work = 0;
  if (isRecord(doc.packages)) {
    yield* readPackages(doc.packages, entries, notes);
  } else if (isRecord(doc.dependencies)) {
    entries.set('', { path: '', name: str(doc.name), version: str(doc.version) });
    readV1Dependencies(doc.dependencies, '', entries, notes);
  } else if (version === undefined) {
    throw new LockfileError(
      filePath,
      'has neither "lockfileVersion" nor "packages"/"dependencies"; it does not look like an npm lockfile.',
    );
  }

  const rootEntry = isRecord(doc.packages) && isRecord(doc.packages['']) ? doc.packages[''] : undefined;
  const workspaces = readWorkspaceGlobs(rootEntry?.workspaces);

  // How dependents ask for each copy matters only for a copy fetched from a URL that does not look like a registry
  // tarball (rare): found on first need, so a lockfile without such copies never classifies its dependency specs.
  let asked: Map<string, Set<'registry' | 'other'>> | undefined;
  const askedFor = (p: string): Set<'registry' | 'other'> | undefined => (asked ??= runToEnd(registryAsked(entries))).get(p);
  const collector = new PackageCollector();
  /** Each install path's own copy (with that path as its location). */
  const lockedByPath = new Map<string, LockedPackage>();
  // Shallowest first, so that a merged copy keeps its top-level location.
  const ordered = [...entries.values()].sort((a, b) => depthOf(a.path) - depthOf(b.path));
  for (const entry of ordered) {
    if (++work % SLICE === 0) yield;
    if (entry.path === '' || entry.link) continue;
    const locked = toLocked(entry, workspaces, () => askedFor(entry.path));
    if (!locked) {
      notes.push(`Entry "${entry.path}" has no version; skipped.`);
      continue;
    }
    collector.add(locked);
    lockedByPath.set(entry.path, clean(locked));
  }
  addUnrecordedLinks(entries, collector, lockedByPath);
  const resolveDirect = directResolver(entries, lockedByPath);

  return makeLockfile({
    kind,
    path: filePath,
    lockfileVersion: version !== undefined ? String(version) : undefined,
    packages: collector.list(),
    notes,
    resolveDirect,
  });
}

function parseLockfileJson(text: string, filePath: string): Record<string, unknown> {
  let doc: unknown;
  try {
    doc = JSON.parse(text.replace(/^\uFEFF/, ''));
  } catch (err) {
    const conflict = /^(<{7}|={7}|>{7})/m.test(text) ? ' (it has unresolved git merge conflict markers)' : '';
    throw new LockfileError(filePath, `is not valid JSON${conflict}: ${(err as Error).message}`);
  }
  if (!isRecord(doc)) throw new LockfileError(filePath, 'is not a JSON object.');
  return doc;
}

/** Links whose target folder is not recorded (should not happen in v2/v3): still a package, not from a registry. */
function addUnrecordedLinks(entries: Map<string, RawEntry>, collector: PackageCollector, lockedByPath: Map<string, LockedPackage>): void {
  for (const entry of entries.values()) {
    if (!entry.link) continue;
    const target = entry.resolved !== undefined ? linkTarget(entry.resolved) : undefined;
    if (target !== undefined && lockedByPath.has(target)) continue;
    const name = entry.name ?? nameFromInstallPath(entry.path);
    if (!name) continue;
    const link: LockedPackage = {
      name,
      version: entry.version ?? `file:${entry.resolved ?? ''}`,
      location: entry.path,
      nonRegistry: { kind: 'link', detail: entry.resolved ?? entry.path },
    };
    collector.add(link);
    lockedByPath.set(entry.path, clean(link));
  }
}

/** Direct dependencies, resolved as Node resolves `require` from the importer's folder (following links). */
function directResolver(
  entries: Map<string, RawEntry>,
  lockedByPath: Map<string, LockedPackage>,
): (name: string, spec: string, importerPath: string) => LockedPackage | undefined {
  return function resolveDirect(name: string, _spec: string, importerPath: string): LockedPackage | undefined {
    for (const candidate of nodeModulesCandidates(importerPath, name)) {
      let entry = entries.get(candidate);
      if (!entry) continue;
      for (let hops = 0; entry?.link && hops < 8; hops++) {
        const target: string | undefined = entry.resolved !== undefined ? linkTarget(entry.resolved) : undefined;
        const next: RawEntry | undefined = target !== undefined ? entries.get(target) : undefined;
        if (!next) return lockedByPath.get(entry.path);
        entry = next;
      }
      return entry ? lockedByPath.get(entry.path) : undefined;
    }
    return undefined;
  };
}

/** lockfileVersion 2 and 3: `packages` keyed by install path. */
function* readPackages(packages: Record<string, unknown>, entries: Map<string, RawEntry>, notes: string[]): Generator<void, void> {
  let work = 0;
  for (const [p, value] of Object.entries(packages)) {
    if (++work % SLICE === 0) yield;
    if (!isRecord(value)) {
      notes.push(`Entry "${p}" is not an object; skipped.`);
      continue;
    }
    entries.set(p, {
      path: p,
      name: str(value.name),
      version: str(value.version),
      resolved: str(value.resolved),
      integrity: str(value.integrity),
      link: value.link === true,
      dev: value.dev === true,
      optional: value.optional === true,
      devOptional: value.devOptional === true,
      wants: wantedSpecs(value, ['dependencies', 'optionalDependencies', 'peerDependencies', 'devDependencies']),
    });
  }
}

/** lockfileVersion 1: `dependencies: { name: { version, resolved, integrity, dev, optional, dependencies: {...} } }`. */
function readV1Dependencies(
  deps: Record<string, unknown>,
  parentPath: string,
  entries: Map<string, RawEntry>,
  notes: string[],
  depth = 0,
): void {
  if (depth > 200) return;
  for (const [key, value] of Object.entries(deps)) {
    const p = parentPath ? `${parentPath}/node_modules/${key}` : `node_modules/${key}`;
    if (!isRecord(value)) {
      notes.push(`Entry "${p}" is not an object; skipped.`);
      continue;
    }
    let name: string | undefined;
    let version = str(value.version);
    // Aliases: "version": "npm:real-name@1.2.3"
    if (version?.startsWith('npm:')) {
      const rest = version.slice(4);
      const at = rest.lastIndexOf('@');
      if (at > 0) {
        name = rest.slice(0, at);
        version = rest.slice(at + 1);
      }
    }
    let resolved = str(value.resolved);
    if (version && !semver.valid(version, { loose: true }) && !resolved) resolved = version; // git URLs, file: specs and tarball URLs live in "version"
    entries.set(p, {
      path: p,
      name,
      version,
      resolved,
      integrity: str(value.integrity),
      dev: value.dev === true,
      optional: value.optional === true,
      wants: isRecord(value.requires) ? wantedSpecs(value, ['requires']) : undefined,
    });
    if (isRecord(value.dependencies)) readV1Dependencies(value.dependencies, p, entries, notes, depth + 1);
  }
}

function toLocked(
  entry: RawEntry,
  workspaces: string[],
  askedWith: () => Set<'registry' | 'other'> | undefined,
): LockedPackage | undefined {
  const inNodeModules = entry.path.startsWith('node_modules/') || entry.path.includes('/node_modules/');
  const name = entry.name ?? (inNodeModules ? nameFromInstallPath(entry.path) : undefined) ?? path.posix.basename(entry.path);
  if (!name) return undefined;
  const flags = { location: entry.path, dev: entry.dev || undefined, optional: entry.optional || undefined };
  if (!inNodeModules) {
    // A folder of the project that is linked into node_modules: a workspace, or a file: folder dependency.
    const kind = matchesWorkspaceGlobs(entry.path, workspaces) ? 'workspace' : 'directory';
    return { name, version: entry.version ?? '0.0.0', nonRegistry: { kind, detail: entry.path }, ...flags };
  }
  if (!entry.version) return undefined;
  const valid = semver.valid(entry.version, { loose: true });
  let source = nonRegistrySource(entry.resolved, name, entry.version);
  // A registry dependency (asked for with a range, version, tag or alias) that the lockfile fetches from a URL: still a
  // registry package, whose `resolved` the engine judges. Never a quiet "not applicable".
  if (source && valid && isHttpUrl(entry.resolved) && askedWith()?.has('registry')) source = undefined;
  if (source) {
    return {
      name,
      version: entry.version,
      resolved: entry.resolved,
      integrity: sriIntegrity(entry.integrity),
      nonRegistry: source,
      ...flags,
    };
  }
  if (!valid) {
    // Not a registry version and not a source we recognise (a v1 `version` with an unknown form).
    return {
      name,
      version: entry.version,
      resolved: entry.resolved,
      nonRegistry: { kind: 'remote-tarball', detail: entry.resolved ?? entry.version },
      ...flags,
    };
  }
  return { name, version: valid, resolved: entry.resolved, integrity: sriIntegrity(entry.integrity), ...flags };
}

function depthOf(p: string): number {
  return p.split('node_modules/').length;
}

function wantedSpecs(value: Record<string, unknown>, sections: string[]): Record<string, string> | undefined {
  let out: Record<string, string> | undefined;
  for (const section of sections) {
    const deps = value[section];
    if (!isRecord(deps)) continue;
    for (const [name, spec] of Object.entries(deps)) {
      if (typeof spec !== 'string') continue;
      out ??= {};
      if (!(name in out)) out[name] = spec;
    }
  }
  return out;
}

/**
 * For each install path, how its dependents ask for it: 'registry' (a range, version, tag or npm: alias) or 'other'
 * (a URL, git, file...). Found as Node (and npm) resolve: from the dependent's folder up through node_modules folders.
 */
function* registryAsked(entries: Map<string, RawEntry>): Generator<void, Map<string, Set<'registry' | 'other'>>> {
  const out = new Map<string, Set<'registry' | 'other'>>();
  // Many dependents ask for the same package with the same spec: classify each pair once (npm-package-arg is slow).
  const asks = new Map<string, 'registry' | 'other'>();
  let work = 0;
  for (const entry of entries.values()) {
    if (!entry.wants) continue;
    for (const [name, spec] of Object.entries(entry.wants)) {
      if (++work % SLICE === 0) yield;
      const target = nodeModulesCandidates(entry.path, name).find((c) => entries.has(c));
      if (!target) continue;
      const pair = `${name}\0${spec}`;
      let ask = asks.get(pair);
      if (ask === undefined) {
        ask = REGISTRY_KINDS.has(classifySpec(name, spec).kind) ? 'registry' : 'other';
        asks.set(pair, ask);
      }
      const set = out.get(target) ?? new Set<'registry' | 'other'>();
      set.add(ask);
      out.set(target, set);
    }
  }
  return out;
}

/** `node_modules/a/node_modules/@s/b` → `@s/b`. */
export function nameFromInstallPath(p: string): string | undefined {
  const i = p.lastIndexOf('node_modules/');
  if (i < 0) return undefined;
  const rest = p.slice(i + 'node_modules/'.length);
  const parts = rest.split('/');
  if (parts[0].startsWith('@')) return parts.length >= 2 ? `${parts[0]}/${parts[1]}` : undefined;
  return parts[0] || undefined;
}

/** A link's `resolved` is the target folder relative to the lockfile ("packages/foo", "../lib", sometimes "file:../lib"). */
function linkTarget(resolved: string): string {
  const r = resolved.startsWith('file:') ? resolved.slice(5) : resolved;
  const n = path.posix.normalize(r.replace(/\\/g, '/'));
  return n === '.' ? '' : n.replace(/^\.\//, '').replace(/\/+$/, '');
}

/** Where Node looks for `name` from a folder: <dir>/node_modules/<name> for the folder and each parent (skipping node_modules folders themselves). */
export function nodeModulesCandidates(importerPath: string, name: string): string[] {
  const out: string[] = [];
  let dir = importerPath;
  for (let guard = 0; guard < 200; guard++) {
    if (path.posix.basename(dir) !== 'node_modules') out.push(dir ? `${dir}/node_modules/${name}` : `node_modules/${name}`);
    if (dir === '' || dir === '.' || dir === '/') break;
    const parent = path.posix.dirname(dir);
    dir = parent === '.' || parent === '/' ? '' : parent;
  }
  return out;
}

function readWorkspaceGlobs(value: unknown): string[] {
  if (Array.isArray(value)) return value.filter((v): v is string => typeof v === 'string');
  if (isRecord(value) && Array.isArray(value.packages)) return value.packages.filter((v): v is string => typeof v === 'string');
  return [];
}
