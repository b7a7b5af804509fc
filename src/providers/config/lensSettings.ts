/**
 * `LensSettings`: the `provenanceLens.*` values in force with Workspace Trust applied (which scope a
 * value comes from, what an untrusted workspace may not set), normalised, and the engine options they
 * give. `settings.ts` feeds it from VS Code's configuration. No `vscode` import.
 */
import * as os from 'node:os';
import * as path from 'node:path';
import type { EngineLogger, EngineOptions } from '../../verify/api';
import type { BadgeStyle } from '../format/badge';
import type { SeveritySetting } from '../diagnostics/types';

export const SECTION = 'provenanceLens';

/**
 * Settings a workspace may only set when it is trusted: they decide what is trusted, or (offline) make
 * the window answer from the cache instead of checking.
 */
export const RESTRICTED_SETTINGS = [
  'registry',
  'attestationRegistry',
  'trustedRoot',
  'npmKeys',
  'offline',
  'policyFile',
  'trustHistory.enabled',
] as const;

/** Where a setting's value in force comes from. */
export type SettingScope = 'default' | 'user' | 'workspace' | 'workspaceFolder';

export interface Inspected<T> {
  defaultValue?: T;
  globalValue?: T;
  workspaceValue?: T;
  workspaceFolderValue?: T;
}

/**
 * The value in force. In an untrusted workspace, restricted settings take only the user's
 * (global) value or the default: workspace and folder values are ignored.
 */
export function effectiveValue<T>(inspected: Inspected<T> | undefined, trusted: boolean, restricted: boolean): T | undefined {
  if (!inspected) return undefined;
  if (!trusted && restricted) return inspected.globalValue ?? inspected.defaultValue;
  return inspected.workspaceFolderValue ?? inspected.workspaceValue ?? inspected.globalValue ?? inspected.defaultValue;
}

/** The scope `effectiveValue` takes its value from (same rules). */
export function effectiveScope(inspected: Inspected<unknown> | undefined, trusted: boolean, restricted: boolean): SettingScope {
  if (!inspected) return 'default';
  if (trusted || !restricted) {
    if (inspected.workspaceFolderValue !== undefined) return 'workspaceFolder';
    if (inspected.workspaceValue !== undefined) return 'workspace';
  }
  if (inspected.globalValue !== undefined) return 'user';
  return 'default';
}

/** Restricted settings that the workspace sets and that are being ignored because it is untrusted. */
export function ignoredWorkspaceSettings(inspect: (key: string) => Inspected<unknown> | undefined, trusted: boolean): string[] {
  if (trusted) return [];
  return RESTRICTED_SETTINGS.filter((key) => {
    const i = inspect(key);
    return i?.workspaceValue !== undefined || i?.workspaceFolderValue !== undefined;
  }).map((key) => `${SECTION}.${key}`);
}

export interface LensSettings {
  registry: string;
  attestationRegistry: string;
  trustedRoot: string;
  npmKeys: string;
  noProvenanceSeverity: SeveritySetting;
  badgeStyle: BadgeStyle;
  ignore: string[];
  concurrency: number;
  offline: boolean;
  scanMode: 'direct' | 'lockfile';
  completionVerifiedOnly: boolean;
  /** Where trustedRoot / npmKeys come from: only workspace values may be relative to the workspace folder. */
  trustedRootScope: SettingScope;
  npmKeysScope: SettingScope;
  /** Judge each direct dependency against the earlier versions of its release line (full packuments). */
  trustHistory: boolean;
  /** The trust policy file; empty: `.provenance-lens.json` found as the CLI finds it. */
  policyFile: string;
  policyFileScope: SettingScope;
}

export const DEFAULT_ATTESTATION_REGISTRY = 'https://registry.npmjs.org';

function oneOf<T extends string>(value: unknown, allowed: readonly T[], fallback: T): T {
  return typeof value === 'string' && (allowed as readonly string[]).includes(value) ? (value as T) : fallback;
}

function str(value: unknown, fallback = ''): string {
  return typeof value === 'string' ? value.trim() : fallback;
}

/**
 * Normalises raw setting values (anything may be in settings.json). `scopeOf` says where a value comes
 * from; without it, values count as user settings (the safe assumption for path settings).
 */
export function normaliseSettings(get: (key: string) => unknown, scopeOf: (key: string) => SettingScope = () => 'user'): LensSettings {
  const concurrency = Number(get('concurrency'));
  const ignore = get('ignore');
  return {
    registry: str(get('registry')),
    attestationRegistry: str(get('attestationRegistry'), DEFAULT_ATTESTATION_REGISTRY),
    trustedRoot: str(get('trustedRoot')),
    npmKeys: str(get('npmKeys')),
    noProvenanceSeverity: oneOf(get('noProvenanceSeverity'), ['error', 'warning', 'information', 'hint', 'none'], 'information'),
    badgeStyle: oneOf(get('badges.style'), ['full', 'compact', 'off'], 'full'),
    ignore: Array.isArray(ignore) ? ignore.filter((x): x is string => typeof x === 'string' && x.trim() !== '').map((x) => x.trim()) : [],
    concurrency: Number.isFinite(concurrency) && concurrency >= 1 ? Math.min(32, Math.floor(concurrency)) : 8,
    offline: get('offline') === true,
    scanMode: oneOf(get('scan.mode'), ['direct', 'lockfile'], 'direct'),
    completionVerifiedOnly: get('completion.verifiedOnly') === true,
    trustedRootScope: scopeOf('trustedRoot'),
    npmKeysScope: scopeOf('npmKeys'),
    trustHistory: get('trustHistory.enabled') !== false,
    policyFile: str(get('policyFile')),
    policyFileScope: scopeOf('policyFile'),
  };
}

