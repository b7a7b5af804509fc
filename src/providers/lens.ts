/**
 * Wires the editor features together. Nothing here loads the engine: engines are created by
 * EngineHost on the first verification, after activation has returned.
 */
import * as path from 'node:path';
import * as vscode from 'vscode';
import { engineOptions, type LensSettings } from './config/model';
import { ignoredSettings, readSettings, resolveSettingPath, trustNotice } from './config/settings';
import { EngineHost } from './engine/host';
import { ProvenanceDiagnostics } from './diagnostics';
import { BadgeDecorations } from './decorations/badges';
import { ProvenanceHoverProvider } from './hover/provider';
import { ProvenanceCodeActions } from './codeActions/provider';
import { VersionCompletionProvider } from './completion/provider';
import { ProvenanceStatusBar } from './statusBar/statusBar';
import { DocumentController, isPackageJson } from './state/documents';
import { dependencyKey } from './state/model';
import { dependencyAt, dependencyOnLine, locateDependencies } from './locate/manifestLocator';
import { RESULTS_VIEW, ResultsTree } from './scan/tree';
import { revealResult, scanWorkspace } from './scan/runner';
import { exportReport } from './commands/exportReport';
import { badgeFor } from './format/badge';

export const SELECTOR: vscode.DocumentSelector = [{ language: 'json', scheme: 'file', pattern: '**/package.json' }];

/** Settings whose change needs new engines. */
const ENGINE_SETTINGS = ['registry', 'attestationRegistry', 'trustedRoot', 'npmKeys', 'concurrency', 'offline'].map((k) => `provenanceLens.${k}`);

