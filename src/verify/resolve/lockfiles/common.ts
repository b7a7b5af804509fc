/**
 * Helpers shared by the lockfile readers: the error type, collecting installed copies (identical copies merged),
 * recognising non-registry sources (git, file, link, remote tarballs) and SRI integrity strings.
 */
import * as path from 'node:path';
import ssri from 'ssri';
import type { LockedPackage, Lockfile, LockfileKind, NotApplicableCode } from '../../types';

/** A lockfile that cannot be read or understood. The message names the file. */
export class LockfileError extends Error {
  constructor(
    readonly lockfilePath: string,
    message: string,
  ) {
    super(`${lockfilePath}: ${message}`);
    this.name = 'LockfileError';
  }
}

/** A parsed lockfile, with what was learned on the way. */
export interface ParsedLockfile extends Lockfile {
  /** The lockfile's own format version, e.g. "3" (package-lock), "9.0" (pnpm), "1" (yarn classic), "8" (yarn berry __metadata.version). */
  lockfileVersion?: string;
  /** Things worth telling about the file that did not stop it from being read (merge conflicts auto-resolved, skipped entries...). */
  notes: string[];
}

export interface LockfileParts {
  kind: LockfileKind;
  path: string;
  lockfileVersion?: string;
  packages: LockedPackage[];
  notes: string[];
  resolveDirect(name: string, spec: string, importerPath: string): LockedPackage | undefined;
}

export { runSliced, runToEnd } from '../../util/sliced';

export function makeLockfile(parts: LockfileParts): ParsedLockfile {
  const { resolveDirect } = parts;
  return {
    kind: parts.kind,
    path: parts.path,
    lockfileVersion: parts.lockfileVersion,
    packages: parts.packages,
    notes: parts.notes,
    resolveDirect(name: string, spec: string, importerPath: string): LockedPackage | undefined {
      try {
        return resolveDirect(name, spec, normalizeImporterPath(importerPath));
      } catch {
        return undefined;
      }
    },
  };
}

