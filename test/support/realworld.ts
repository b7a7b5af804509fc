/** Locates ../shared/realworld (beside the repository) for tests that use real registry data. */
import * as fs from 'node:fs';
import * as path from 'node:path';

export const REPO_ROOT = path.resolve(__dirname, '..', '..');

export function realworldDir(): string | undefined {
  const dir = process.env.PROVENANCE_LENS_REALWORLD ?? path.resolve(REPO_ROOT, '..', 'shared', 'realworld');
  return fs.existsSync(path.join(dir, 'cases.json')) ? dir : undefined;
}

export const REALWORLD_MISSING =
  'skipped: ../shared/realworld is absent (real npm provenance data lives beside the repository, not in it)';

export interface RealworldCase {
  id: string;
  name: string;
  version: string;
  integrity: string;
  attestations: string;
  expected: 'verified' | 'invalid-provenance-signature' | 'invalid-publish-signature';
  facts?: Record<string, string>;
  tarball?: string;
  packument?: string;
}

export function realworldCases(): RealworldCase[] {
  const dir = realworldDir();
  if (!dir) return [];
  return (JSON.parse(fs.readFileSync(path.join(dir, 'cases.json'), 'utf8')) as { cases: RealworldCase[] }).cases;
}
