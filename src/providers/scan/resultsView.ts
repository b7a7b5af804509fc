/**
 * The Provenance view: the results tree of the last workspace scan, and the view's message when
 * those results are no longer current (registries, trust material or cache changed since) or the
 * workspace is in Restricted Mode. Their trust history is judged after they are shown (`judgeTrust`);
 * new results, or clearing them, stop it.
 */
import * as vscode from 'vscode';
import { trustNotice } from '../config/settings';
import type { ScanResults } from './scanResults';
import { RESULTS_VIEW, ResultsTree } from './tree';

/** Judges the trust history of shown results in place, calling `onUpdate` as it goes; stops when `signal` aborts. */
export type TrustJudge = (signal: AbortSignal, onUpdate: () => void) => Promise<void>;

export class ResultsView implements vscode.Disposable {
  readonly tree = new ResultsTree();
  readonly view = vscode.window.createTreeView(RESULTS_VIEW, { treeDataProvider: this.tree, showCollapseAll: true });
  /** Why the previous scan's results were cleared, until the next scan. */
  private outdated: string | undefined;
  /** How the shown results' trust history is judged (given with them). */
  private judge: TrustJudge | undefined;
  /** The trust history being judged for the shown results. */
  private trustPass: { controller: AbortController; done: Promise<void> } | undefined;
  private refreshTimer: NodeJS.Timeout | undefined;

  /** The last scan's results, unless they were cleared since. */
  get(): ScanResults | undefined {
    return this.tree.get();
  }

  /** Shows a new scan's results; `judge` judges their trust history (see `judgeTrust`). */
  show(results: ScanResults, judge?: TrustJudge): void {
    this.stopTrust();
    this.judge = judge;
    this.tree.set(results);
    this.outdated = undefined;
    this.updateMessage();
  }

  /**
   * The registries, trust material or cache changed after the last scan: its results no longer say
   * what a scan would say now, and the view must not keep showing them as current.
   */
  outdate(why: string): void {
    if (!this.tree.get()) return;
    this.stopTrust();
    this.tree.set(undefined);
    this.outdated = `${why} The previous scan's results were cleared: run Provenance: Scan Workspace again.`;
    this.updateMessage();
  }

  /**
   * Judge the shown results' trust history in the background (the judge given with them attaches it to
   * the results); the tree is grouped again at most every 250 ms meanwhile, and once at the end.
   */
  judgeTrust(): void {
    this.stopTrust();
    const results = this.tree.get();
    const run = this.judge;
    if (!results || !run) return;
    const controller = new AbortController();
    const current = () => !controller.signal.aborted && this.tree.get() === results;
    const onUpdate = () => {
      if (!current() || this.refreshTimer) return;
      this.refreshTimer = setTimeout(() => {
        this.refreshTimer = undefined;
        if (current()) this.tree.refresh();
      }, 250);
    };
    const done = run(controller.signal, onUpdate)
      .catch(() => undefined)
      .finally(() => {
        if (this.trustPass?.controller === controller) this.trustPass = undefined;
        if (!current()) return;
        if (this.refreshTimer) clearTimeout(this.refreshTimer);
        this.refreshTimer = undefined;
        this.tree.refresh();
      });
    this.trustPass = { controller, done };
  }

  /**
   * The policy or the trust-history settings changed: the shown results' findings are dropped and, when
   * trust history is `enabled`, judged again.
   */
  rejudgeTrust(enabled: boolean): void {
    const results = this.tree.get();
    if (!results) return;
    this.stopTrust();
    for (const item of results.items) {
      if (!item.verdict.trust) continue;
      const { trust: _dropped, ...verdict } = item.verdict;
      item.verdict = verdict;
    }
    delete results.trust;
    this.tree.refresh();
    if (enabled) this.judgeTrust();
  }

  /** Resolves once the shown results' trust history is judged (or stopped); at once when none is being judged. */
  trustSettled(): Promise<void> {
    return this.trustPass?.done ?? Promise.resolve();
  }

  /** Whether the shown results' trust history is still being judged. */
  judgingTrust(): boolean {
    return this.trustPass !== undefined;
  }

  private stopTrust(): void {
    this.trustPass?.controller.abort();
    this.trustPass = undefined;
    if (this.refreshTimer) clearTimeout(this.refreshTimer);
    this.refreshTimer = undefined;
  }

  updateMessage(): void {
    this.view.message = [this.outdated, trustNotice()].filter(Boolean).join(' ') || undefined;
  }

  dispose(): void {
    this.stopTrust();
    this.tree.dispose();
    this.view.dispose();
  }
}
