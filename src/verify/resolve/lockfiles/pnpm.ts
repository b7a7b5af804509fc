/**
 * pnpm-lock.yaml, lockfileVersion 5.x, 6.x and 9.0.
 *
 *  - 5.x: importers (or top-level `specifiers`/`dependencies` for a single project) map names to `1.0.0`,
 *    `1.0.0_peer@2.0.0`, `/real-name/1.0.0` (aliases), `link:../x`; packages are keyed `/name/1.0.0_peers`.
 *  - 6.x: importer entries are `{ specifier, version }`; packages are keyed `/name@1.0.0(peer@2.0.0)`.
 *  - 9.0: packages are keyed `name@1.0.0` (no peers, no leading slash) with `snapshots` keyed `name@1.0.0(peer@2.0.0)`
 *    holding the dependency graph; dev/optional flags are no longer written, so they are computed from the graph.
 *
 * Non-registry packages are recognised from their `resolution` (type git / directory, file: or non-registry tarballs).
 * Each packages-section key is a copy of its own (`location`: the key), with `resolution.tarball` as its `resolved`
 * exactly as written; an entry without `resolution.tarball` is fetched from the configured registry (no `resolved`).
 * A registry key (name@version) whose tarball is on any other URL stays a registry package: the engine judges the URL.
 * pnpm 10+ may write two YAML documents (the first one for config/packageManager dependencies); the last one is used.
 */
import * as path from 'node:path';
import semver from 'semver';
import YAML from 'yaml';
import type { LockedPackage, NotApplicableCode } from '../../types';
import { LockfileError, PackageCollector, clean, makeLockfile, nonRegistrySource, sriIntegrity, str, type ParsedLockfile } from './common';
import { isRecord } from '../../util/guards';

const SECTIONS = ['dependencies', 'devDependencies', 'optionalDependencies'] as const;

export function parsePnpmLockfile(text: string, filePath: string): ParsedLockfile {
  const doc = loadDocument(text, filePath);
  const rawVersion = str(doc.lockfileVersion);
  const version = rawVersion !== undefined ? Number.parseFloat(rawVersion) : NaN;
  if (!Number.isFinite(version)) throw new LockfileError(filePath, 'has no lockfileVersion; it does not look like a pnpm lockfile.');
  if (version < 5 || version >= 10) {
    throw new LockfileError(filePath, `has lockfileVersion ${rawVersion}, which is not supported (supported: 5.x, 6.x, 9.0).`);
  }
  const major = Math.floor(version) as 5 | 6 | 9;
  const notes: string[] = [];
  if (major !== 5 && major !== 6 && major !== 9) notes.push(`lockfileVersion ${rawVersion} is read as ${major >= 9 ? '9.0' : '6.0'}.`);
  const flavour = major >= 9 ? 9 : major >= 6 ? 6 : 5;

  const importers: Record<string, Record<string, unknown>> = {};
  if (isRecord(doc.importers)) {
    for (const [k, v] of Object.entries(doc.importers)) if (isRecord(v)) importers[normalizeImporterKey(k)] = v;
  } else {
    // Single-project lockfile: the root's sections are at the top level.
    importers['.'] = doc;
  }
  const importerKeys = new Set(Object.keys(importers));

  const collector = new PackageCollector();
  /** Package key as written → locked package; plus the key without peer suffixes. */
  const byKey = new Map<string, LockedPackage>();
  const byBareKey = new Map<string, LockedPackage>();
  /** Package key (and bare key) → that key's own copy, with the key as its location. */
  const ownByKey = new Map<string, LockedPackage>();
  /** Non-registry reference (e.g. the tarball URL or git URL) → locked package, for importer values that are not keys. */
  const byRef = new Map<string, LockedPackage>();
  const packages = isRecord(doc.packages) ? doc.packages : {};

  for (const [key, value] of Object.entries(packages)) {
    if (!isRecord(value)) {
      notes.push(`Package "${key}" is not an object; skipped.`);
      continue;
    }
    const locked = toLocked(key, value, flavour, importerKeys);
    if (!locked) {
      notes.push(`Package "${key}" has no recognisable name and version; skipped.`);
      continue;
    }
    locked.location = key;
    const kept = collector.add(locked);
    byKey.set(key, kept);
    byBareKey.set(stripPeers(key, flavour), kept);
    ownByKey.set(key, locked);
    if (!ownByKey.has(stripPeers(key, flavour))) ownByKey.set(stripPeers(key, flavour), locked);
    const ref = refOfKey(key, flavour);
    if (ref && locked.nonRegistry) byRef.set(ref, locked);
  }

  const lookup = (name: string, value: string): LockedPackage | undefined => {
    const key = packageKeyFor(name, value, flavour);
    const found = ownByKey.get(key) ?? ownByKey.get(stripPeers(key, flavour)) ?? byRef.get(stripPeers(value, flavour));
    // The importer's own copy, with its flags as finally computed.
    if (found) return clean({ ...found, dev: byKey.get(found.location ?? '')?.dev, optional: byKey.get(found.location ?? '')?.optional });
    const bare = stripPeers(value, flavour);
    const v = semver.valid(bare, { loose: true });
    // The importer names an exact version the packages section does not list: still the locked version, just without integrity.
    if (v) return { name, version: v };
    return undefined;
  };

  if (flavour === 9) computeFlagsFromSnapshots(doc, importers, byKey, byBareKey);

  function resolveDirect(name: string, _spec: string, importerPath: string): LockedPackage | undefined {
    const importerKey = normalizeImporterKey(importerPath);
    const importer = importers[importerKey];
    if (!importer) return undefined;
    for (const section of SECTIONS) {
      const deps = importer[section];
      if (!isRecord(deps) || !(name in deps)) continue;
      const value = importerVersion(deps[name]);
      if (value === undefined) return undefined;
      if (value.startsWith('link:')) {
        const target = value.slice('link:'.length);
        const resolvedTarget = normalizeImporterKey(path.posix.join(importerKey === '.' ? '' : importerKey, target));
        const kind: NotApplicableCode = importerKeys.has(resolvedTarget) ? 'workspace' : 'link';
        return { name, version: value, nonRegistry: { kind, detail: target } };
      }
      return lookup(name, value);
    }
    return undefined;
  }

  return makeLockfile({ kind: 'pnpm', path: filePath, lockfileVersion: rawVersion, packages: collector.list(), notes, resolveDirect });
}

