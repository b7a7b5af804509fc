import type * as vscode from 'vscode';
import { activateLens } from './providers/lens';

export function activate(context: vscode.ExtensionContext): void {
  activateLens(context);
}

export function deactivate(): void {}
