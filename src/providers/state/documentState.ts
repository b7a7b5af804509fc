/**
 * What the editor knows about one package.json: its dependencies and their verdicts.
 * No `vscode` import.
 */
import { VERDICT_STATUSES } from '../../verify/reasons/catalogue';
import { tally } from '../../verify/summary';
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
import type { TrustAssessment, TrustFinding } from '../../verify/history/types';

export type DisplayStatus = VerdictStatus | 'pending';

export interface DependencyState {
  dependency: ManifestDependency;
  resolved?: ResolvedDependency;
  /** Undefined while pending. */
  verdict?: Verdict;
  /** Trust history of the verdict's version (./trust.ts), once asked for; compare `id` with the verdict. */
  trust?: DependencyTrust;
}

/** The trust history of one verified (or unattested) version, as the editor shows it. */
export interface DependencyTrust {
  /** `name@version` of the verdict it was assessed for. */
  id: string;
  /** `pending` while the history is fetched and judged. */
  state: 'pending' | 'done';
  assessment?: TrustAssessment;
  /** Why there is no assessment (e.g. "trust history unavailable: …"). */
  note?: string;
}

/** What the editor knows about the trust policy that applies to a package.json. */
export interface TrustPolicyStatus {
  /** The policy file found (or set), when there is one. */
  path?: string;
  /** Errors that keep it from being applied. */
  errors: string[];
  /** Why a policy file that was found is not applied (Restricted Mode). */
  notApplied?: string;
  /** Whether a policy is in force. */
  applied: boolean;
}

/** The downgrade finding (provenance-lost, trusted-publisher-lost) of an assessment, unless the policy turned it off. */
export function downgradeOf(assessment: TrustAssessment | undefined): TrustFinding | undefined {
  return assessment?.findings.find(
    (f) => (f.code === 'provenance-lost' || f.code === 'trusted-publisher-lost') && f.severity !== 'off' && f.previous,
  );
}

/** The dependency's trust history when it is for its current verdict. */
export function currentTrust(dep: DependencyState | undefined): DependencyTrust | undefined {
  const v = dep?.verdict;
  const t = dep?.trust;
  return v && t && t.id === `${v.name}@${v.version}` ? t : undefined;
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
  /** The trust policy in force for this file (set with the trust history). */
  trustPolicy?: TrustPolicyStatus;
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

const DISPLAY_STATUSES: readonly DisplayStatus[] = [...VERDICT_STATUSES, 'pending'];

export function emptyCounts(): StatusCounts {
  return countStatuses([]);
}

export function countStatuses(states: Iterable<DisplayStatus>): StatusCounts {
  return tally(DISPLAY_STATUSES, states);
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
