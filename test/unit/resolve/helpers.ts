import * as path from 'node:path';
import type { LockedPackage, Lockfile } from '../../../src/verify/types';

export const FIXTURES = path.resolve(__dirname, '../../fixtures/resolve');
export const fixture = (...parts: string[]): string => path.join(FIXTURES, ...parts);

/** Compact, sorted "name@version[flags]" lines for comparing a lockfile's packages. */
export function summary(lockfile: Lockfile): string[] {
  return lockfile.packages.map(describe).sort();
}

export function describe(p: LockedPackage | undefined): string {
  if (!p) return '(none)';
  const flags = [
    p.dev ? 'dev' : '',
    p.optional ? 'optional' : '',
    p.integrity ? 'integrity' : '',
    p.nonRegistry ? `${p.nonRegistry.kind}:${p.nonRegistry.detail}` : '',
  ]
    .filter(Boolean)
    .join(' ');
  return `${p.name}@${p.version}${flags ? ` [${flags}]` : ''}`;
}
