/**
 * The quick fix for a dependency, from the engine's suggestion (src/verify/suggest: which version to
 * propose and how its spec is rewritten): its title, and how the proposed version's provenance relates
 * to the current one's. No `vscode` import.
 */
import type { Verdict } from '../../verify/types';
import { rewriteSpec, type Suggestion } from '../../verify/suggest';
import type { LocatedDependency } from '../locate/manifestLocator';
import type { DependencyState } from '../state/documentState';
import { isExactVersion, shortRepository } from '../../verify/format/text';
import { fixRelation } from '../format/relation';

export interface Fix {
  located: LocatedDependency;
  title: string;
  newSpec: string;
  /** The proposed version's signed provenance names another repository than the version it is compared with. */
  otherRepository?: boolean;
}

function workflowName(workflowPath: string): string {
  const clean = workflowPath.replace(/@.*$/, '');
  return clean.slice(clean.lastIndexOf('/') + 1);
}

/** Spec kinds whose text is a version or range the fix may rewrite (not catalog:, workspace:, git…). */
const REWRITABLE: ReadonlySet<string> = new Set(['version', 'range', 'tag', 'alias']);

export function isRewritable(kind: string): boolean {
  return REWRITABLE.has(kind);
}

/** The fix for one dependency, from a finished suggestion (undefined when there is none). */
export function fixFor(located: LocatedDependency, dep: DependencyState, suggestion: Suggestion): Fix | undefined {
  if (!suggestion.fix || located.spec === undefined || !isRewritable(dep.dependency.kind)) return undefined;
  const { version, verdict } = suggestion.fix;
  // a registry key with whitespace or hidden characters is never written into package.json
  if (!isExactVersion(version)) return undefined;
  const rewrite = rewriteSpec(
    located.spec,
    version,
    suggestion.versions.map((v) => v.version),
  );
  if (rewrite.spec === located.spec) return undefined;
  const facts = verdict.facts;
  let relation = fixRelation(suggestion.fix, dep.verdict, suggestion.newestVerified);
  if (!relation && facts) relation = `built from ${shortRepository(facts.sourceRepository)} by ${workflowName(facts.workflowPath)}`;
  const notes = [relation, rewrite.keptOperator ? '' : 'pinned exactly'].filter(Boolean).join('; ');
  return {
    located,
    newSpec: rewrite.spec,
    title: `Use ${rewrite.spec} — verified provenance${notes ? ` (${notes})` : ''}`,
    ...(relation.startsWith('different repository') ? { otherRepository: true } : {}),
  };
}

/**
 * Whether another version is the remedy for this verdict: for invalid provenance and for none, yes;
 * for a lockfile whose integrity disagrees with the registry, no (re-locking is, not another version).
 */
export function wantsVersionFix(verdict: Verdict | undefined): boolean {
  if (!verdict) return false;
  if (verdict.status === 'no-provenance') return true;
  return verdict.status === 'invalid' && verdict.reason?.code !== 'lockfile-integrity-mismatch';
}
