/**
 * `provenanceLens.*` settings changed: registry and trust settings need new engines (and outdate the
 * last scan), `ignore` needs the open files resolved again, every setting may change what is shown.
 */
import * as vscode from 'vscode';
import { readSettings } from '../config/settings';
import type { LensContext } from '../context';

/** Settings whose change needs new engines. */
const ENGINE_SETTINGS = ['registry', 'attestationRegistry', 'trustedRoot', 'npmKeys', 'concurrency', 'offline'].map(
  (k) => `provenanceLens.${k}`,
);

export function registerConfigurationWatcher(lens: LensContext): vscode.Disposable {
  return vscode.workspace.onDidChangeConfiguration((e) => {
    if (!e.affectsConfiguration('provenanceLens')) return;
    lens.settings = readSettings();
    if (ENGINE_SETTINGS.some((key) => e.affectsConfiguration(key))) {
      lens.log.info('Settings changed: new engines, verifying again.');
      lens.restartEngines('Registry or trust settings changed.');
    } else if (e.affectsConfiguration('provenanceLens.ignore')) {
      lens.documents.rerunAll(false);
    }
    if (e.affectsConfiguration('provenanceLens.badges.style')) lens.badges.refreshStyle();
    if (e.affectsConfiguration('provenanceLens.trustHistory.enabled') || e.affectsConfiguration('provenanceLens.policyFile')) {
      lens.trust.reload('Trust history settings changed');
    }
    lens.diagnostics.refreshAll();
    lens.statusBar.update();
    lens.results.updateMessage();
  });
}
