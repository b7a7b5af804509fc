/**
 * bun.lock (Bun 1.1+ text lockfile; JSONC: comments and trailing commas allowed).
 *
 *   "workspaces": { "": { name, dependencies, devDependencies, ... }, "packages/app": { name: "app", ... } }
 *   "packages": {
 *     "lodash":         ["lodash@4.17.21", "<registry or ''>", { dependencies }, "sha512-..."],   // npm
 *     "alias":          ["real@1.0.0", "", {}, "sha512-..."],                                    // npm: alias, keyed by the alias
 *     "app":            ["app@workspace:packages/app"],
 *     "app/react":      ["react@18.2.0", ...],        // nested under the workspace (or package) named "app"
 *     "g":              ["g@github:o/r#sha", { ... }, "o-r-sha"],   // the last item is bun's tag, not an integrity
 *     "t":              ["t@https://x/t.tgz", { ... }],
 *     "f":              ["f@file:../f", { ... }],  "l": ["l@link:../l", { ... }],
 *   }
 *
 * The second slot of an npm entry is the tarball URL bun fetches from; bun writes "" when it starts with the default
 * registry (https://registry.npmjs.org), and then fetches from the configured registry. It is recorded exactly as
 * written (never normalised); "" records nothing. The last slot is the SRI integrity bun checks. `location` is the key.
 *
 * The binary bun.lockb is not supported (see lockfile.ts).
 */
import { parse as parseJsonc, printParseErrorCode, type ParseError } from 'jsonc-parser';
import semver from 'semver';
import type { LockedPackage } from '../../types';
import {
  LockfileError,
  PackageCollector,
  clean,
  isTarballPath,
  makeLockfile,
  nonRegistrySource,
  splitIdent,
  sriIntegrity,
  str,
  type ParsedLockfile,
} from './common';
import { isRecord } from '../../util/guards';

export function parseBunLockfile(text: string, filePath: string): ParsedLockfile {
  const errors: ParseError[] = [];
  const doc: unknown = parseJsonc(text.replace(/^\uFEFF/, ''), errors, { allowTrailingComma: true, disallowComments: false });
  if (errors.length > 0) {
    const e = errors[0];
    const line = text.slice(0, e.offset).split('\n').length;
    throw new LockfileError(filePath, `is not valid JSONC: ${printParseErrorCode(e.error)} at line ${line}.`);
  }
  if (!isRecord(doc)) throw new LockfileError(filePath, 'is not a JSON object.');
  if (typeof doc.lockfileVersion !== 'number')
    throw new LockfileError(filePath, 'has no lockfileVersion; it does not look like a bun.lock.');
  const notes: string[] = [];
  if (doc.lockfileVersion > 1)
    notes.push(`lockfileVersion ${doc.lockfileVersion} is newer than the versions this reader was written for (0, 1).`);

  const workspaces = isRecord(doc.workspaces) ? doc.workspaces : {};
  const packages = isRecord(doc.packages) ? doc.packages : {};
  const collector = new PackageCollector();
  const byKey = new Map<string, LockedPackage>();

  for (const [key, value] of Object.entries(packages)) {
    if (!Array.isArray(value) || typeof value[0] !== 'string') {
      notes.push(`Package "${key}" is not a [ "name@version", ... ] entry; skipped.`);
      continue;
    }
    const locked = toLocked(value, workspaces);
    if (!locked) {
      if (!/@root:/.test(value[0])) notes.push(`Package "${key}" (${value[0]}) has no recognisable name and version; skipped.`);
      continue;
    }
    locked.location = key;
    collector.add(locked);
    byKey.set(key, clean(locked));
  }

  function resolveDirect(name: string, _spec: string, importerPath: string): LockedPackage | undefined {
    const workspace = workspaces[importerPath];
    const workspaceName = isRecord(workspace) ? str(workspace.name) : undefined;
    if (importerPath !== '' && workspaceName) {
      const nested = byKey.get(`${workspaceName}/${name}`);
      if (nested) return nested;
    }
    return byKey.get(name);
  }

  return makeLockfile({
    kind: 'bun',
    path: filePath,
    lockfileVersion: String(doc.lockfileVersion),
    packages: collector.list(),
    notes,
    resolveDirect,
  });
}

function toLocked(entry: unknown[], workspaces: Record<string, unknown>): LockedPackage | undefined {
  const ident = splitIdent(entry[0] as string);
  if (!ident) return undefined;
  const { name, ref } = ident;
  const protocol = /^([a-z][a-z0-9+.-]*):/i.exec(ref)?.[1]?.toLowerCase();
  if (protocol === 'root') return undefined;
  if (protocol === 'workspace') {
    const dir = ref.slice('workspace:'.length);
    const ws = workspaces[dir];
    const version = (isRecord(ws) ? str(ws.version) : undefined) ?? '0.0.0';
    return { name, version, nonRegistry: { kind: 'workspace', detail: dir } };
  }
  if (protocol === 'link') return { name, version: ref, nonRegistry: { kind: 'link', detail: ref.slice(5) } };
  if (protocol === 'file') {
    const target = ref.slice(5);
    return { name, version: ref, nonRegistry: { kind: isTarballPath(target) ? 'file' : 'directory', detail: target } };
  }
  if (protocol) {
    const source = nonRegistrySource(ref, name);
    return {
      name,
      version: ref,
      resolved: /^https?:/.test(ref) ? ref : undefined,
      nonRegistry: source ?? { kind: 'remote-tarball', detail: ref },
    };
  }
  const version = semver.valid(ref, { loose: true });
  if (!version) return { name, version: ref, nonRegistry: { kind: 'remote-tarball', detail: ref } };
  const registry = typeof entry[1] === 'string' && entry[1] !== '' ? entry[1] : undefined;
  return { name, version, resolved: registry, integrity: sriIntegrity(entry[3]) };
}
