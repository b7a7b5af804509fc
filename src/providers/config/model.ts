/**
 * Settings → engine options, including what Workspace Trust takes away. No `vscode` import.
 */
import type { EngineLogger, EngineOptions } from '../../verify/api';
import type { BadgeStyle } from '../format/badge';
import type { SeveritySetting } from '../diagnostics/types';

export const SECTION = 'provenanceLens';

/** Settings a workspace may only set when it is trusted (they decide what is trusted). */
export const RESTRICTED_SETTINGS = ['registry', 'attestationRegistry', 'trustedRoot', 'npmKeys'] as const;

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
}

export const DEFAULT_ATTESTATION_REGISTRY = 'https://registry.npmjs.org';

function oneOf<T extends string>(value: unknown, allowed: readonly T[], fallback: T): T {
  return typeof value === 'string' && (allowed as readonly string[]).includes(value) ? (value as T) : fallback;
}

function str(value: unknown, fallback = ''): string {
  return typeof value === 'string' ? value.trim() : fallback;
}

/** Normalises raw setting values (anything may be in settings.json). */
export function normaliseSettings(get: (key: string) => unknown): LensSettings {
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
  };
}

/**
 * Engine options for the settings. `resolvePath` turns a relative trustedRoot/npmKeys path into an
 * absolute one (against the workspace folder).
 */
export function engineOptions(
  settings: LensSettings,
  context: { trusted: boolean; cacheDir?: string; logger?: EngineLogger; resolvePath?: (p: string) => string; workerScript?: string },
): EngineOptions {
  const resolve = context.resolvePath ?? ((p: string) => p);
  return {
    registry: settings.registry || undefined,
    attestationRegistry: settings.attestationRegistry,
    trustedRootPath: settings.trustedRoot ? resolve(settings.trustedRoot) : undefined,
    npmKeysPath: settings.npmKeys ? resolve(settings.npmKeys) : undefined,
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