function loadDocument(text: string, filePath: string): Record<string, unknown> {
  let docs: YAML.Document.Parsed[];
  try {
    docs = YAML.parseAllDocuments(text, { uniqueKeys: false }) as YAML.Document.Parsed[];
  } catch (err) {
    throw new LockfileError(filePath, `is not valid YAML: ${(err as Error).message}`);
  }
  if (!Array.isArray(docs)) docs = [docs as unknown as YAML.Document.Parsed];
  const candidates: Record<string, unknown>[] = [];
  for (const d of docs) {
    if (d.errors.length > 0) {
      const conflict = /^(<{7}|={7}|>{7})/m.test(text) ? ' (it has unresolved git merge conflict markers)' : '';
      throw new LockfileError(filePath, `is not valid YAML${conflict}: ${d.errors[0].message.split('\n')[0]}`);
    }
    const js: unknown = d.toJS({ maxAliasCount: 1000 });
    if (isRecord(js) && js.lockfileVersion !== undefined) candidates.push(js);
  }
  if (candidates.length === 0) {
    if (text.trim() === '') throw new LockfileError(filePath, 'is empty.');
    throw new LockfileError(filePath, 'has no lockfileVersion; it does not look like a pnpm lockfile.');
  }
  // pnpm 10+ puts an "env" document (config / packageManager dependencies) first; the project's lockfile is the last one.
  return candidates[candidates.length - 1];
}

function normalizeImporterKey(key: string): string {
  const n = path.posix.normalize((key || '.').replace(/\\/g, '/')).replace(/\/+$/, '');
  return n === '' || n === './' ? '.' : n.replace(/^\.\/(?=.)/, '');
}

/** The locked version reference of an importer dependency: `{ specifier, version }` (v6+) or a plain string (v5). */
function importerVersion(value: unknown): string | undefined {
  return isRecord(value) ? str(value.version) : str(value);
}