export function activateLens(context: vscode.ExtensionContext): void {
  const started = performance.now();
  const log = vscode.window.createOutputChannel('Provenance Lens', { log: true });
  context.subscriptions.push(log);
  let settings: LensSettings = readSettings();
  const cacheDir = path.join(context.globalStorageUri.fsPath, 'cache');
  // Sigstore checks run in this worker (bundled beside the extension) so the extension host stays responsive.
  const workerScript = path.join(context.extensionUri.fsPath, 'dist', 'verify-worker.js');
  const host = new EngineHost(() =>
    engineOptions(settings, { trusted: vscode.workspace.isTrusted, cacheDir, logger: log, resolvePath: resolveSettingPath, workerScript }),
  );
  context.subscriptions.push(host);
  const toolVersion = String((context.extension?.packageJSON as { version?: unknown } | undefined)?.version ?? '0.0.0');

  const documents = new DocumentController(host, () => settings, log);
  const diagnostics = new ProvenanceDiagnostics(documents, host, () => settings, log);
  const badges = new BadgeDecorations(context.extensionUri, documents, () => settings.badgeStyle, log);
  const tree = new ResultsTree();
  const view = vscode.window.createTreeView(RESULTS_VIEW, { treeDataProvider: tree, showCollapseAll: true });
  const notes = (): string[] => {
    const out: string[] = [];
    const trust = trustNotice();
    if (trust) out.push(trust);
    for (const o of host.observations()) {
      if (o.stripsProvenance) out.push(`${o.registry} serves no signatures or attestations (${o.versionsSeen} versions seen).`);
    }
    if (settings.offline) out.push('Offline: only cached results are used.');
    return out;
  };
  const statusBar = new ProvenanceStatusBar(documents, notes, log);
  // Set when the registries, trust material or cache changed after the last scan: its results no longer say
  // what a scan would say now, and the view must not keep showing them as current.
  let scanOutdated: string | undefined;
  const updateViewMessage = () => {
    view.message = [scanOutdated, trustNotice()].filter(Boolean).join(' ') || undefined;
  };
  const outdateScan = (why: string) => {
    if (!tree.get()) return;
    tree.set(undefined);
    scanOutdated = `${why} The previous scan's results were cleared: run Provenance: Scan Workspace again.`;
    updateViewMessage();
  };
  updateViewMessage();
  context.subscriptions.push(documents, diagnostics, badges, tree, view, statusBar);

  context.subscriptions.push(
    vscode.languages.registerHoverProvider(SELECTOR, new ProvenanceHoverProvider(documents, log)),
    vscode.languages.registerCodeActionsProvider(SELECTOR, new ProvenanceCodeActions(documents, log), ProvenanceCodeActions.metadata),
    vscode.languages.registerCompletionItemProvider(SELECTOR, new VersionCompletionProvider(documents, () => settings, () => host.observations().some((o) => o.stripsProvenance), log), '"', '^', '~', '.'),
  );

  const command = (id: string, run: (...args: unknown[]) => unknown) =>
    vscode.commands.registerCommand(id, async (...args: unknown[]) => {
      try {
        return await run(...args);
      } catch (err) {
        const message = err instanceof Error ? err.message : String(err);
        log.error(`${id} failed: ${err instanceof Error ? err.stack ?? message : message}`);
        void vscode.window.showErrorMessage(`Provenance: ${message}`);
        return undefined;
      }
    });

  context.subscriptions.push(
    command('provenanceLens.scanWorkspace', async () => {
      const results = await scanWorkspace(documents, settings, log);
      if (!results) return;
      tree.set(results);
      scanOutdated = undefined;
      updateViewMessage();
      await vscode.commands.executeCommand(`${RESULTS_VIEW}.focus`);
      const invalid = results.items.filter((i) => i.verdict.status === 'invalid').length;
      const verified = results.items.filter((i) => i.verdict.status === 'verified').length;
      void vscode.window.showInformationMessage(
        `Provenance: ${results.cancelled ? 'scan cancelled — partial results: ' : ''}${verified} of ${results.items.length} verified, ${invalid} invalid, in ${results.projects.length} package.json files.`,
      );
    }),
    command('provenanceLens.exportReport', () => exportReport(tree.get(), documents, host, toolVersion, log)),
    command('provenanceLens.verifyAtCursor', (...args) => verifyAtCursor(args)),
    command('provenanceLens.clearCache', async () => {
      const engine = host.all()[0] ?? host.get(vscode.workspace.workspaceFolders?.[0]?.uri.fsPath ?? context.globalStorageUri.fsPath);
      await engine.clearCache();
      host.reset();
      outdateScan('The cache was cleared.');
      documents.rerunAll(true);
      log.info('Cache cleared.');
      void vscode.window.showInformationMessage('Provenance: cache cleared; open package.json files are verified again.');
    }),
    command('provenanceLens.showLog', () => log.show()),
    command('provenanceLens.showResults', () => vscode.commands.executeCommand(`${RESULTS_VIEW}.focus`)),
    command('provenanceLens.ignorePackage', async (name) => {
      if (typeof name !== 'string' || !name) return;
      const config = vscode.workspace.getConfiguration('provenanceLens');
      const target = vscode.workspace.workspaceFolders?.length ? vscode.ConfigurationTarget.Workspace : vscode.ConfigurationTarget.Global;
      const inspected = config.inspect<string[]>('ignore');
      const current = (target === vscode.ConfigurationTarget.Workspace ? inspected?.workspaceValue : inspected?.globalValue) ?? [];
      if (current.includes(name)) return;
      await config.update('ignore', [...current, name], target);
      log.info(`${name} added to provenanceLens.ignore (${target === vscode.ConfigurationTarget.Workspace ? 'workspace' : 'user'} settings).`);
    }),
    command('provenanceLens.revealResult', (occurrence, name) =>
      revealResult(occurrence as Parameters<typeof revealResult>[0], typeof name === 'string' ? name : undefined),
    ),
  );

  async function verifyAtCursor(args: unknown[]): Promise<void> {
    // From a hover link: [documentUri, section, name]; from the palette: the cursor.
    let document: vscode.TextDocument | undefined;
    let section: string | undefined;
    let name: string | undefined;
    if (typeof args[0] === 'string' && typeof args[1] === 'string' && typeof args[2] === 'string') {
      document = vscode.workspace.textDocuments.find((d) => d.uri.toString() === args[0]);
      [section, name] = [args[1], args[2]];
    } else {
      const editor = vscode.window.activeTextEditor;
      if (editor && isPackageJson(editor.document)) {
        document = editor.document;
        const text = document.getText();
        const located = locateDependencies(text);
        const offset = document.offsetAt(editor.selection.active);
        const dep = dependencyAt(located, offset)?.dependency ?? dependencyOnLine(located, text, offset);
        section = dep?.section;
        name = dep?.name;
      }
    }
    if (!document || !isPackageJson(document)) {
      void vscode.window.showInformationMessage('Provenance: put the cursor on a dependency in a package.json.');
      return;
    }
    if (!section || !name) {
      void vscode.window.showInformationMessage('Provenance: the cursor is not on a dependency.');
      return;
    }
    const key = dependencyKey(section, name);
    let state = documents.get(document.uri);
    let dep = state?.deps.get(key);
    if (!state || state.running || state.docVersion !== document.version || !dep) {
      state = await documents.verifyNow(document);
      dep = state?.deps.get(key);
    } else if (dep.resolved?.version && !dep.resolved.verdict && dep.verdict?.reason?.code !== 'ignored') {
      const engine = documents.engineFor(document.uri.fsPath);
      const r = dep.resolved;
      log.info(`Verifying ${r.name}@${r.version} on request.`);
      documents.setVerdict(document.uri, key, await engine.verify({ name: r.name, version: r.version!, integrity: r.integrity, resolvedFrom: r.resolvedFrom }));
    }
    const verdict = dep?.verdict;
    if (!verdict) {
      void vscode.window.showWarningMessage(`Provenance: ${name} could not be checked (see Show Log).`);
      return;
    }
    const badge = badgeFor(verdict, 'full');
    const detail = verdict.reason ? ` — ${verdict.reason.message}` : '';
    const id = `${verdict.name}@${verdict.version}`;
    const show = verdict.status === 'invalid' ? vscode.window.showWarningMessage : vscode.window.showInformationMessage;
    const choice = await show(`${id}: ${badge?.text ?? verdict.status}${detail}`, 'Show Log');
    if (choice) log.show();
  }

  let mirrorNoticeShown = false;
  let trustNoticeShown = false;
  context.subscriptions.push(
    documents.onDidChange(() => {
      if (!mirrorNoticeShown && !settings.attestationRegistry) {
        const stripping = host.observations().find((o) => o.stripsProvenance);
        if (stripping) {
          mirrorNoticeShown = true;
          void vscode.window
            .showWarningMessage(
              `Provenance: ${stripping.registry} serves packages without provenance or signatures. Set "provenanceLens.attestationRegistry" to https://registry.npmjs.org to verify them.`,
              'Open Settings',
            )
            .then((choice) => choice && vscode.commands.executeCommand('workbench.action.openSettings', 'provenanceLens.attestationRegistry'));
        }
      }
      if (!trustNoticeShown && !vscode.workspace.isTrusted && ignoredSettings().length > 0) {
        trustNoticeShown = true;
        const notice = trustNotice();
        if (notice) {
          log.warn(notice);
          void vscode.window.showInformationMessage(`Provenance: ${notice}`);
        }
      }
    }),
    vscode.workspace.onDidChangeConfiguration((e) => {
      if (!e.affectsConfiguration('provenanceLens')) return;
      settings = readSettings();
      if (ENGINE_SETTINGS.some((key) => e.affectsConfiguration(key))) {
        log.info('Settings changed: new engines, verifying again.');
        host.reset();
        outdateScan('Registry or trust settings changed.');
        documents.rerunAll(true);
      } else if (e.affectsConfiguration('provenanceLens.ignore')) {
        documents.rerunAll(false);
      }
      if (e.affectsConfiguration('provenanceLens.badges.style')) badges.refreshStyle();
      diagnostics.refreshAll();
      statusBar.update();
      updateViewMessage();
    }),
    vscode.workspace.onDidGrantWorkspaceTrust(() => {
      log.info('Workspace trusted: project .npmrc and workspace settings now apply.');
      settings = readSettings();
      host.reset();
      outdateScan('The workspace is now trusted.');
      documents.rerunAll(true);
      statusBar.update();
      updateViewMessage();
    }),
  );

  const trust = trustNotice();
  if (trust) log.warn(trust);
  log.info(`Provenance Lens ${toolVersion} activated in ${(performance.now() - started).toFixed(1)} ms; cache at ${cacheDir}.`);
  documents.start();
}