/** '', '.', './', 'packages/foo/', 'packages\\foo' → '' or 'packages/foo'. */
export function normalizeImporterPath(importerPath: string | undefined): string {
  if (!importerPath) return '';
  let p = importerPath.replace(/\\/g, '/');
  p = path.posix.normalize(p);
  if (p === '.' || p === './' || p === '/') return '';
  p = p.replace(/^\.\//, '').replace(/\/+$/, '');
  return p;
}

/**
 * Collects the installed copies of a lockfile. Copies are never merged by name@version alone: two copies of one version
 * that differ in where they are fetched from (`resolved`), in `integrity` or in their non-registry source are separate
 * packages, each keeping its own `location`, so that every installed copy is judged. Identical copies (same name,
 * version, resolved, integrity and source) are merged; the merged package keeps the first copy's location. A package is
 * `dev` / `optional` only when every copy merged into it is.
 */
export class PackageCollector {
  private readonly byKey = new Map<string, LockedPackage>();

  add(pkg: LockedPackage): LockedPackage {
    if (!pkg.name || !pkg.version) return pkg;
    const key = copyKey(pkg);
    const existing = this.byKey.get(key);
    if (!existing) {
      const copy: LockedPackage = { ...pkg };
      this.byKey.set(key, copy);
      return copy;
    }
    if (!existing.location && pkg.location) existing.location = pkg.location;
    existing.dev = mergeFlag(existing.dev, pkg.dev);
    existing.optional = mergeFlag(existing.optional, pkg.optional);
    return existing;
  }

  list(): LockedPackage[] {
    return [...this.byKey.values()].map(clean);
  }
}

/** What makes two copies the same: name, version, the URL fetched, the integrity accepted and the non-registry source. */
function copyKey(pkg: LockedPackage): string {
  return JSON.stringify([
    pkg.name,
    pkg.version,
    pkg.resolved ?? null,
    pkg.integrity ?? null,
    pkg.nonRegistry?.kind ?? null,
    pkg.nonRegistry?.detail ?? null,
  ]);
}

function mergeFlag(a: boolean | undefined, b: boolean | undefined): boolean | undefined {
  return a === true && b === true ? true : a === undefined && b === undefined ? undefined : false;
}

/** Drop undefined / false flags so packages compare and print cleanly. */
export function clean(pkg: LockedPackage): LockedPackage {
  const out: LockedPackage = { name: pkg.name, version: pkg.version };
  if (pkg.integrity) out.integrity = pkg.integrity;
  if (pkg.resolved) out.resolved = pkg.resolved;
  if (pkg.location) out.location = pkg.location;
  if (pkg.nonRegistry) out.nonRegistry = pkg.nonRegistry;
  if (pkg.dev) out.dev = true;
  if (pkg.optional) out.optional = true;
  return out;
}

/**
 * An SRI string as npm records it (sha512, or sha1 for very old packages), or undefined. Anything that is not a real
 * SRI (yarn berry cache checksums, bun's git tags, hex digests) is never passed on as integrity: the engine compares
 * it with the registry's dist.integrity and would otherwise report a false mismatch.
 */
export function sriIntegrity(value: unknown): string | undefined {
  if (typeof value !== 'string' || value.trim() === '') return undefined;
  try {
    const parsed = ssri.parse(value.trim(), { single: false });
    const algorithms = Object.keys(parsed).filter((a) => ['sha512', 'sha384', 'sha256', 'sha1'].includes(a));
    if (algorithms.length === 0) return undefined;
    return value.trim();
  } catch {
    return undefined;
  }
}

/**
 * yarn classic's `resolved "<url>#<sha1 hex>"`: the fragment is the tarball's sha1, which yarn checks. As an SRI string
 * (`sha1-<base64>`), or undefined when there is no 40-hex-digit fragment (nothing is ever made up).
 */
export function sha1FragmentIntegrity(resolved: string | undefined): string | undefined {
  if (!resolved) return undefined;
  const hash = resolved.lastIndexOf('#');
  if (hash < 0) return undefined;
  const hex = resolved.slice(hash + 1).trim();
  if (!/^[0-9a-f]{40}$/i.test(hex)) return undefined;
  return `sha1-${Buffer.from(hex, 'hex').toString('base64')}`;
}

/** Whether `value` is an http(s) URL (a tarball the installer downloads). */
export function isHttpUrl(value: string | undefined): boolean {
  return value !== undefined && /^https?:\/\//i.test(value.trim());
}

/** Split `name@reference` (scoped names keep their leading @). */
export function splitIdent(ident: string): { name: string; ref: string } | undefined {
  const at = ident.indexOf('@', ident.startsWith('@') ? 1 : 0);
  if (at <= 0) return undefined;
  return { name: ident.slice(0, at), ref: ident.slice(at + 1) };
}

const HOSTED_GIT_ARCHIVE =
  /^https?:\/\/(codeload\.github\.com|github\.com|gitlab\.com|bitbucket\.org|api\.github\.com)\/.+\/(tar\.gz|archive|legacy\.tar\.gz|repository\/archive|get)\b/i;

/** Whether `url` looks like a registry tarball: `<registry>/<name>/-/<basename>-<version>.tgz` (or GitHub Packages' download URLs). */
export function isRegistryTarballUrl(url: string, name?: string, version?: string): boolean {
  let u: URL;
  try {
    u = new URL(url);
  } catch {
    return false;
  }
  if (u.protocol !== 'https:' && u.protocol !== 'http:') return false;
  const p = decodeURIComponent(u.pathname);
  if (u.hostname === 'npm.pkg.github.com' && p.includes('/download/')) return true;
  const m = /\/(@[^/]+\/[^/]+|[^/@][^/]*)\/-\/(?:@[^/]+\/)?([^/]+)\.tgz$/.exec(p);
  if (!m) return false;
  if (name && m[1] !== name) return false;
  if (version && !m[2].endsWith(`-${version}`)) return false;
  return true;
}

/**
 * What kind of non-registry source a `resolved` / locator reference is, or undefined for registry (and unknown) ones.
 * Covers npm's `resolved`, yarn classic's `resolved`, and the protocol part of pnpm/yarn-berry/bun references.
 */
export function nonRegistrySource(
  ref: string | undefined,
  name?: string,
  version?: string,
): { kind: NotApplicableCode; detail: string } | undefined {
  if (!ref) return undefined;
  const r = ref.trim();
  const lower = r.toLowerCase();
  if (/^(git\+|git:|github:|gitlab:|bitbucket:|gist:)/.test(lower) || /^ssh:\/\//.test(lower)) return { kind: 'git', detail: r };
  if (/^[a-z0-9-]+\/[a-z0-9._-]+(#.*)?$/i.test(r) && !r.startsWith('@')) return { kind: 'git', detail: r }; // github shorthand owner/repo
  if (lower.startsWith('workspace:')) return { kind: 'workspace', detail: r.slice('workspace:'.length) };
  if (lower.startsWith('link:') || lower.startsWith('portal:')) return { kind: 'link', detail: r.slice(r.indexOf(':') + 1) };
  if (lower.startsWith('file:')) {
    const target = r.slice('file:'.length);
    return { kind: isTarballPath(target) ? 'file' : 'directory', detail: target };
  }
  if (lower.startsWith('http://') || lower.startsWith('https://')) {
    if (/\.git(#.*)?$/i.test(r) || /#commit=/.test(r) || HOSTED_GIT_ARCHIVE.test(r)) return { kind: 'git', detail: r };
    if (isRegistryTarballUrl(r.split('#')[0], name, version)) return undefined;
    return { kind: 'remote-tarball', detail: r };
  }
  return undefined;
}

export function isTarballPath(p: string): boolean {
  const base = p.split('#')[0].split('::')[0];
  return /\.(tgz|tar\.gz|tar)$/i.test(base);
}

/** Minimal workspace glob matcher (`*`, `**`, `?`, `{a,b}`, leading `./`, `!` negation), enough for package.json / pnpm-workspace.yaml. */
export function matchesWorkspaceGlobs(relPath: string, patterns: readonly string[]): boolean {
  const target = normalizeImporterPath(relPath);
  let matched = false;
  for (const raw of patterns) {
    if (typeof raw !== 'string') continue;
    const negated = raw.startsWith('!');
    const pattern = normalizeImporterPath(negated ? raw.slice(1) : raw);
    if (globToRegExp(pattern).test(target)) matched = !negated;
  }
  return matched;
}

export function globToRegExp(glob: string): RegExp {
  let re = '';
  for (let i = 0; i < glob.length; i++) {
    const c = glob[i];
    if (c === '*') {
      if (glob[i + 1] === '*') {
        // `**/` matches zero or more folders; a trailing `**` matches anything below.
        if (glob[i + 2] === '/') {
          re += '(?:.*/)?';
          i += 2;
        } else {
          re += '.*';
          i += 1;
        }
      } else re += '[^/]*';
    } else if (c === '?') re += '[^/]';
    else if (c === '{') {
      const end = glob.indexOf('}', i);
      if (end > i) {
        re += `(?:${glob
          .slice(i + 1, end)
          .split(',')
          .map((s) => s.replace(/[.+^$()|[\]\\]/g, '\\$&').replace(/\*/g, '[^/]*'))
          .join('|')})`;
        i = end;
      } else re += '\\{';
    } else re += c.replace(/[.+^$()|[\]\\{}]/g, '\\$&');
  }
  return new RegExp(`^${re}/?$`);
}

export function str(value: unknown): string | undefined {
  return typeof value === 'string' ? value : typeof value === 'number' ? String(value) : undefined;
}
