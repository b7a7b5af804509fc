/**
 * The Provenance view: the results tree of the last workspace scan, and the view's message when
 * those results are no longer current (registries, trust material or cache changed since) or the
 * workspace is in Restricted Mode.
 */
import * as vscode from 'vscode';
import { trustNotice } from '../config/settings';
import type { ScanResults } from './scanResults';
import { RESULTS_VIEW, ResultsTree } from './tree';

export class ResultsView implements vscode.Disposable {
  readonly tree = new ResultsTree();
  readonly view = vscode.window.createTreeView(RESULTS_VIEW, { treeDataProvider: this.tree, showCollapseAll: true });
  /** Why the previous scan's results were cleared, until the next scan. */
  private outdated: string | undefined;

  /** The last scan's results, unless they were cleared since. */
  get(): ScanResults | undefined {
    return this.tree.get();
  }

  /** Shows a new scan's results. */
  show(results: ScanResults): void {
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
    this.tree.set(undefined);
    this.outdated = `${why} The previous scan's results were cleared: run Provenance: Scan Workspace again.`;
    this.updateMessage();
  }

  updateMessage(): void {
    this.view.message = [this.outdated, trustNotice()].filter(Boolean).join(' ') || undefined;
  }

  dispose(): void {
    this.tree.dispose();
    this.view.dispose();
  }
}
