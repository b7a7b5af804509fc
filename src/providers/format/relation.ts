/**
 * How a proposed version's signed provenance relates to another version's: the same repository and
 * workflow, the same repository with another workflow, or another repository. Repositories are compared
 * as the trust history compares them (src/verify/history/repository.ts), so the quick fix, the hover
 * and the `source-repository-changed` finding agree. No `vscode` import.
 */
import type { ProvenanceFacts, Verdict } from '../../verify/types';
import { repositoryKey } from '../../verify/history/repository';

const repository = (f: ProvenanceFacts): string => repositoryKey(f.sourceRepository) ?? f.sourceRepository.toLowerCase();
const workflow = (f: ProvenanceFacts): string => f.workflowPath.replace(/@.*$/, '').replace(/^[^/]+\/[^/]+\/(?=\.github\/)/, '');

/** Describes how the proposed version's provenance relates to a reference version's ('' without both). */
export function compareProvenance(
  proposed: ProvenanceFacts | undefined,
  reference: ProvenanceFacts | undefined,
  referenceLabel: string,
): string {
  if (!proposed || !reference) return '';
  if (repository(proposed) !== repository(reference)) return `different repository from ${referenceLabel}`;
  if (workflow(proposed) !== workflow(reference)) return `same repository as ${referenceLabel}, different workflow`;
  return `same repository and workflow as ${referenceLabel}`;
}

/**
 * How a version a fix proposes relates to the dependency's current verdict when that has provenance,
 * else to the newest verified version (when that is not the proposed one itself).
 */
export function fixRelation(
  proposed: { version: string; verdict?: Verdict },
  current: Verdict | undefined,
  newestVerified: { version: string; verdict?: Verdict } | undefined,
): string {
  if (current?.facts) return compareProvenance(proposed.verdict?.facts, current.facts, current.version);
  if (newestVerified && newestVerified.version !== proposed.version) {
    return compareProvenance(proposed.verdict?.facts, newestVerified.verdict?.facts, newestVerified.version);
  }
  return '';
}
