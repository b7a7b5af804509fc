/**
 * Provenance: Scan Workspace — every package.json in the workspace with its lockfile (./scan/runner.ts),
 * into the Provenance view, with a one-line summary; then, in the background, the trust history of the
 * scanned packages (../scan/trust.ts), unless `provenanceLens.trustHistory.enabled` is off; judged again
 * when the policy or those settings change.
 */
import * as vscode from 'vscode';
import type { LensContext } from '../context';
import { assessWorkspaceTrust, scanWorkspace } from '../scan/runner';
import { RESULTS_VIEW } from '../scan/tree';
import { registerCommand } from './register';

export function registerScanWorkspace(lens: LensContext): vscode.Disposable {
  // The policy file or the trust-history settings changed: the shown findings are judged again (or dropped).
  // The listener goes with the controller's emitter (disposed with the extension).
  lens.trust.onDidReload(() => {
    const results = lens.results.get();
    if (results && !results.cancelled) lens.results.rejudgeTrust(lens.settings.trustHistory);
  });
  return registerCommand(lens.log, 'provenanceLens.scanWorkspace', async () => {
    const results = await scanWorkspace(lens.documents, lens.settings, lens.log);
    if (!results) return;
    lens.results.show(results, (signal, onUpdate) => assessWorkspaceTrust(results, lens.trust, { signal, onUpdate, log: lens.log }));
    // A cancelled scan's partial results are not judged (no more network work after a cancel).
    if (lens.settings.trustHistory && !results.cancelled) lens.results.judgeTrust();
    await vscode.commands.executeCommand(`${RESULTS_VIEW}.focus`);
    const invalid = results.items.filter((i) => i.verdict.status === 'invalid').length;
    const verified = results.items.filter((i) => i.verdict.status === 'verified').length;
    void vscode.window.showInformationMessage(
      `Provenance: ${results.cancelled ? 'scan cancelled — partial results: ' : ''}${verified} of ${results.items.length} verified, ${invalid} invalid, in ${results.projects.length} package.json files.`,
    );
  });
}
