/**
 * Badges after each dependency's version string: one decoration type per status (colour from the
 * theme colours contributed in package.json, a gutter icon from media/ in full style), with the
 * per-dependency text as `after.contentText`. A version that lost the evidence its release line had
 * (trust history) gets its own type, in the warning colour, apart from "no provenance".
 */
import * as vscode from 'vscode';
import { type BadgeStyle, badgeFor } from '../format/badge';
import { trustBadge } from '../format/trust';
import { locateDependencies } from '../locate/manifestLocator';
import type { DisplayStatus } from '../state/documentState';
import { type DocumentController, isPackageJson } from '../state/documents';
import { joinState } from '../state/view';

const STATUSES: DisplayStatus[] = ['verified', 'invalid', 'no-provenance', 'pending', 'unavailable', 'not-applicable'];

/** A decoration type per status, and one for the downgrade mark. */
type BadgeKind = DisplayStatus | 'downgrade';
const KINDS: BadgeKind[] = [...STATUSES, 'downgrade'];

const COLOR: Record<BadgeKind, string> = {
  downgrade: 'provenanceLens.downgradeForeground',
  verified: 'provenanceLens.verifiedForeground',
  invalid: 'provenanceLens.invalidForeground',
  'no-provenance': 'provenanceLens.noProvenanceForeground',
  pending: 'provenanceLens.pendingForeground',
  unavailable: 'provenanceLens.unavailableForeground',
  'not-applicable': 'provenanceLens.notApplicableForeground',
};

const ICON: Partial<Record<BadgeKind, string>> = {
  downgrade: 'downgrade.svg',
  verified: 'verified.svg',
  invalid: 'invalid.svg',
  'no-provenance': 'no-provenance.svg',
  unavailable: 'unavailable.svg',
};

export class BadgeDecorations implements vscode.Disposable {
  private types = new Map<BadgeKind, vscode.TextEditorDecorationType>();
  private style: BadgeStyle;
  private timer: NodeJS.Timeout | undefined;
  private readonly disposables: vscode.Disposable[] = [];

  constructor(
    private readonly extensionUri: vscode.Uri,
    private readonly documents: DocumentController,
    private readonly styleSetting: () => BadgeStyle,
    private readonly log: vscode.LogOutputChannel,
  ) {
    this.style = styleSetting();
    this.createTypes();
    this.disposables.push(
      documents.onDidChange(() => this.scheduleRender()),
      vscode.window.onDidChangeVisibleTextEditors(() => this.scheduleRender()),
      vscode.workspace.onDidChangeTextDocument((e) => {
        if (isPackageJson(e.document)) this.scheduleRender();
      }),
    );
  }

  private createTypes(): void {
    for (const type of this.types.values()) type.dispose();
    this.types.clear();
    for (const status of KINDS) {
      const icon = ICON[status];
      this.types.set(
        status,
        vscode.window.createTextEditorDecorationType({
          after: { color: new vscode.ThemeColor(COLOR[status]), margin: '0 0 0 1.5em', fontStyle: 'normal' },
          gutterIconPath: this.style === 'full' && icon ? vscode.Uri.joinPath(this.extensionUri, 'media', icon) : undefined,
          gutterIconSize: '70%',
          rangeBehavior: vscode.DecorationRangeBehavior.ClosedClosed,
        }),
      );
    }
  }

  /** Called when `provenanceLens.badges.style` changes. */
  refreshStyle(): void {
    const style = this.styleSetting();
    if (style === this.style) return;
    this.style = style;
    this.createTypes();
    this.render();
  }

  private scheduleRender(): void {
    if (this.timer) return;
    this.timer = setTimeout(() => {
      this.timer = undefined;
      this.render();
    }, 80);
  }

  render(): void {
    for (const editor of vscode.window.visibleTextEditors) {
      try {
        this.renderEditor(editor);
      } catch (err) {
        this.log.error(`Badges for ${editor.document.uri.fsPath}: ${err instanceof Error ? err.message : String(err)}`);
      }
    }
  }

  private renderEditor(editor: vscode.TextEditor): void {
    const document = editor.document;
    if (!isPackageJson(document)) return;
    const byStatus = new Map<BadgeKind, vscode.DecorationOptions[]>(KINDS.map((s) => [s, []]));
    const state = this.documents.get(document.uri);
    if (state && this.style !== 'off') {
      const text = document.getText();
      for (const view of joinState(locateDependencies(text), state)) {
        if (view.located.spec === undefined) continue; // not a string: reported as a problem, no badge
        const verdict = view.stale ? undefined : view.state?.verdict;
        const awaiting = state.running || document.version !== state.docVersion;
        if (!verdict && !awaiting) continue;
        const badge =
          (verdict && trustBadge(verdict, view.state?.trust, this.style, view.located.spec)) ||
          badgeFor(verdict, this.style, view.located.spec);
        if (!badge) continue;
        let end = document.positionAt(view.located.specSpan.offset + view.located.specSpan.length);
        // At the end of the line when only a comma follows (the usual layout), else right after the version.
        const lineEnd = document.lineAt(end.line).range.end;
        if (/^\s*,?\s*$/.test(document.getText(new vscode.Range(end, lineEnd)))) end = lineEnd;
        byStatus.get(badge.mark ?? badge.status)?.push({
          range: new vscode.Range(end, end),
          renderOptions: { after: { contentText: badge.text } },
        });
      }
    }
    for (const [status, type] of this.types) editor.setDecorations(type, byStatus.get(status) ?? []);
  }

  dispose(): void {
    if (this.timer) clearTimeout(this.timer);
    for (const type of this.types.values()) type.dispose();
    for (const d of this.disposables) d.dispose();
  }
}