/** Remove the peer-dependency suffix: `(peer@1)(other@2)` (v6, v9) or `_peer@1+other@2` (v5). */
function stripPeers(keyOrVersion: string, flavour: 5 | 6 | 9): string {
  if (flavour === 5) {
    // Only registry keys/versions carry `_` suffixes; never cut paths and URLs.
    if (/^(\/|\d)/.test(keyOrVersion)) {
      const slash = keyOrVersion.lastIndexOf('/');
      const underscore = keyOrVersion.indexOf('_', slash + 1);
      return underscore > 0 ? keyOrVersion.slice(0, underscore) : keyOrVersion;
    }
    return keyOrVersion;
  }
  const paren = keyOrVersion.indexOf('(');
  return paren > 0 ? keyOrVersion.slice(0, paren) : keyOrVersion;
}

/** Registry name and version from a package key, or undefined for non-registry keys (git, file:, tarball URLs). */
function parseRegistryKey(key: string, flavour: 5 | 6 | 9): { name: string; version: string } | undefined {
  const bare = stripPeers(key, flavour);
  if (flavour === 5) {
    if (!bare.startsWith('/')) return undefined;
    const parts = bare.slice(1).split('/');
    const scoped = parts[0]?.startsWith('@');
    const name = scoped ? `${parts[0]}/${parts[1]}` : parts[0];
    const version = scoped ? parts[2] : parts[1];
    if (!name || !version || parts.length !== (scoped ? 3 : 2)) return undefined;
    const v = semver.valid(version, { loose: true });
    return v ? { name, version: v } : undefined;
  }
  let k = bare;
  if (flavour === 6) {
    if (!k.startsWith('/')) return undefined;
    k = k.slice(1);
  }
  const at = k.indexOf('@', k.startsWith('@') ? 1 : 0);
  if (at <= 0) return undefined;
  const v = semver.valid(k.slice(at + 1), { loose: true });
  return v ? { name: k.slice(0, at), version: v } : undefined;
}

/** The reference part of a non-registry key: `name@<ref>` (v9) or the whole key (v5/v6, e.g. `github.com/o/r/sha`, `file:../x`). */
function refOfKey(key: string, flavour: 5 | 6 | 9): string | undefined {
  if (flavour !== 9) return stripPeers(key, flavour);
  const bare = stripPeers(key, flavour);
  const at = bare.indexOf('@', bare.startsWith('@') ? 1 : 0);
  return at > 0 ? bare.slice(at + 1) : undefined;
}

/** The packages-section key an importer / snapshot dependency value points at. */
function packageKeyFor(name: string, value: string, flavour: 5 | 6 | 9): string {
  const bare = stripPeers(value, flavour);
  if (flavour === 5) {
    if (value.startsWith('/')) return value;
    if (semver.valid(bare, { loose: true })) return `/${name}/${value}`;
    return value;
  }
  if (flavour === 6) {
    if (value.startsWith('/')) return value;
    if (semver.valid(bare, { loose: true })) return `/${name}@${value}`;
    return value;
  }
  // 9.0: `1.0.0(peers)` → name@1.0.0(peers); alias `real@1.0.0` → itself; URLs / file: → name@<url>
  if (semver.valid(bare, { loose: true })) return `${name}@${value}`;
  if (!/^[a-z][a-z0-9+.-]*:/i.test(value) && value.indexOf('@', value.startsWith('@') ? 1 : 0) > 0) return value;
  return `${name}@${value}`;
}

