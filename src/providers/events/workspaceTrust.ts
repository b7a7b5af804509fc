/**
 * The workspace was trusted: its .npmrc files and workspace settings now apply, so settings are read
 * again, engines are recreated and the open files verified again.
 */
import * as vscode from 'vscode';
import { readSettings } from '../config/settings';
import type { LensContext } from '../context';

export function registerTrustGrant(lens: LensContext): vscode.Disposable {
  return vscode.workspace.onDidGrantWorkspaceTrust(() => {
    lens.log.info('Workspace trusted: project .npmrc and workspace settings now apply.');
    lens.settings = readSettings();
    lens.restartEngines('The workspace is now trusted.'); // the workspace's trust policy now applies too
    lens.statusBar.update();
    lens.results.updateMessage();
  });
}
