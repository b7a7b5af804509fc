/**
 * Provenance: Clear Cache — forgets cached verdicts and registry responses, then verifies the open
 * package.json files again.
 */
import * as vscode from 'vscode';
import type { LensContext } from '../context';
import { registerCommand } from './register';

export function registerClearCache(lens: LensContext): vscode.Disposable {
  return registerCommand(lens.log, 'provenanceLens.clearCache', async () => {
    // Every engine shares the one persistent cache: any engine clears it (creating one if none exists yet).
    const engine =
      lens.host.all()[0] ?? lens.host.get(vscode.workspace.workspaceFolders?.[0]?.uri.fsPath ?? lens.extension.globalStorageUri.fsPath);
    await engine.clearCache();
    lens.restartEngines('The cache was cleared.');
    lens.log.info('Cache cleared.');
    void vscode.window.showInformationMessage('Provenance: cache cleared; open package.json files are verified again.');
  });
}
