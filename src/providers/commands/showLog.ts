/**
 * Provenance: Show Log — the output channel: what was fetched and why each verdict was given.
 */
import type * as vscode from 'vscode';
import type { LensContext } from '../context';
import { registerCommand } from './register';

export function registerShowLog(lens: LensContext): vscode.Disposable {
  return registerCommand(lens.log, 'provenanceLens.showLog', () => lens.log.show());
}
