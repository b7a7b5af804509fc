/** The trust policy: what `.provenance-lens.json` at a project's root says (read by the CLI and the editor). */
import type { FindingSeverity, TrustFindingCode } from '../history/types';

/** The policy file's name (at the project root). */
export const POLICY_FILE_NAME = '.provenance-lens.json';

/** Required evidence for packages matching `packages` (name patterns, `*` matches anything: `@myorg/*`). */
export interface PolicyRequirement {
  packages: string[];
  /** The least evidence accepted (default `provenance`). */
  evidence: 'provenance' | 'trusted-publisher';
  /** When given, the verified source repository must match one of these (`github.com/myorg/*`). */
  sourceRepositories?: string[];
}

/** Source repositories allowed for packages matching `packages`. */
export interface PolicyAllowedSources {
  packages: string;
  repositories: string[];
}

/** `name@range` whose findings are not problems, with why. */
export interface PolicyExclusion {
  /** As written, e.g. `semver@<7`. */
  spec: string;
  name: string;
  /** A semver range ('*' when none is given). */
  range: string;
  reason: string;
  /** Only these findings (default: every finding). */
  findings?: TrustFindingCode[];
}

export interface Policy {
  requirements: PolicyRequirement[];
  allowedSources: PolicyAllowedSources[];
  severity: Partial<Record<TrustFindingCode, FindingSeverity>>;
  exclusions: PolicyExclusion[];
  /** A downgrade of a version published more than this many days ago is information only. */
  downgradeInformationAfterDays?: number;
  /** The file it came from, when it came from one. */
  path?: string;
}

export const EMPTY_POLICY: Policy = { requirements: [], allowedSources: [], severity: {}, exclusions: [] };

/** A package-name pattern: `*` matches any run of characters (so `@myorg/*` is every package of the scope). */
export function packageMatches(pattern: string, name: string): boolean {
  const re = new RegExp(
    `^${pattern
      .split('*')
      .map((p) => p.replace(/[.+?^${}()|[\]\\/]/g, '\\$&'))
      .join('.*')}$`,
  );
  return re.test(name);
}
