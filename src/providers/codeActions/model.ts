/**
 * Choosing the version a quick fix proposes, and rewriting the spec. No `vscode` import.
 *
 * Candidate order: versions satisfying the current range, highest first; then versions newer than the
 * current one, nearest first. The first candidate whose provenance verifies wins. Only versions that
 * advertise attestations are candidates (others cannot verify), deprecated versions are skipped and
 * prereleases are only offered when the range or the current version is a prerelease.
 */
import * as semver from 'semver';
import type { ProvenanceFacts, Verdict } from '../../verify/types';
import type { VersionInfo } from '../../verify/api';
import type { LocatedDependency } from '../locate/manifestLocator';
import type { DependencyState } from '../state/model';
import type { Suggestion } from '../state/suggestions';
import { isExactVersion, shortRepository } from '../../verify/format/text';

export interface CandidateInput {
  /** The range / version / tag the manifest asks for (for aliases: the part after `npm:name@`). */
  range?: string;
  /** The version currently resolved (lockfile or registry), if known. */
  current?: string;
  versions: readonly VersionInfo[];
}

function validRange(range: string | undefined): string | undefined {
  if (!range) return undefined;
  try {
    return semver.validRange(range) ?? undefined;
  } catch {
    return undefined;
  }
}

/** Versions to verify, in preference order. */
export function candidateOrder(input: CandidateInput): string[] {
  const range = validRange(input.range);
  const current = input.current && isExactVersion(input.current) ? input.current : undefined;
  const wantsPrerelease = Boolean((current && semver.prerelease(current)) || (input.range && /-/.test(input.range) && range));
  const usable = input.versions.filter(
    (v) =>
      v.hasAttestations &&
      !v.deprecated &&
      isExactVersion(v.version) &&
      v.version !== current &&
      (wantsPrerelease || !semver.prerelease(v.version)),
  );
  const inRange = range
    ? usable.filter((v) => semver.satisfies(v.version, range, { includePrerelease: wantsPrerelease })).map((v) => v.version)
    : [];
  inRange.sort(semver.rcompare);
  const floor = current ?? (range ? semver.maxSatisfying(input.versions.map((v) => v.version).filter(isExactVersion), range) : null);
  const newer = floor ? usable.map((v) => v.version).filter((v) => semver.gt(v, floor) && !inRange.includes(v)) : [];
  newer.sort(semver.compare);
  return [...inRange, ...newer];
}

/** Versions to verify when looking for the newest with verified provenance: attested, newest first. */
export function newestFirstAttested(versions: readonly VersionInfo[], includePrerelease = false): string[] {
  return versions
    .filter((v) => v.hasAttestations && !v.deprecated && isExactVersion(v.version) && (includePrerelease || !semver.prerelease(v.version)))
    .map((v) => v.version)
    .sort(semver.rcompare);
}

export interface SpecRewrite {
  /** The new spec string (without quotes). */
  spec: string;
  /** True when the original operator was kept. */
  keptOperator: boolean;
  /** Why the operator was not kept, when it was not. */
  note?: string;
}

const SIMPLE = /^(\s*)(\^|~|>=|=|v)?(\s*)(\d+\.\d+\.\d+(?:-[0-9A-Za-z.-]+)?(?:\+[0-9A-Za-z.-]+)?)(\s*)$/;

/**
 * The spec rewritten to `version`, keeping the range operator (`^`, `~`, `>=`, exact) when the
 * rewritten range still resolves to `version` among the known versions; otherwise the exact version.
 * `npm:` alias prefixes are kept.
 */
export function rewriteSpec(original: string, version: string, knownVersions: readonly string[]): SpecRewrite {
  if (!isExactVersion(version)) return { spec: original, keptOperator: true, note: 'not an exact version; nothing is rewritten' };
  const alias = /^(npm:(?:@[^/@\s]+\/)?[^@\s]+@)(.*)$/.exec(original);
  const prefix = alias ? alias[1] : '';
  const rest = alias ? alias[2] : original;
  const match = SIMPLE.exec(rest);
  if (!match) {
    return { spec: `${prefix}${version}`, keptOperator: false, note: 'pins the exact version (the current spec is not a simple range)' };
  }
  const op = match[2] ?? '';
  if (op === '' || op === '=' || op === 'v') {
    return { spec: `${prefix}${op === '=' ? '=' : ''}${version}`, keptOperator: true };
  }
  const candidate = `${op}${version}`;
  const valid = knownVersions.filter(isExactVersion);
  const best = semver.maxSatisfying(valid, candidate);
  if (best && best !== version) {
    return {
      spec: `${prefix}${version}`,
      keptOperator: false,
      note: `pins ${version} exactly: ${candidate} would also allow ${best}, whose provenance is not verified`,
    };
  }
  return { spec: `${prefix}${candidate}`, keptOperator: true };
}

/** Describes how the proposed version's provenance relates to a reference version's. */
export function compareProvenance(proposed: ProvenanceFacts | undefined, reference: ProvenanceFacts | undefined, referenceLabel: string): string {
  if (!proposed) return '';
  const repo = (f: ProvenanceFacts) => f.sourceRepository.replace(/\.git$/, '').replace(/\/+$/, '').toLowerCase();
  const workflow = (f: ProvenanceFacts) => f.workflowPath.replace(/@.*$/, '').replace(/^[^/]+\/[^/]+\/(?=\.github\/)/, '');
  if (!reference) return '';
  if (repo(proposed) !== repo(reference)) return `different repository from ${referenceLabel}`;
  if (workflow(proposed) !== workflow(reference)) return `same repository as ${referenceLabel}, different workflow`;
  return `same repository and workflow as ${referenceLabel}`;
}

export interface Fix {
  located: LocatedDependency;
  title: string;
  newSpec: string;
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
  const rewrite = rewriteSpec(located.spec, version, suggestion.versions.map((v) => v.version));
  if (rewrite.spec === located.spec) return undefined;
  const facts = verdict.facts;
  let relation = '';
  if (dep.verdict?.facts) relation = compareProvenance(facts, dep.verdict.facts, dep.verdict.version);
  else if (suggestion.newestVerified && suggestion.newestVerified.version !== version) {
    relation = compareProvenance(facts, suggestion.newestVerified.verdict.facts, suggestion.newestVerified.version);
  }
  if (!relation && facts) relation = `built from ${shortRepository(facts.sourceRepository)} by ${workflowName(facts.workflowPath)}`;
  const notes = [relation, rewrite.keptOperator ? '' : 'pinned exactly'].filter(Boolean).join('; ');
  return {
    located,
    newSpec: rewrite.spec,
    title: `Use ${rewrite.spec} — verified provenance${notes ? ` (${notes})` : ''}`,
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
