/**
 * Trust history for *Provenance: Scan Workspace*: once the scan's verdicts are in (and shown: the first
 * results come as fast as without it), each scanned package that is verified or published without
 * provenance is judged, in the background, by the editor's trust-history service (src/verify/history,
 * wired in ../trust/controller.ts: the same rules and the same fetched histories as the open files), with
 * the policy of the folder of the package.json it came from (Workspace Trust applied as for open files,
 * ../state/policy.ts). Each result's verdict gets `trust` (a copy of the verdict: the engine's cached
 * verdicts stay untouched), so the Provenance view and Export Report show the findings.
 *
 * What is fetched. A history is the package's full packument (nuxt's lists 377 versions), so:
 * - `direct` mode: the history of every judged dependency — the packuments the editor fetches when that
 *   package.json is open;
 * - `lockfile` mode: the history only of the packages the package.json names itself (the same packuments
 *   as the direct mode) and of those the policy requires trusted publishing for (the service reads those
 *   itself: the policy asks). Every other locked package gets the rules that need no history (self-hosted
 *   runner, the policy's required evidence and allowed sources), which fetch nothing. A thousand transitive
 *   packuments per scan would cost far more than the scan; `provenance-lens scan --lockfile --history` is
 *   there for that.
 * Nothing is judged when `provenanceLens.trustHistory.enabled` is off (the caller checks), as for open files.
 *
 * No `vscode` import.
 */
import type { AssessOptions } from '../../verify/history/service';
import type { TrustAssessment } from '../../verify/history/types';
import { EMPTY_POLICY, type Policy } from '../../verify/policy/types';
import type { Verdict } from '../../verify/types';
import type { TrustPolicyStatus } from '../state/documentState';
import type { ScanResultItem, ScanResults, ScanTrustState } from './scanResults';

/** What the scan needs of a trust-history service (src/verify/history TrustHistory). */
export interface ScanTrustService {
  assess(verdict: Verdict, options?: AssessOptions): Promise<TrustAssessment>;
}

/** The service and policy for one package.json's folder. */
export interface ScanTrustScope {
  service: ScanTrustService;
  /** The policy in force (undefined: the defaults). */
  policy?: Policy;
  status: TrustPolicyStatus;
}

export interface ScanTrustOptions {
  /** The scope of a scanned package.json (TrustHistoryController.scanScope). */
  scopeFor(manifestPath: string): Promise<ScanTrustScope>;
  /** Aborted when the results are replaced or cleared: nothing more is judged or attached. */
  signal?: AbortSignal;
  /** Judgements at once. Default 4. */
  concurrency?: number;
  /** Called after each judgement attached to the results (re-render the view). */
  onUpdate?(): void;
  log?: { info(message: string): void; warn(message: string): void };
}

const JUDGEABLE: ReadonlySet<string> = new Set(['verified', 'no-provenance']);

const message = (err: unknown): string => (err instanceof Error ? err.message : String(err));

/** The policy's identity for sharing judgements between folders: the file it was read from, and whether it applies. */
const policyKey = (scope: ScanTrustScope): string => (scope.policy ? `policy\u0000${scope.status.path ?? ''}` : 'defaults');

/** Whether the scan judges this result with its history (see the header). */
export function wantsHistory(results: ScanResults, item: ScanResultItem): boolean {
  if (item.occurrence.specSpan) return true;
  const project = results.projects.find((p) => p.manifestPath === item.occurrence.manifestPath);
  if (!project || project.mode === 'direct') return true;
  return project.directNames?.includes(item.verdict.name) ?? false;
}

/** Notes for the view: policies not applied (Restricted Mode, errors), one each. */
function policyNotes(statuses: Iterable<TrustPolicyStatus>): string[] {
  const out = new Set<string>();
  for (const p of statuses) {
    if (p.notApplied) out.add(p.notApplied);
    else if (p.errors.length)
      out.add(`The trust policy${p.path ? ` ${p.path}` : ''} has errors and is not applied: ${p.errors.join('; ')}`);
  }
  return [...out];
}

