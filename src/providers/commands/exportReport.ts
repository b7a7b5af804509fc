/**
 * Provenance: Export Report — JSON, SARIF or Markdown (./scan/reportFormat.ts), from the last
 * workspace scan or else the active package.json, with the trust findings their verdicts carry (a scan's
 * trust history still being judged is waited for, unless that wait is cancelled).
 */
import * as path from 'node:path';
import * as vscode from 'vscode';
import { spanToRegion } from '../../verify/report';
import type { TrustInfo } from '../../verify/types';
import type { EngineHost } from '../engine/host';
import { fromDocumentState, type ScanResults } from '../scan/scanResults';
import { renderReport } from '../scan/reportFormat';
import { type DocumentController, isPackageJson } from '../state/documents';
import type { LensContext } from '../context';
import { registerCommand } from './register';

export function registerExportReport(lens: LensContext): vscode.Disposable {
  return registerCommand(lens.log, 'provenanceLens.exportReport', async () => {
    const scan = lens.results.get();
    if (scan && lens.results.judgingTrust()) await waitForTrust(lens.results.trustSettled(), lens.log);
    await exportReport(lens.results.get(), lens.documents, lens.host, lens.toolVersion, lens.log);
  });
}

/** Waits for the scan's trust history before exporting; cancelling exports what is judged so far. */
async function waitForTrust(settled: Promise<void>, log: vscode.LogOutputChannel): Promise<void> {
  await vscode.window.withProgress(
    { location: vscode.ProgressLocation.Notification, title: 'Provenance: waiting for the trust history of the scan…', cancellable: true },
    (_progress, token) =>
      new Promise<void>((resolve) => {
        token.onCancellationRequested(() => {
          log.warn('Export Report: not waiting for the trust history; the report has the findings judged so far.');
          resolve();
        });
        void settled.then(resolve, resolve);
      }),
  );
}

export async function exportReport(
  scan: ScanResults | undefined,
  documents: DocumentController,
  host: EngineHost,
  toolVersion: string,
  log: vscode.LogOutputChannel,
): Promise<void> {
  let results = scan;
  if (!results) {
    const editor = vscode.window.activeTextEditor;
    const state = editor && isPackageJson(editor.document) ? documents.get(editor.document.uri) : undefined;
    if (editor && state) {
      const text = editor.document.getText();
      results = fromDocumentState(state, (span) => spanToRegion(text, span));
    }
  }
  if (!results || results.items.length === 0) {
    const choice = await vscode.window.showInformationMessage(
      'Provenance: nothing to export yet. Scan the workspace first.',
      'Scan Workspace',
    );
    if (choice) await vscode.commands.executeCommand('provenanceLens.scanWorkspace');
    return;
  }
  const picked = await vscode.window.showQuickPick(
    [
      { label: 'JSON', description: 'the report schema the CLI writes', format: 'json' as const, ext: 'json' },
      { label: 'SARIF', description: 'SARIF 2.1.0, for code scanning', format: 'sarif' as const, ext: 'sarif' },
      { label: 'Markdown', description: 'a readable summary', format: 'markdown' as const, ext: 'md' },
    ],
    { title: 'Provenance: Export Report', placeHolder: 'Report format' },
  );
  if (!picked) return;
  const folder = vscode.workspace.workspaceFolders?.[0]?.uri;
  const target = await vscode.window.showSaveDialog({
    defaultUri: folder ? vscode.Uri.joinPath(folder, `provenance-report.${picked.ext}`) : undefined,
    filters: { [picked.label]: [picked.ext] },
    title: 'Save provenance report',
  });
  if (!target) return;
  let trust: TrustInfo | undefined;
  try {
    const engine = host.all()[0];
    trust = engine ? await engine.trustInfo() : undefined;
  } catch (err) {
    log.warn(`Trust information unavailable for the report: ${err instanceof Error ? err.message : String(err)}`);
  }
  const content = renderReport(results, picked.format, { root: folder?.fsPath ?? '', toolVersion, trust, registries: host.observations() });
  await vscode.workspace.fs.writeFile(target, Buffer.from(content, 'utf8'));
  log.info(`Report written to ${target.fsPath} (${picked.label}, ${results.items.length} results).`);
  const open = await vscode.window.showInformationMessage(`Provenance report saved to ${path.basename(target.fsPath)}.`, 'Open');
  if (open) await vscode.window.showTextDocument(target);
}
