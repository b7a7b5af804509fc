import type * as vscode from 'vscode';

export function activate(_context: vscode.ExtensionContext): void {
  // Editor features are wired in by src/providers/ (see issue: the editor).
}

export function deactivate(): void {}
