/**
 * The quick fix for a trust downgrade (provenance-lost, trusted-publisher-lost): pin the newest version of
 * the same release line that keeps the evidence the line had, e.g. "Use 3.19.2 — keeps trusted publishing
 * in 3.x". The registry's record of each version (trusted publisher, staged, provenance) is unsigned, so a
 * candidate counts only when its provenance verifies; ^/~ are kept as the version quick fix keeps them
 * (rewriteSpec: pinned exactly when the range would still allow another version). No `vscode` import.
 */
import type { Verdict } from '../../verify/types';
import type { PackageHistory } from '../../verify/history/evidence';
import { TRUST_RANK, type TrustLevel } from '../../verify/history/types';
import { levelOf } from '../../verify/history/service';
import { releaseLineOf, sameLine } from '../../verify/history/lines';
import { repositoryKey } from '../../verify/history/repository';
import { isExactVersion, shortRepository } from '../../verify/format/text';
import type { LocatedDependency } from '../locate/manifestLocator';
import type { DependencyState } from '../state/documentState';
import { rewriteSpec } from '../../verify/suggest';
import { isRewritable, type Fix } from './versionFix';

/** Trust finding codes a version quick fix answers. */
export const LINE_FIX_CODES: ReadonlySet<string> = new Set(['provenance-lost', 'trusted-publisher-lost']);

export interface LineFix {
  version: string;
  /** Its verdict (verified). */
  verdict: Verdict;
  /** The evidence it keeps (from its verified provenance and the registry's record of it). */
  level: TrustLevel;
  /** The release line, e.g. `3.x`. */
  line: string;
  /** Every version of the package (for keeping ^/~ only when the range still resolves to `version`). */
  knownVersions: string[];
  /** Whether its signed source repository was checked against the line's (false: there was no verified one to compare with). */
  sameSource: boolean;
}

export interface LineFixInput {
  history: PackageHistory;
  /** The version with the weaker evidence. */
  current: string;
  /** The evidence the line had (the finding's previous level). */
  lost: TrustLevel;
  /**
   * The signed source repository of the line's earlier evidence (the finding's previous version, when its
   * provenance verified): a candidate built from another repository is not proposed.
   */
  source?: string;
  verify(version: string): Promise<Verdict>;
  deprecated?: ReadonlySet<string>;
  /** Most candidates verified. Default 3. */
  maxCandidates?: number;
}

/**
 * The newest version of `current`'s release line (newer or older than it) that the registry records with
 * evidence at least `lost`, with provenance, whose provenance verifies and whose verified level is still at
 * least `lost`. Deprecated versions are skipped.
 */
export async function findLineFix(input: LineFixInput): Promise<LineFix | undefined> {
  const want = TRUST_RANK[input.lost];
  const source = input.source ? repositoryKey(input.source) : undefined;
  const candidates = input.history.versions.filter(
    (v) =>
      v.version !== input.current &&
      isExactVersion(v.version) &&
      sameLine(v.version, input.current) &&
      !input.deprecated?.has(v.version) &&
      v.provenance &&
      TRUST_RANK[v.claimed] >= want,
  );
  for (const candidate of candidates.slice(0, input.maxCandidates ?? 3)) {
    let verdict: Verdict;
    try {
      verdict = await input.verify(candidate.version);
    } catch {
      continue;
    }
    if (verdict.status !== 'verified') continue;
    const level = levelOf(verdict, candidate);
    if (level === 'unknown' || TRUST_RANK[level] < want) continue;
    if (source && repositoryKey(verdict.facts?.sourceRepository) !== source) continue;
    return {
      version: candidate.version,
      verdict,
      level,
      line: releaseLineOf(input.current).label,
      knownVersions: input.history.versions.map((v) => v.version),
      sameSource: Boolean(source),
    };
  }
  return undefined;
}

const KEEPS: Record<TrustLevel, string> = {
  staged: 'staged publishing',
  'trusted-publisher': 'trusted publishing',
  provenance: 'provenance',
  'registry-signature': 'a registry signature',
  none: 'nothing',
};

/** The edit and title for one dependency (undefined when the spec cannot or need not change). */
export function lineFixFor(located: LocatedDependency, dep: DependencyState, fix: LineFix): Fix | undefined {
  if (located.spec === undefined || !isRewritable(dep.dependency.kind) || !isExactVersion(fix.version)) return undefined;
  const rewrite = rewriteSpec(located.spec, fix.version, fix.knownVersions);
  if (rewrite.spec === located.spec) return undefined;
  const notes = [
    fix.sameSource ? '' : `built from ${shortRepository(fix.verdict.facts?.sourceRepository) || 'an unnamed repository'}`,
    rewrite.keptOperator ? '' : 'pinned exactly',
  ].filter(Boolean);
  return {
    located,
    newSpec: rewrite.spec,
    title: `Use ${rewrite.spec} — keeps ${KEEPS[fix.level]} in ${fix.line}${notes.length ? ` (${notes.join('; ')})` : ''}`,
  };
}
