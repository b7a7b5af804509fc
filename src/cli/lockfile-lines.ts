/**
 * The 1-based line of a locked package in lockfile text (for annotations at the lockfile line), for every
 * supported format: package-lock (`"node_modules/x": {` with its `"version"`; v1: `"x": {`), pnpm (`x@1.0.0:` or
 * `/x/1.0.0:`), yarn classic and berry (a header naming `x@…` whose block has the version), bun
 * (`"x@1.0.0"`). Falls back to the first line naming the package, then 1.
 */
import type { LockedPackage } from '../verify/types';

const esc = (s: string): string => s.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&');

let lastText: string | undefined;
let lastLines: string[] = [];

export function lockfileLine(text: string, pkg: Pick<LockedPackage, 'name' | 'version' | 'location'>): number {
  // A scan asks for every package of one lockfile: split it once.
  if (text !== lastText) {
    lastText = text;
    lastLines = text.split('\n');
  }
  const lines = lastLines;
  const find = (test: (line: string, i: number) => boolean): number | undefined => {
    for (let i = 0; i < lines.length; i++) if (test(lines[i]!, i)) return i + 1;
    return undefined;
  };
  const name = esc(pkg.name);
  const version = esc(pkg.version);
  const versionIn = (from: number, span: number): boolean => {
    const re = new RegExp(`^\\s+"?version"?:?\\s+"?${version}"?,?\\s*$`);
    const indent = /^\s*/.exec(lines[from]!)![0].length;
    for (let j = from + 1; j < Math.min(lines.length, from + span); j++) {
      const l = lines[j]!;
      if (l.trim() && /^\s*/.exec(l)![0].length <= indent) return false;
      if (re.test(l)) return true;
    }
    return false;
  };
  if (pkg.location) {
    const loc = esc(pkg.location);
    const key = new RegExp(`^\\s*["']?${loc}["']?\\s*:`);
    const hit = find((l, i) => key.test(l) && (l.includes(pkg.version) || versionIn(i, 40)));
    if (hit) return hit;
  }
  // package-lock / shrinkwrap
  const npmKey = new RegExp(`^\\s*"(?:[^"]*/)?node_modules/${name}":\\s*\\{`);
  const npm = find((l, i) => npmKey.test(l) && versionIn(i, 40));
  if (npm) return npm;
  // package-lock v1: nested "dependencies": { "name": { "version": … } }
  const v1Key = new RegExp(`^\\s*"${name}":\\s*\\{`);
  const v1 = find((l, i) => v1Key.test(l) && versionIn(i, 12));
  if (v1) return v1;
  // pnpm, bun, yarn berry resolutions: name@version as a token
  const exact = new RegExp(`(^|["'\\s/])${name}@(npm:)?${version}(?![\\w.+-])`);
  const direct = find((l) => exact.test(l));
  if (direct) return direct;
  // pnpm lockfile v5/v6: /name/version
  const slash = new RegExp(`^\\s*['"]?/${name}/${version}(?![\\w.+-])`);
  const old = find((l) => slash.test(l));
  if (old) return old;
  // yarn classic / berry: a header naming name@range whose block has the version
  const header = new RegExp(`^["']?${name}@|, ["']?${name}@`);
  const yarn = find((l, i) => header.test(l) && /:\s*$/.test(l) && versionIn(i, 30));
  if (yarn) return yarn;
  const any = new RegExp(`["'/\\s]${name}["'@/]|^${name}@`);
  return find((l) => any.test(l)) ?? 1;
}
