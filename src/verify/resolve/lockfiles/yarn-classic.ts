/**
 * yarn.lock from yarn classic (v1), parsed with @yarnpkg/lockfile. Entries are keyed by every
 * `name@spec` that resolved to them ("a@^1.0.0", "alias@npm:real@^1", "b@github:o/r").
 *
 * Where it fetches from: `resolved`, recorded exactly as written (fragment included). An entry whose key asks for a
 * registry spec (range, version, tag, npm: alias) and whose `resolved` is any http(s) URL is a registry package fetched
 * from that URL: the engine judges the URL. Identical entries are merged; the `location` of an entry is its key(s) as
 * written ("a@^1.0.0, a@^1.1.0").
 *
 * Integrity: yarn classic checks both the `integrity` field (npm's SRI) and the sha1 hex fragment of `resolved`
 * (`...tgz#<sha1>`): the tarball goes through two validating streams, one for the fragment's sha1 (`hashOnly`) and one
 * for `integrity` (or, when there is none, the fragment again) — see yarn's src/fetchers/tarball-fetcher.js
 * `_findIntegrity` / `createExtractor`. So the fragment IS integrity: an entry with only the fragment gets
 * `sha1-<base64>`; an entry with both gets both hashes in one SRI string (`sha512-… sha1-…`), which is everything yarn
 * would check. A fragment that is not 40 hex digits is not integrity, and nothing is made up.
 */
import * as lockfileV1 from '@yarnpkg/lockfile';
import semver from 'semver';
import type { LockedPackage } from '../../types';
import { classifySpec } from '../spec';
import ssri from 'ssri';
import { REGISTRY_KINDS } from '../spec';
import {
  LockfileError,
  PackageCollector,
  clean,
  isHttpUrl,
  makeLockfile,
  nonRegistrySource,
  sha1FragmentIntegrity,
  splitIdent,
  sriIntegrity,
  str,
  type ParsedLockfile,
} from './common';
import { createDescriptorIndex } from './yarn-shared';
import { isRecord } from '../../util/guards';

/** A workspace package of the project (yarn classic does not record workspaces in yarn.lock). */
export interface WorkspacePackage {
  name: string;
  version: string;
  /** Folder relative to the lockfile's folder. */
  path: string;
}

/**
 * Parse a yarn v1 lockfile. yarn classic leaves workspace packages out of yarn.lock (they are symlinked), so
 * `workspacePackages` (found by readLockfile from the root package.json) lets a dependency on a sibling workspace
 * resolve to that workspace instead of falling back to the registry.
 */
export function parseYarnClassicLockfile(
  text: string,
  filePath: string,
  workspacePackages: readonly WorkspacePackage[] = [],
): ParsedLockfile {
  const source = text.replace(/^\uFEFF/, '');
  // @yarnpkg/lockfile spins for many seconds (until "Invalid string length") on a quote that is never closed;
  // yarn v1 strings never span lines, so such a line is reported here instead.
  const unterminated = findUnterminatedString(source);
  if (unterminated)
    throw new LockfileError(filePath, `could not be parsed as a yarn v1 lockfile: unterminated string on line ${unterminated}.`);
  let parsed: ReturnType<typeof lockfileV1.parse>;
  try {
    parsed = lockfileV1.parse(source, filePath);
  } catch (err) {
    throw new LockfileError(filePath, `could not be parsed as a yarn v1 lockfile: ${(err as Error).message}`);
  }
  if (parsed.type === 'conflict') throw new LockfileError(filePath, 'has git merge conflicts that could not be resolved automatically.');
  const notes: string[] = [];
  if (parsed.type === 'merge') notes.push('The file had git merge conflict markers; the merged content was used.');
  if (!isRecord(parsed.object)) throw new LockfileError(filePath, 'has no entries.');

  const collector = new PackageCollector();
  const index = createDescriptorIndex();
  // @yarnpkg/lockfile gives every key of a multi-key entry ("a@^1, a@^1.1") the same object: one entry, one location.
  const keysOf = new Map<object, string[]>();
  for (const [descriptor, value] of Object.entries(parsed.object as Record<string, unknown>)) {
    if (!isRecord(value)) continue;
    const keys = keysOf.get(value) ?? [];
    keys.push(descriptor);
    keysOf.set(value, keys);
  }
  const entryOf = new Map<object, LockedPackage>();
  for (const [descriptor, value] of Object.entries(parsed.object as Record<string, unknown>)) {
    const ident = splitIdent(descriptor);
    if (!ident || !isRecord(value)) {
      notes.push(`Entry "${descriptor}" is not a name@spec entry; skipped.`);
      continue;
    }
    const version = str(value.version);
    if (!version) {
      notes.push(`Entry "${descriptor}" has no version; skipped.`);
      continue;
    }
    let entry = entryOf.get(value);
    if (!entry) {
      const locked = toLocked(ident.name, ident.ref, version, str(value.resolved), value.integrity);
      locked.location = (keysOf.get(value) ?? [descriptor]).join(', ');
      collector.add(locked);
      entry = clean(locked);
      entryOf.set(value, entry);
    }
    index.add(ident.name, ident.ref, entry);
  }

  const workspaces = new Map<string, LockedPackage>();
  for (const ws of workspacePackages) {
    if (!ws.name || workspaces.has(ws.name)) continue;
    workspaces.set(
      ws.name,
      collector.add({ name: ws.name, version: ws.version || '0.0.0', nonRegistry: { kind: 'workspace', detail: ws.path } }),
    );
  }

  return makeLockfile({
    kind: 'yarn-classic',
    path: filePath,
    lockfileVersion: '1',
    packages: collector.list(),
    notes,
    // An entry for name@spec means yarn resolved it from its source; otherwise a sibling workspace of that name is what
    // yarn links; otherwise the single locked version of the name (the manifest changed since the last install).
    resolveDirect: (name, spec) => {
      const specs = [spec, spec.trim(), spec.trim() === '' ? 'latest' : spec.trim()];
      return index.findExact(name, specs) ?? workspaces.get(name) ?? index.only(name);
    },
  });
}

