/**
 * Reveal Result (the Provenance view's items, hidden from the palette): opens the package.json or
 * lockfile a scan result came from at the dependency.
 */
import type * as vscode from 'vscode';
import type { LensContext } from '../context';
import { revealResult } from '../scan/runner';
import { registerCommand } from './register';

export function registerRevealResult(lens: LensContext): vscode.Disposable {
  return registerCommand(lens.log, 'provenanceLens.revealResult', (occurrence, name) =>
    revealResult(occurrence as Parameters<typeof revealResult>[0], typeof name === 'string' ? name : undefined),
  );
}
