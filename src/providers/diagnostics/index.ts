/**
 * Turns the rule results (./rules, one rule per file) into VS Code diagnostics.
 */
import * as path from 'node:path';
import * as vscode from 'vscode';
import type { LensSettings } from '../config/lensSettings';
import type { EngineHost } from '../engine/host';
import { locateDependencies } from '../locate/manifestLocator';
import { type DocumentController, isPackageJson } from '../state/documents';
import { joinState } from '../state/view';
import { RULES } from './rules';
import type { RuleContext, RuleDiagnostic, Severity } from './types';

export const DIAGNOSTIC_SOURCE = 'Provenance Lens';

const SEVERITY: Record<Severity, vscode.DiagnosticSeverity> = {
  error: vscode.DiagnosticSeverity.Error,
  warning: vscode.DiagnosticSeverity.Warning,
  information: vscode.DiagnosticSeverity.Information,
  hint: vscode.DiagnosticSeverity.Hint,
};

export function buildRuleContext(
  document: vscode.TextDocument,
  documents: DocumentController,
  host: EngineHost,
  settings: LensSettings,
): RuleContext | undefined {
  const state = documents.get(document.uri);
  if (!state) return undefined;
  const located = locateDependencies(document.getText());
  const current = state.docVersion === document.version;
  return {
    fileName: path.basename(document.uri.fsPath),
    located,
    deps: joinState(located, state),
    engineProblems: current && !state.running ? (state.manifest?.problems ?? []) : [],
    runError: state.running ? undefined : state.error,
    observations: host.observations(),
    ...(state.trustPolicy ? { trustPolicy: state.trustPolicy } : {}),
    settings: { noProvenanceSeverity: settings.noProvenanceSeverity, attestationRegistry: settings.attestationRegistry },
  };
}

export class ProvenanceDiagnostics implements vscode.Disposable {
  readonly collection = vscode.languages.createDiagnosticCollection('provenance-lens');
  private readonly pending = new Set<string>();
  private timer: NodeJS.Timeout | undefined;
  private readonly disposables: vscode.Disposable[] = [this.collection];

  constructor(
    private readonly documents: DocumentController,
    private readonly host: EngineHost,
    private readonly settings: () => LensSettings,
    private readonly log: vscode.LogOutputChannel,
  ) {
    this.disposables.push(
      documents.onDidChange((uri) => this.schedule(uri)),
      vscode.workspace.onDidCloseTextDocument((d) => this.collection.delete(d.uri)),
    );
  }

  private schedule(uri: vscode.Uri): void {
    this.pending.add(uri.toString());
    if (this.timer) return;
    this.timer = setTimeout(() => {
      this.timer = undefined;
      const uris = [...this.pending];
      this.pending.clear();
      for (const key of uris) {
        const document = vscode.workspace.textDocuments.find((d) => d.uri.toString() === key);
        if (document) this.update(document);
        else this.collection.delete(vscode.Uri.parse(key));
      }
    }, 150);
  }

  /** Recomputes every open package.json's diagnostics (settings changed). */
  refreshAll(): void {
    for (const document of vscode.workspace.textDocuments) if (isPackageJson(document)) this.update(document);
  }

  update(document: vscode.TextDocument): void {
    try {
      const context = buildRuleContext(document, this.documents, this.host, this.settings());
      if (!context) {
        this.collection.delete(document.uri);
        return;
      }
      const diagnostics: vscode.Diagnostic[] = [];
      for (const rule of RULES) {
        let found: RuleDiagnostic[] = [];
        try {
          found = rule(context);
        } catch (err) {
          this.log.error(`Diagnostic rule ${rule.name} failed: ${err instanceof Error ? err.message : String(err)}`);
        }
        for (const d of found) diagnostics.push(this.toDiagnostic(document, d));
      }
      this.collection.set(document.uri, diagnostics);
    } catch (err) {
      this.log.error(`Diagnostics for ${document.uri.fsPath}: ${err instanceof Error ? err.message : String(err)}`);
    }
  }

  private toDiagnostic(document: vscode.TextDocument, d: RuleDiagnostic): vscode.Diagnostic {
    const range = new vscode.Range(document.positionAt(d.span.offset), document.positionAt(d.span.offset + d.span.length));
    const diagnostic = new vscode.Diagnostic(range, d.message, SEVERITY[d.severity]);
    diagnostic.source = DIAGNOSTIC_SOURCE;
    diagnostic.code = { value: d.code, target: vscode.Uri.parse(d.target, true) };
    return diagnostic;
  }

  dispose(): void {
    if (this.timer) clearTimeout(this.timer);
    for (const d of this.disposables) d.dispose();
  }
}
