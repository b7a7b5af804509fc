/**
 * Provenance: Show Results — focuses the Provenance view (the status bar item's command).
 */
import * as vscode from 'vscode';
import type { LensContext } from '../context';
import { RESULTS_VIEW } from '../scan/tree';
import { registerCommand } from './register';

export function registerShowResults(lens: LensContext): vscode.Disposable {
  return registerCommand(lens.log, 'provenanceLens.showResults', () => vscode.commands.executeCommand(`${RESULTS_VIEW}.focus`));
}