/** What yarn checks the tarball against: the `integrity` field and the sha1 fragment of `resolved` (see the file comment). */
export function yarnClassicIntegrity(resolved: string | undefined, integrityField: unknown): string | undefined {
  const sri = sriIntegrity(integrityField);
  const fragment = sha1FragmentIntegrity(resolved);
  if (!fragment) return sri;
  if (!sri) return fragment;
  let parsed: ReturnType<typeof ssri.parse>;
  try {
    parsed = ssri.parse(sri, { single: false });
  } catch {
    return sri;
  }
  const sha1 = (parsed as unknown as Record<string, { digest: string }[] | undefined>).sha1 ?? [];
  const fragmentDigest = fragment.slice('sha1-'.length);
  return sha1.some((h) => h.digest === fragmentDigest) ? sri : `${sri} ${fragment}`;
}

function toLocked(localName: string, spec: string, version: string, resolved: string | undefined, integrityField: unknown): LockedPackage {
  const cls = classifySpec(localName, spec);
  const name = cls.kind === 'alias' && cls.registryName ? cls.registryName : localName;
  const integrity = yarnClassicIntegrity(resolved, integrityField);
  const validVersion = semver.valid(version, { loose: true });
  // The key asks for a registry package and the entry fetches it from a URL: a registry package the engine judges.
  if (REGISTRY_KINDS.has(cls.kind) && validVersion && isHttpUrl(resolved)) return { name, version: validVersion, resolved, integrity };
  const fromResolved = nonRegistrySource(resolved, name, version);
  if (fromResolved) return { name, version, resolved, integrity, nonRegistry: fromResolved };
  switch (cls.kind) {
    case 'git':
    case 'file':
    case 'directory':
    case 'link':
    case 'workspace':
      return { name, version, resolved, integrity, nonRegistry: { kind: cls.kind, detail: spec } };
    case 'remote':
      return { name, version, resolved, integrity, nonRegistry: { kind: 'remote-tarball', detail: spec } };
    default:
      break;
  }
  return { name, version: validVersion ?? version, resolved, integrity };
}

/** The 1-based line of the first string that is not closed on its line, or undefined. */
function findUnterminatedString(text: string): number | undefined {
  const lines = text.split(/\r?\n/);
  for (let n = 0; n < lines.length; n++) {
    const line = lines[n];
    if (line.trimStart().startsWith('#')) continue;
    let open = false;
    for (let i = 0; i < line.length; i++) {
      const c = line[i];
      if (open && c === '\\') i++;
      else if (c === '"') open = !open;
    }
    if (open) return n + 1;
  }
  return undefined;
}