function toLocked(
  key: string,
  value: Record<string, unknown>,
  flavour: 5 | 6 | 9,
  importerKeys: ReadonlySet<string>,
): LockedPackage | undefined {
  const resolution = isRecord(value.resolution) ? value.resolution : {};
  const registryKey = parseRegistryKey(key, flavour);
  const ref = refOfKey(key, flavour);
  let name = str(value.name) ?? registryKey?.name;
  if (!name && flavour === 9) name = key.slice(0, Math.max(0, key.indexOf('@', key.startsWith('@') ? 1 : 0))) || undefined;
  const version = str(value.version) ?? registryKey?.version;
  if (!name || !version) return undefined;

  const flags: Pick<LockedPackage, 'dev' | 'optional'> = {};
  if (flavour !== 9) {
    if (value.dev === true) flags.dev = true;
    else if (value.dev === false) flags.dev = false;
    if (value.optional === true) flags.optional = true;
  }
  const integrity = sriIntegrity(resolution.integrity);
  const tarball = str(resolution.tarball);
  const type = str(resolution.type);

  if (type === 'git') {
    const repo = str(resolution.repo) ?? '';
    const commit = str(resolution.commit);
    return {
      name,
      version,
      resolved: repo || undefined,
      nonRegistry: { kind: 'git', detail: commit ? `${repo}#${commit}` : repo || ref || key },
      ...flags,
    };
  }
  if (type === 'directory') {
    const dir = str(resolution.directory) ?? ref ?? key;
    const kind: NotApplicableCode = importerKeys.has(normalizeImporterKey(dir)) ? 'workspace' : 'directory';
    return { name, version, nonRegistry: { kind, detail: dir }, ...flags };
  }
  if (tarball) {
    if (tarball.startsWith('file:'))
      return { name, version, resolved: tarball, integrity, nonRegistry: { kind: 'file', detail: tarball.slice(5) }, ...flags };
    const source = nonRegistrySource(tarball, name, version);
    if (registryKey && (!source || source.kind === 'remote-tarball')) {
      // A registry package served from a registry with a non-standard tarball layout (the key says it is a registry version).
      return { name: registryKey.name, version: registryKey.version, resolved: tarball, integrity, ...flags };
    }
    return { name, version, resolved: tarball, integrity, nonRegistry: source ?? { kind: 'remote-tarball', detail: tarball }, ...flags };
  }
  if (registryKey) return { name: registryKey.name, version: registryKey.version, integrity, ...flags };
  // No resolution we recognise: judge from the reference in the key.
  const source = nonRegistrySource(ref?.replace(/^github\.com\//, 'github:'), name, version);
  return { name, version, integrity, nonRegistry: source ?? { kind: 'remote-tarball', detail: ref ?? key }, ...flags };
}

/**
 * 9.0 writes no dev/optional flags: a package is dev when only devDependencies of importers reach it, optional when
 * every snapshot of it says `optional: true`.
 */
function computeFlagsFromSnapshots(
  doc: Record<string, unknown>,
  importers: Record<string, Record<string, unknown>>,
  byKey: Map<string, LockedPackage>,
  byBareKey: Map<string, LockedPackage>,
): void {
  const snapshots = isRecord(doc.snapshots) ? doc.snapshots : {};
  const optionalSeen = new Map<LockedPackage, boolean>();
  for (const [key, snap] of Object.entries(snapshots)) {
    const pkg = byKey.get(key) ?? byBareKey.get(stripPeers(key, 9));
    if (!pkg) continue;
    const optional = isRecord(snap) && snap.optional === true;
    optionalSeen.set(pkg, (optionalSeen.get(pkg) ?? true) && optional);
  }
  for (const [pkg, optional] of optionalSeen) pkg.optional = optional || undefined;

  const walk = (roots: [string, string][]): Set<LockedPackage> => {
    const seen = new Set<string>();
    const reached = new Set<LockedPackage>();
    const queue = roots.map(([name, value]) => packageKeyFor(name, value, 9));
    while (queue.length > 0) {
      const key = queue.pop() as string;
      if (seen.has(key)) continue;
      seen.add(key);
      const pkg = byKey.get(key) ?? byBareKey.get(stripPeers(key, 9));
      if (pkg) reached.add(pkg);
      const snap = snapshots[key] ?? snapshots[stripPeers(key, 9)];
      if (!isRecord(snap)) continue;
      for (const section of ['dependencies', 'optionalDependencies'] as const) {
        const deps = snap[section];
        if (!isRecord(deps)) continue;
        for (const [n, v] of Object.entries(deps)) {
          const value = str(v);
          if (value && !value.startsWith('link:')) queue.push(packageKeyFor(n, value, 9));
        }
      }
    }
    return reached;
  };
  const rootsOf = (sections: readonly string[]): [string, string][] => {
    const out: [string, string][] = [];
    for (const importer of Object.values(importers)) {
      for (const section of sections) {
        const deps = importer[section];
        if (!isRecord(deps)) continue;
        for (const [n, v] of Object.entries(deps)) {
          const value = importerVersion(v);
          if (value && !value.startsWith('link:')) out.push([n, value]);
        }
      }
    }
    return out;
  };
  const prod = walk(rootsOf(['dependencies', 'optionalDependencies']));
  const dev = walk(rootsOf(['devDependencies']));
  for (const pkg of dev) if (!prod.has(pkg)) pkg.dev = true;
}
