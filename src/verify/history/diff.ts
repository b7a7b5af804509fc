/**
 * Lockfile diffs for CI: which registry packages a change to a lockfile brings in (a new version of a
 * package, or a new package), each paired with the version it replaces. Pure: parsing is the lockfile
 * readers' job (src/verify/resolve/lockfile.ts).
 */
import semver from 'semver';
import type { LockedPackage, Lockfile } from '../types';

export interface LockfileChange {
  name: string;
  /** The copy now locked. */
  to: LockedPackage;
  /** The version it replaces (undefined: the package is new). */
  from?: LockedPackage;
  kind: 'added' | 'updated';
}

const registryPackages = (lf: Lockfile | undefined): LockedPackage[] =>
  (lf?.packages ?? []).filter((p) => !p.nonRegistry && typeof p.name === 'string' && typeof p.version === 'string');

/**
 * Packages whose version changed between `before` (undefined: no lockfile then) and `after`: every
 * name@version of `after` that `before` did not lock. Each is paired with the version of the same package
 * that went away (the highest one not above it, else the lowest), or marked as added.
 */
export function diffLockfiles(before: Lockfile | undefined, after: Lockfile): LockfileChange[] {
  const old = new Map<string, Set<string>>();
  const oldCopies = new Map<string, LockedPackage>();
  for (const p of registryPackages(before)) {
    (old.get(p.name) ?? old.set(p.name, new Set()).get(p.name)!).add(p.version);
    if (!oldCopies.has(`${p.name}@${p.version}`)) oldCopies.set(`${p.name}@${p.version}`, p);
  }
  const nowVersions = new Map<string, Set<string>>();
  for (const p of registryPackages(after)) (nowVersions.get(p.name) ?? nowVersions.set(p.name, new Set()).get(p.name)!).add(p.version);

  const out: LockfileChange[] = [];
  const seen = new Set<string>();
  for (const p of registryPackages(after)) {
    const id = `${p.name}@${p.version}`;
    if (seen.has(id)) continue;
    seen.add(id);
    const before = old.get(p.name);
    if (before?.has(p.version)) continue;
    const gone = [...(before ?? [])].filter((v) => !nowVersions.get(p.name)!.has(v) && semver.valid(v));
    const pool = gone.length ? gone : [...(before ?? [])].filter((v) => semver.valid(v));
    let from: string | undefined;
    if (pool.length && semver.valid(p.version)) {
      const below = pool.filter((v) => semver.lte(v, p.version)).sort(semver.rcompare);
      from = below[0] ?? pool.sort(semver.compare)[0];
    } else {
      from = pool[0];
    }
    out.push(
      from ? { name: p.name, to: p, from: oldCopies.get(`${p.name}@${from}`), kind: 'updated' } : { name: p.name, to: p, kind: 'added' },
    );
  }
  return out.sort(
    (a, b) =>
      a.name.localeCompare(b.name) ||
      semver.compare(semver.valid(a.to.version) ? a.to.version : '0.0.0', semver.valid(b.to.version) ? b.to.version : '0.0.0'),
  );
}