/**
 * Judge the scanned packages and attach the assessments to `results` (`item.verdict.trust`,
 * `results.trust`). Never throws: a history that cannot be read is a note on that package, a scope that
 * cannot be had is a note on the run.
 */
export async function assessScanTrust(results: ScanResults, options: ScanTrustOptions): Promise<ScanTrustState> {
  const signal = options.signal;
  const scopes = new Map<string, Promise<ScanTrustScope>>();
  const scopeOf = (manifestPath: string): Promise<ScanTrustScope> => {
    let p = scopes.get(manifestPath);
    if (!p) scopes.set(manifestPath, (p = options.scopeFor(manifestPath)));
    return p;
  };

  // One judgement per policy, registry, name@version, verdict status and depth; every result that shares it gets it.
  const jobs = new Map<string, { items: ScanResultItem[]; history: boolean; scope: ScanTrustScope }>();
  const statuses = new Set<TrustPolicyStatus>();
  const problems: string[] = [];
  for (const item of results.items) {
    const v = item.verdict;
    if (!JUDGEABLE.has(v.status) || !v.name || !v.version) continue;
    let scope: ScanTrustScope;
    try {
      scope = await scopeOf(item.occurrence.manifestPath);
    } catch (err) {
      const note = `Trust history not judged for ${item.occurrence.manifestPath}: ${message(err)}`;
      if (!problems.includes(note)) problems.push(note);
      continue;
    }
    if (signal?.aborted) break;
    statuses.add(scope.status);
    const history = wantsHistory(results, item);
    const key = `${policyKey(scope)}\u0000${v.attestationRegistry ?? v.registry ?? ''}\u0000${v.name}@${v.version}\u0000${v.status}\u0000${history}`;
    const job = jobs.get(key);
    if (job) job.items.push(item);
    else jobs.set(key, { items: [item], history, scope });
  }

  const notApplied = policyNotes(statuses);
  const state: ScanTrustState = {
    state: 'pending',
    judged: 0,
    total: jobs.size,
    notes: [...notApplied, ...problems],
    policyNotApplied: notApplied.length > 0,
  };
  results.trust = state;
  for (const note of state.notes) options.log?.warn(note);
  options.onUpdate?.();

  const queue = [...jobs.values()];
  const worker = async (): Promise<void> => {
    for (let job = queue.shift(); job && !signal?.aborted; job = queue.shift()) {
      const verdict = job.items[0]!.verdict;
      const id = `${verdict.name}@${verdict.version}`;
      let assessment: TrustAssessment;
      try {
        // The defaults are handed explicitly too: the shared service's own policy may be another folder's.
        const judgement: AssessOptions = { history: job.history, policy: job.scope.policy ?? EMPTY_POLICY };
        if (signal) judgement.signal = signal;
        assessment = await job.scope.service.assess(verdict, judgement);
      } catch (err) {
        // The service never throws by contract; a failure here is a note, never a finding.
        assessment = { level: 'unknown', line: '', findings: [], history: false, notes: [`trust history unavailable: ${message(err)}`] };
        options.log?.warn(`Trust history of ${id} unavailable: ${message(err)}`);
      }
      if (signal?.aborted) return;
      for (const item of job.items) item.verdict = { ...item.verdict, trust: assessment } satisfies Verdict;
      state.judged++;
      const shown = assessment.findings.filter((f) => f.severity !== 'off');
      if (shown.length)
        options.log?.info(`Trust history of ${id} (${assessment.line}): ${shown.map((f) => `${f.code} (${f.severity})`).join(', ')}.`);
      options.onUpdate?.();
    }
  };
  const width = Math.max(1, Math.min(options.concurrency ?? 4, queue.length));
  await Promise.all(Array.from({ length: width }, worker));
  state.state = signal?.aborted ? 'cancelled' : 'done';
  options.onUpdate?.();
  return state;
}
