/**
 * Workspace scan results, grouped for the tree view and shaped for the shared report formats.
 * No `vscode` import.
 */
import type { TrustAssessment, TrustFinding } from '../../verify/history/types';
import type { ReportItem } from '../../verify/report';
import type { TextSpan, Verdict, VerdictStatus } from '../../verify/types';

export interface ScanOccurrence {
  /** Absolute path of the package.json. */
  manifestPath: string;
  /** Lockfile the version came from (lockfile mode), absolute. */
  lockfilePath?: string;
  /** Where the dependency is written in the package.json (direct dependencies). */
  specSpan?: TextSpan;
  /** 1-based region of `specSpan` (for SARIF). */
  region?: ReportItem['region'];
}

export interface ScanResultItem {
  verdict: Verdict;
  occurrence: ScanOccurrence;
}

/** Trust history of a scan's packages (./trust.ts), judged after its verdicts. */
export interface ScanTrustState {
  /** `pending` while packages are being judged; `cancelled` when the results were replaced or cleared first. */
  state: 'pending' | 'done' | 'cancelled';
  /** Judgements made, of `total` (one per policy, registry and name@version). */
  judged: number;
  total: number;
  /** Policies not applied (Restricted Mode, errors), folders that could not be judged. */
  notes: string[];
  /** A policy file found for a scanned folder is not applied (Restricted Mode, errors). */
  policyNotApplied: boolean;
}

export interface ScanProject {
  manifestPath: string;
  lockfilePath?: string;
  mode: 'direct' | 'lockfile';
  problems: string[];
  /** Lockfile mode: the registry names of the package.json's own dependencies (their histories are read). */
  directNames?: string[];
}

export interface ScanResults {
  mode: 'direct' | 'lockfile';
  startedAt: number;
  finishedAt?: number;
  cancelled: boolean;
  /** Manifests scanned (absolute paths), with problems reported for each. */
  projects: ScanProject[];
  items: ScanResultItem[];
  /** Set once trust history is being judged (not when it is turned off). */
  trust?: ScanTrustState;
}

export const STATUS_ORDER: readonly VerdictStatus[] = ['invalid', 'no-provenance', 'unavailable', 'verified', 'not-applicable'];

export interface PackageGroup {
  /** `name@version` (or `name` when the version is unknown). */
  id: string;
  verdict: Verdict;
  occurrences: ScanOccurrence[];
  /**
   * The trust findings of its occurrences (one each: folders with different policies may judge the same
   * version differently), the most severe first; `off` ones last.
   */
  findings: TrustFinding[];
}

export interface StatusGroup {
  status: VerdictStatus;
  packages: PackageGroup[];
}

const SEVERITY_ORDER: Record<TrustFinding['severity'], number> = { error: 0, warning: 1, information: 2, off: 3 };

/** Findings the view lists and marks: not `off` (the policy turned those off; they are listed, not marked). */
export const shownFindings = (findings: readonly TrustFinding[]): TrustFinding[] => findings.filter((f) => f.severity !== 'off');

function addFindings(group: PackageGroup, trust: TrustAssessment | undefined): void {
  for (const f of trust?.findings ?? []) {
    if (!group.findings.some((g) => g.code === f.code && g.severity === f.severity && g.message === f.message)) group.findings.push(f);
  }
  group.findings.sort((a, b) => SEVERITY_ORDER[a.severity] - SEVERITY_ORDER[b.severity]);
}

/** Status groups in a fixed order (problems first), packages sorted by name, duplicates merged. */
export function groupResults(items: readonly ScanResultItem[]): StatusGroup[] {
  const groups = new Map<VerdictStatus, Map<string, PackageGroup>>();
  for (const item of items) {
    const status = STATUS_ORDER.includes(item.verdict.status) ? item.verdict.status : 'unavailable';
    let packages = groups.get(status);
    if (!packages) groups.set(status, (packages = new Map()));
    const id = item.verdict.version ? `${item.verdict.name}@${item.verdict.version}` : item.verdict.name;
    let group = packages.get(id);
    if (group) group.occurrences.push(item.occurrence);
    else packages.set(id, (group = { id, verdict: item.verdict, occurrences: [item.occurrence], findings: [] }));
    addFindings(group, item.verdict.trust);
  }
  return STATUS_ORDER.filter((s) => groups.has(s)).map((status) => ({
    status,
    packages: [...groups.get(status)!.values()].sort((a, b) => a.id.localeCompare(b.id)),
  }));
}

/** The packages with a finding the view marks, most severe first, then by name. */
export function packagesWithFindings(groups: readonly StatusGroup[]): PackageGroup[] {
  return groups
    .flatMap((g) => g.packages)
    .filter((p) => shownFindings(p.findings).length > 0)
    .sort((a, b) => SEVERITY_ORDER[a.findings[0]!.severity] - SEVERITY_ORDER[b.findings[0]!.severity] || a.id.localeCompare(b.id));
}

/** The view's mark of a package with findings: `⚠ provenance-lost` (the most severe), `+n` for the others. */
export function findingsMark(findings: readonly TrustFinding[]): string | undefined {
  const shown = shownFindings(findings);
  if (!shown.length) return undefined;
  return `⚠ ${shown[0]!.code}${shown.length > 1 ? ` +${shown.length - 1}` : ''}`;
}

/** Report items with paths relative to `root` (forward slashes), as SARIF expects. */
export function toReportItems(items: readonly ScanResultItem[], relative: (absolutePath: string) => string): ReportItem[] {
  return items.map((item) => ({
    verdict: item.verdict,
    file: relative(item.occurrence.specSpan ? item.occurrence.manifestPath : (item.occurrence.lockfilePath ?? item.occurrence.manifestPath))
      .split('\\')
      .join('/'),
    region: item.occurrence.specSpan ? item.occurrence.region : undefined,
  }));
}

/** The active package.json's results as scan results (for Export Report without a workspace scan). */
export function fromDocumentState(
  state: {
    fsPath: string;
    lockfile?: { path: string };
    deps: Map<string, { dependency: { specSpan: TextSpan }; verdict?: Verdict; trust?: { id: string; assessment?: TrustAssessment } }>;
  },
  region: (span: TextSpan) => ReportItem['region'],
): ScanResults {
  const items: ScanResultItem[] = [];
  for (const dep of state.deps.values()) {
    if (!dep.verdict) continue;
    // The trust history the editor judged for this very version (a copy: the state's verdict stays as it is).
    const trust = dep.trust?.id === `${dep.verdict.name}@${dep.verdict.version}` ? dep.trust.assessment : undefined;
    items.push({
      verdict: trust ? { ...dep.verdict, trust } : dep.verdict,
      occurrence: {
        manifestPath: state.fsPath,
        lockfilePath: state.lockfile?.path,
        specSpan: dep.dependency.specSpan,
        region: region(dep.dependency.specSpan),
      },
    });
  }
  const now = Date.now();
  return {
    mode: 'direct',
    startedAt: now,
    finishedAt: now,
    cancelled: false,
    projects: [{ manifestPath: state.fsPath, lockfilePath: state.lockfile?.path, mode: 'direct', problems: [] }],
    items,
  };
}
