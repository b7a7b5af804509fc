/**
 * Registers a command whose failures are logged and shown, never thrown into VS Code.
 */
import * as vscode from 'vscode';

export function registerCommand(log: vscode.LogOutputChannel, id: string, run: (...args: unknown[]) => unknown): vscode.Disposable {
  return vscode.commands.registerCommand(id, async (...args: unknown[]) => {
    try {
      return await run(...args);
    } catch (err) {
      const message = err instanceof Error ? err.message : String(err);
      log.error(`${id} failed: ${err instanceof Error ? (err.stack ?? message) : message}`);
      void vscode.window.showErrorMessage(`Provenance: ${message}`);
      return undefined;
    }
  });
}
