/**
 * Workspace scan results, grouped for the tree view and shaped for the shared report formats.
 * No `vscode` import.
 */
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

export interface ScanResults {
  mode: 'direct' | 'lockfile';
  startedAt: number;
  finishedAt?: number;
  cancelled: boolean;
  /** Manifests scanned (absolute paths), with problems reported for each. */
  projects: { manifestPath: string; lockfilePath?: string; mode: 'direct' | 'lockfile'; problems: string[] }[];
  items: ScanResultItem[];
}

export const STATUS_ORDER: readonly VerdictStatus[] = ['invalid', 'no-provenance', 'unavailable', 'verified', 'not-applicable'];

export interface PackageGroup {
  /** `name@version` (or `name` when the version is unknown). */
  id: string;
  verdict: Verdict;
  occurrences: ScanOccurrence[];
}

export interface StatusGroup {
  status: VerdictStatus;
  packages: PackageGroup[];
}

/** Status groups in a fixed order (problems first), packages sorted by name, duplicates merged. */
export function groupResults(items: readonly ScanResultItem[]): StatusGroup[] {
  const groups = new Map<VerdictStatus, Map<string, PackageGroup>>();
  for (const item of items) {
    const status = STATUS_ORDER.includes(item.verdict.status) ? item.verdict.status : 'unavailable';
    let packages = groups.get(status);
    if (!packages) groups.set(status, (packages = new Map()));
    const id = item.verdict.version ? `${item.verdict.name}@${item.verdict.version}` : item.verdict.name;
    const existing = packages.get(id);
    if (existing) existing.occurrences.push(item.occurrence);
    else packages.set(id, { id, verdict: item.verdict, occurrences: [item.occurrence] });
  }
  return STATUS_ORDER.filter((s) => groups.has(s)).map((status) => ({
    status,
    packages: [...groups.get(status)!.values()].sort((a, b) => a.id.localeCompare(b.id)),
  }));
}

/** Report items with paths relative to `root` (forward slashes), as SARIF expects. */
export function toReportItems(items: readonly ScanResultItem[], relative: (absolutePath: string) => string): ReportItem[] {
  return items.map((item) => ({
    verdict: item.verdict,
    file: relative(item.occurrence.specSpan ? item.occurrence.manifestPath : item.occurrence.lockfilePath ?? item.occurrence.manifestPath).split('\\').join('/'),
    region: item.occurrence.specSpan ? item.occurrence.region : undefined,
  }));
}

/** The active package.json's results as scan results (for Export Report without a workspace scan). */
export function fromDocumentState(
  state: { fsPath: string; lockfile?: { path: string }; deps: Map<string, { dependency: { specSpan: TextSpan }; verdict?: Verdict }> },
  region: (span: TextSpan) => ReportItem['region'],
): ScanResults {
  const items: ScanResultItem[] = [];
  for (const dep of state.deps.values()) {
    if (!dep.verdict) continue;
    items.push({
      verdict: dep.verdict,
      occurrence: { manifestPath: state.fsPath, lockfilePath: state.lockfile?.path, specSpan: dep.dependency.specSpan, region: region(dep.dependency.specSpan) },
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
