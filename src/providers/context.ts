/**
 * The editor's parts, created once at activation and handed to every command and event subscription:
 * the log, the current settings, the engines, the per-document verdicts and what shows them (badges,
 * diagnostics, the Provenance view, the status bar). Creating them loads no engine.
 */
import * as path from 'node:path';
import * as vscode from 'vscode';
import { engineOptions, type LensSettings } from './config/lensSettings';
import { readSettings, resolveSettingPath, trustNotice } from './config/settings';
import { BadgeDecorations } from './decorations/badges';
import { ProvenanceDiagnostics } from './diagnostics';
import { EngineHost } from './engine/host';
import { ResultsView } from './scan/resultsView';
import { DocumentController } from './state/documents';
import { ProvenanceStatusBar } from './statusBar/statusBar';
import { TrustHistoryController } from './trust/controller';

export class LensContext {
  readonly log: vscode.LogOutputChannel;
  /** The `provenanceLens.*` settings, Workspace Trust applied; replaced when they change. */
  settings: LensSettings;
  /** The persistent cache of verdicts, HTTP responses and trust material. */
  readonly cacheDir: string;
  readonly toolVersion: string;
  readonly host: EngineHost;
  readonly documents: DocumentController;
  readonly diagnostics: ProvenanceDiagnostics;
  readonly badges: BadgeDecorations;
  readonly results: ResultsView;
  readonly statusBar: ProvenanceStatusBar;
  /** Trust history of the open package.json files' dependencies, and the policy file. */
  readonly trust: TrustHistoryController;

  /** Everything created here is disposed with `extension.subscriptions`. */
  constructor(readonly extension: vscode.ExtensionContext) {
    this.log = vscode.window.createOutputChannel('Provenance Lens', { log: true });
    extension.subscriptions.push(this.log);
    this.settings = readSettings();
    this.cacheDir = path.join(extension.globalStorageUri.fsPath, 'cache');
    // Sigstore checks run in this worker (bundled beside the extension) so the extension host stays responsive.
    const workerScript = path.join(extension.extensionUri.fsPath, 'dist', 'verify-worker.js');
    this.host = new EngineHost(() =>
      engineOptions(this.settings, {
        trusted: vscode.workspace.isTrusted,
        cacheDir: this.cacheDir,
        logger: this.log,
        resolvePath: resolveSettingPath,
        workerScript,
      }),
    );
    extension.subscriptions.push(this.host);
    this.toolVersion = String((extension.extension?.packageJSON as { version?: unknown } | undefined)?.version ?? '0.0.0');

    this.documents = new DocumentController(this.host, () => this.settings, this.log);
    this.trust = new TrustHistoryController(this.documents, () => this.settings, this.log);
    this.diagnostics = new ProvenanceDiagnostics(this.documents, this.host, () => this.settings, this.log);
    this.badges = new BadgeDecorations(extension.extensionUri, this.documents, () => this.settings.badgeStyle, this.log);
    this.results = new ResultsView();
    this.statusBar = new ProvenanceStatusBar(this.documents, () => this.notes(), this.log);
    this.results.updateMessage();
    extension.subscriptions.push(this.documents, this.trust, this.diagnostics, this.badges, this.results, this.statusBar);
  }

  /** What the status bar's tooltip adds: Restricted Mode, registries that strip provenance, offline. */
  notes(): string[] {
    const out: string[] = [];
    const trust = trustNotice();
    if (trust) out.push(trust);
    for (const o of this.host.observations()) {
      if (o.stripsProvenance) out.push(`${o.registry} serves no signatures or attestations (${o.versionsSeen} versions seen).`);
    }
    if (this.settings.offline) out.push('Offline: only cached results are used.');
    out.push(...this.trust.notes());
    return out;
  }

  /** Registries, trust material or cache changed: new engines, the last scan cleared, open files verified again. */
  restartEngines(why: string): void {
    this.host.reset();
    this.results.outdate(why);
    this.documents.rerunAll(true);
    this.trust.reload(why);
  }
}
