/**
 * Status bar item for the active package.json: verified/total, warning background when anything is
 * invalid; clicking opens the Provenance view.
 */
import * as vscode from 'vscode';
import { statusBarText, statusBarTooltip, statusBarWarning } from '../format/status';
import { locateDependencies } from '../locate/manifestLocator';
import { countStatuses } from '../state/documentState';
import { type DocumentController, isPackageJson } from '../state/documents';
import { joinState } from '../state/view';

export class ProvenanceStatusBar implements vscode.Disposable {
  private readonly item = vscode.window.createStatusBarItem('provenanceLens.status', vscode.StatusBarAlignment.Right, 100);
  private readonly disposables: vscode.Disposable[] = [this.item];
  private timer: NodeJS.Timeout | undefined;

  constructor(
    private readonly documents: DocumentController,
    private readonly notes: () => string[],
    private readonly log: vscode.LogOutputChannel,
  ) {
    this.item.name = 'Provenance Lens';
    this.item.command = 'provenanceLens.showResults';
    this.disposables.push(
      documents.onDidChange(() => this.schedule()),
      vscode.window.onDidChangeActiveTextEditor(() => this.update()),
    );
    this.update();
  }

  private schedule(): void {
    if (this.timer) return;
    this.timer = setTimeout(() => {
      this.timer = undefined;
      this.update();
    }, 100);
  }

  update(): void {
    try {
      const editor = vscode.window.activeTextEditor;
      const state = editor && isPackageJson(editor.document) ? this.documents.get(editor.document.uri) : undefined;
      if (!editor || !state) {
        this.item.hide();
        return;
      }
      const views = joinState(locateDependencies(editor.document.getText()), state).filter((v) => v.located.spec !== undefined);
      const counts = countStatuses(views.map((v) => (v.stale ? 'pending' : (v.state?.verdict?.status ?? 'pending'))));
      const notes = [...this.notes()];
      if (state.error) notes.push(`Could not check this file: ${state.error}`);
      this.item.text = statusBarText(counts, { running: state.running, untrusted: !vscode.workspace.isTrusted });
      this.item.tooltip = statusBarTooltip(counts, notes);
      this.item.backgroundColor = statusBarWarning(counts) ? new vscode.ThemeColor('statusBarItem.warningBackground') : undefined;
      this.item.accessibilityInformation = { label: `Provenance: ${counts.verified} of ${counts.total} dependencies verified` };
      this.item.show();
    } catch (err) {
      this.log.error(`Status bar: ${err instanceof Error ? err.message : String(err)}`);
    }
  }

  dispose(): void {
    if (this.timer) clearTimeout(this.timer);
    for (const d of this.disposables) d.dispose();
  }
}
