/**
 * Ignore Package for Provenance (the quick fix's command, hidden from the palette): adds a package
 * name to `provenanceLens.ignore`, in the workspace settings when a folder is open, else the user's.
 */
import * as vscode from 'vscode';
import type { LensContext } from '../context';
import { registerCommand } from './register';

export function registerIgnorePackage(lens: LensContext): vscode.Disposable {
  return registerCommand(lens.log, 'provenanceLens.ignorePackage', async (name) => {
    if (typeof name !== 'string' || !name) return;
    const config = vscode.workspace.getConfiguration('provenanceLens');
    const target = vscode.workspace.workspaceFolders?.length ? vscode.ConfigurationTarget.Workspace : vscode.ConfigurationTarget.Global;
    const inspected = config.inspect<string[]>('ignore');
    const current = (target === vscode.ConfigurationTarget.Workspace ? inspected?.workspaceValue : inspected?.globalValue) ?? [];
    if (current.includes(name)) return;
    await config.update('ignore', [...current, name], target);
    lens.log.info(
      `${name} added to provenanceLens.ignore (${target === vscode.ConfigurationTarget.Workspace ? 'workspace' : 'user'} settings).`,
    );
  });
}
