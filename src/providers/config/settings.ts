/**
 * Reads `provenanceLens.*` settings with Workspace Trust applied.
 */
import * as path from 'node:path';
import * as vscode from 'vscode';
import {
  effectiveScope,
  effectiveValue,
  ignoredWorkspaceSettings,
  type LensSettings,
  normaliseSettings,
  RESTRICTED_SETTINGS,
  SECTION,
} from './lensSettings';

const RESTRICTED: ReadonlySet<string> = new Set(RESTRICTED_SETTINGS);

export function readSettings(): LensSettings {
  const config = vscode.workspace.getConfiguration(SECTION);
  const trusted = vscode.workspace.isTrusted;
  return normaliseSettings(
    (key) => effectiveValue(config.inspect(key), trusted, RESTRICTED.has(key)),
    (key) => effectiveScope(config.inspect(key), trusted, RESTRICTED.has(key)),
  );
}

/** Workspace-level values of restricted settings that are ignored because the workspace is untrusted. */
export function ignoredSettings(): string[] {
  const config = vscode.workspace.getConfiguration(SECTION);
  return ignoredWorkspaceSettings((key) => config.inspect(key), vscode.workspace.isTrusted);
}

/**
 * Resolves a relative path setting against the first workspace folder (or leaves it as is). Only used
 * for the workspace's own values in a trusted workspace (lensSettings.ts resolvePathSetting decides).
 */
export function resolveSettingPath(p: string): string {
  const expanded = p.replace(/^~(?=$|[\\/])/, process.env.HOME ?? process.env.USERPROFILE ?? '~');
  if (path.isAbsolute(expanded)) return expanded;
  const folder = vscode.workspace.workspaceFolders?.[0];
  return folder ? path.join(folder.uri.fsPath, expanded) : expanded;
}

export function trustNotice(): string | undefined {
  if (vscode.workspace.isTrusted) return undefined;
  const ignored = ignoredSettings();
  return (
    'Restricted Mode: this workspace is not trusted, so its .npmrc files are ignored' +
    (ignored.length
      ? ` and so are its values for ${ignored.join(', ')}`
      : ' and so are its values for the registry and trust-material settings') +
    '. Registries and trust material come from your user settings and user .npmrc.'
  );
}
