/**
 * Looking for a version with verified provenance (the editor's hovers and quick fixes): the highest
 * verified version in the range, else the nearest newer one (./candidates.ts), and the newest verified
 * version of any range. Talks to the engine only through `ProvenanceEngineApi`. Never imports `vscode`.
 */
import type { ProvenanceEngineApi, VersionInfo } from '../api';
import type { Verdict } from '../types';
import { candidateOrder, newestFirstAttested } from './candidates';

export interface Suggestion {
  /** Registry name. */
  name: string;
  versions: VersionInfo[];
  /** How many versions advertise attestations. */
  attestedCount: number;
  /** The version a quick fix proposes: highest verified in range, else nearest newer verified. */
  fix?: { version: string; verdict: Verdict };
  /** The newest version (any range) whose provenance verified. */
  newestVerified?: { version: string; verdict: Verdict };
  /** Newest-first candidates that were verified and did not verify. */
  checkedWithoutSuccess: number;
}

export interface SuggestionRequest {
  registryName: string;
  range?: string;
  current?: string;
}

export interface SuggestionOptions {
  signal?: AbortSignal;
  /** Most versions verified while looking for the fix. Default 5. */
  maxFixCandidates?: number;
  /** Most versions verified while looking for the newest verified one. Default 3. */
  maxNewestCandidates?: number;
  /** Verdicts already known, by `name@version`; filled with new ones. */
  known?: Map<string, Verdict>;
}

export async function findSuggestion(
  engine: ProvenanceEngineApi,
  request: SuggestionRequest,
  options: SuggestionOptions = {},
): Promise<Suggestion> {
  const known = options.known ?? new Map<string, Verdict>();
  const { versions } = await engine.listVersions(request.registryName, { signal: options.signal });
  const verifyOne = async (version: string): Promise<Verdict> => {
    const key = `${request.registryName}@${version}`;
    const cached = known.get(key);
    if (cached && cached.status !== 'unavailable') return cached;
    const verdict = await engine.verify({ name: request.registryName, version, resolvedFrom: 'registry' }, { signal: options.signal });
    known.set(key, verdict);
    return verdict;
  };
  const result: Suggestion = {
    name: request.registryName,
    versions,
    attestedCount: versions.filter((v) => v.hasAttestations).length,
    checkedWithoutSuccess: 0,
  };
  if (result.attestedCount === 0) return result;

  for (const version of candidateOrder({ range: request.range, current: request.current, versions }).slice(
    0,
    options.maxFixCandidates ?? 5,
  )) {
    if (options.signal?.aborted) break;
    const verdict = await verifyOne(version);
    if (verdict.status === 'verified') {
      result.fix = { version, verdict };
      break;
    }
  }
  for (const version of newestFirstAttested(versions).slice(0, options.maxNewestCandidates ?? 3)) {
    if (options.signal?.aborted) break;
    const verdict = await verifyOne(version);
    if (verdict.status === 'verified') {
      result.newestVerified = { version, verdict };
      break;
    }
    result.checkedWithoutSuccess++;
  }
  return result;
}
