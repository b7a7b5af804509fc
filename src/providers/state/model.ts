/**
 * What the editor knows about one package.json: its dependencies and their verdicts.
 * No `vscode` import.
 */
import type {
  DependencySection,
  LockfileKind,
  ManifestDependency,
  ManifestParseResult,
  ResolvedDependency,
  ScanSummary,
  Verdict,
  VerdictStatus,
} from '../../verify/types';

export type DisplayStatus = VerdictStatus | 'pending';

export interface DependencyState {
  dependency: ManifestDependency;
  resolved?: ResolvedDependency;
  /** Undefined while pending. */
  verdict?: Verdict;
}

export interface DocumentState {
  /** The document URI as a string. */
  uri: string;
  fsPath: string;
  /** Document version the results were computed for. */
  docVersion: number;
  running: boolean;
  manifest?: ManifestParseResult;
  lockfile?: { kind: LockfileKind; path: string };
  /** Keyed by `dependencyKey`. */
  deps: Map<string, DependencyState>;
  /** Set when the run failed as a whole (the engine could not be loaded, resolveManifest threw). */
  error?: string;
  finishedAt?: number;
}

export function dependencyKey(section: DependencySection | string, name: string): string {
  return `${section}\u0000${name}`;
}

export function displayStatus(state: DependencyState | undefined): DisplayStatus {
  return state?.verdict?.status ?? 'pending';
}

/** A scan summary's counts, plus the dependencies still being verified. */
export type StatusCounts = Omit<ScanSummary, 'elapsedMs'> & { pending: number };

export function emptyCounts(): StatusCounts {
  return { total: 0, verified: 0, 'no-provenance': 0, invalid: 0, unavailable: 0, 'not-applicable': 0, pending: 0 };
}

export function countStatuses(states: Iterable<DisplayStatus>): StatusCounts {
  const counts = emptyCounts();
  for (const status of states) {
    counts.total++;
    counts[status]++;
  }
  return counts;
}

export function documentCounts(doc: DocumentState): StatusCounts {
  return countStatuses([...doc.deps.values()].map(displayStatus));
}

/** Whether `name` is on the ignore list (exact names, as the CLI's --ignore). */
export function isIgnored(name: string, ignore: readonly string[]): boolean {
  return ignore.some((entry) => typeof entry === 'string' && entry.trim() === name);
}

/** A `not-applicable: ignored` verdict for a dependency on the ignore list. */
export function ignoredVerdict(name: string, version = ''): Verdict {
  return {
    name,
    version,
    status: 'not-applicable',
    reason: { code: 'ignored', message: `${name} is on the provenanceLens.ignore list; it was not checked.` },
  };
}
