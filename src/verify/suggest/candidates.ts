/**
 * Which versions to try when proposing a version with verified provenance, in preference order.
 * Pure (semver only). Never imports `vscode`.
 *
 * Candidate order: versions satisfying the current range, highest first; then versions newer than the
 * current one, nearest first. The first candidate whose provenance verifies wins (./find.ts). Only
 * versions that advertise attestations are candidates (others cannot verify), deprecated versions are
 * skipped and prereleases are only offered when the range or the current version is a prerelease.
 */
import * as semver from '../util/semver';
import type { VersionInfo } from '../api';
import { isExactVersion } from '../format/text';

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