export interface PathSettingResult {
  /** The path to use (absolute when accepted; the raw value when refused, which the engine refuses too). */
  path?: string;
  /** Why the value was refused. */
  problem?: string;
}

/**
 * A trustedRoot / npmKeys value as a path. Absolute paths and `~/…` are taken as they are. A relative
 * path is resolved against the workspace folder only when the value is the workspace's own and the
 * workspace is trusted: a relative path in user or machine settings would be read from whatever
 * workspace is open, so an untrusted workspace could supply the trust file. It is refused instead.
 */
export function resolvePathSetting(
  key: 'trustedRoot' | 'npmKeys' | 'policyFile',
  raw: string,
  scope: SettingScope,
  context: { trusted: boolean; resolveRelative?: (p: string) => string; home?: string },
): PathSettingResult {
  if (!raw) return {};
  const home = context.home ?? os.homedir();
  const expanded = /^~(?=$|[\\/])/.test(raw) ? path.join(home, raw.slice(1)) : raw;
  if (path.isAbsolute(expanded)) return { path: expanded };
  if ((scope === 'workspace' || scope === 'workspaceFolder') && context.trusted && context.resolveRelative) {
    const resolved = context.resolveRelative(expanded);
    if (path.isAbsolute(resolved)) return { path: resolved };
    return {
      path: raw,
      problem: `${SECTION}.${key} is the relative path "${raw}" and there is no workspace folder to resolve it against: refused. Use an absolute path.`,
    };
  }
  const where = scope === 'workspace' || scope === 'workspaceFolder' ? 'in an untrusted workspace' : 'in your user or machine settings';
  return {
    path: raw,
    problem:
      `${SECTION}.${key} is the relative path "${raw}" ${where}: refused. A relative path would be read from the open workspace folder, ` +
      "which the workspace controls. Use an absolute path (or one starting with ~/), or set it in a trusted workspace's settings.",
  };
}

/** Why the trustedRoot / npmKeys values are refused (empty when they are fine). */
export function settingProblems(
  settings: LensSettings,
  context: { trusted: boolean; resolvePath?: (p: string) => string; home?: string },
): string[] {
  const c = {
    trusted: context.trusted,
    ...(context.resolvePath ? { resolveRelative: context.resolvePath } : {}),
    ...(context.home ? { home: context.home } : {}),
  };
  return [
    resolvePathSetting('trustedRoot', settings.trustedRoot, settings.trustedRootScope, c),
    resolvePathSetting('npmKeys', settings.npmKeys, settings.npmKeysScope, c),
  ]
    .map((r) => r.problem)
    .filter((p): p is string => Boolean(p));
}

/**
 * Engine options for the settings. `resolvePath` turns a relative trustedRoot/npmKeys path into an
 * absolute one (against the workspace folder); it is used only for the workspace's own values in a
 * trusted workspace (see resolvePathSetting). A refused value is passed on as it is (relative), which
 * the engine refuses in turn, so verdicts say the trust material is unavailable rather than silently
 * using another one; the reason is logged.
 */
export function engineOptions(
  settings: LensSettings,
  context: {
    trusted: boolean;
    cacheDir?: string;
    logger?: EngineLogger;
    resolvePath?: (p: string) => string;
    workerScript?: string;
    home?: string;
  },
): EngineOptions {
  const pathContext = {
    trusted: context.trusted,
    ...(context.resolvePath ? { resolveRelative: context.resolvePath } : {}),
    ...(context.home ? { home: context.home } : {}),
  };
  const root = resolvePathSetting('trustedRoot', settings.trustedRoot, settings.trustedRootScope, pathContext);
  const keys = resolvePathSetting('npmKeys', settings.npmKeys, settings.npmKeysScope, pathContext);
  for (const problem of [root.problem, keys.problem]) if (problem) context.logger?.warn(problem);
  return {
    registry: settings.registry || undefined,
    attestationRegistry: settings.attestationRegistry,
    trustedRootPath: root.path,
    npmKeysPath: keys.path,
    useProjectNpmrc: context.trusted,
    cacheDir: context.cacheDir,
    offline: settings.offline,
    concurrency: settings.concurrency,
    logger: context.logger,
    workerScript: context.workerScript,
    // VS Code wraps every agent with its own proxy support (http.proxySupport), and npm's agents hang
    // under it: use Node's core agents and let VS Code's proxy settings apply, as for any extension.
    httpAgent: 'node',
  };
}
