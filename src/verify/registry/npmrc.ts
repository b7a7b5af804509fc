/**
 * Reads npm's configuration the way npm (@npmcli/config) does, for the keys a registry client needs:
 *
 *   precedence (highest first): npm_config_* environment, project .npmrc, user .npmrc, global npmrc.
 *
 * - project: the `.npmrc` of the "local prefix": the nearest folder at or above `npmrcDir` that holds a
 *   package.json or node_modules, or the workspace root above it when that root's `workspaces` list it
 *   (npm ignores a workspace's own .npmrc). Skipped when `useProjectNpmrc` is false (untrusted folders)
 *   or when it is the user config file.
 * - user: `userconfig` (env, then project), default `~/.npmrc`.
 * - global: `globalconfig` (env, project, user), default `<prefix>/etc/npmrc`.
 * - `${VAR}` in keys and values is replaced from the environment (`${VAR?}`: empty when unset;
 *   an unset `${VAR}` stays as written, as npm leaves it).
 *
 * npm's own "builtin" npmrc (inside the npm installation) is not read: its location depends on which
 * npm is installed and this code never runs npm.
 *
 * Auth is only ever taken from registry-scoped ("nerf-darted") keys such as `//host/path/:_authToken`;
 * unscoped `_authToken`, `_auth`, `username`, `_password` are ignored with a warning, as npm 9+ refuses them.
 */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { FILE_LIMITS, isUnsafeFileError, readRegularTextFileSync } from '../fs/safeRead';
import * as ini from 'ini';

export const DEFAULT_REGISTRY = 'https://registry.npmjs.org/';

export type ConfigWhere = 'global' | 'user' | 'project' | 'env';

export interface NpmConfigOptions {
  /** Folder whose project .npmrc applies (see above). Default process.cwd(). */
  npmrcDir?: string;
  /** When false the project .npmrc is ignored. Default true. */
  useProjectNpmrc?: boolean;
  /** Environment for npm_config_*, ${VAR} expansion, HOME, PREFIX. Default process.env. */
  env?: Record<string, string | undefined>;
  /** Home folder for ~/.npmrc and `~/` paths. Default env.HOME, then os.homedir(). */
  home?: string;
  /** For the default global prefix. Default process.execPath / process.platform. */
  execPath?: string;
  platform?: NodeJS.Platform;
}

export interface ConfigFileInfo {
  where: Exclude<ConfigWhere, 'env'>;
  path: string;
  /** False when the file does not exist or could not be read. */
  loaded: boolean;
  error?: string;
}

export interface NpmConfig {
  /** Default registry, normalized to end with '/'. */
  registry: string;
  /** '@scope' → registry URL (normalized to end with '/'). */
  scopedRegistries: Record<string, string>;
  /**
   * The flat options npm hands to npm-registry-fetch for auth: `registry`, `@scope:registry` and every
   * `//host/path/:key` entry (`_authToken`, `_auth`, `username`, `_password`, `certfile`, `keyfile`).
   * Holds secrets: never log it.
   */
  authOptions: Record<string, string>;
  /** `https-proxy` (wins, as in npm-registry-fetch) or `proxy`. */
  proxy?: string;
  /** `noproxy`, comma-separated. */
  noProxy?: string;
  /** Certificates from `cafile` (wins) or `ca`. Undefined: Node's default CAs. */
  ca?: string[];
  strictSSL: boolean;
  /** Config files considered, lowest precedence first. */
  files: ConfigFileInfo[];
  /** The local prefix the project .npmrc was looked up in (undefined when project config is off). */
  projectDir?: string;
  /** Problems found (unreadable cafile, unscoped auth, invalid registry URL...). Never contains secrets. */
  warnings: string[];
}

type RawValue = string | string[];
type RawConfig = Map<string, RawValue>;

// ---------------------------------------------------------------------------------------------
// INI: npm's own reader (the `ini` package, the major version npm 11 uses).

/**
 * Parses npmrc text into key → value with `ini`, as npm does. Values are strings (ini's `true`,
 * `false` and `null` become 'true', 'false', 'null'); `key[] = v` lines make arrays. Keys inside
 * [sections] are dropped (npm does not use them).
 */
export function parseNpmrc(text: string): Map<string, RawValue> {
  const out = new Map<string, RawValue>();
  for (const [key, value] of Object.entries(decodeIni(text))) {
    if (Array.isArray(value)) out.set(key, value.filter(isScalar).map(String));
    else if (isScalar(value)) out.set(key, String(value));
  }
  return out;
}

/**
 * `ini.decode`, which assigns a section's keys onto whatever the section's name already holds. A
 * section named like an earlier key (`registry=…` then `[registry]`) is a string there: npm (sloppy
 * mode) silently drops the section's keys, but this bundle is strict mode and the assignment throws.
 * Then decode only the lines before the first section, which is what npm keeps of such a file.
 */
export function decodeIni(text: string): Record<string, unknown> {
  try {
    return ini.decode(text);
  } catch {
    const lines = text.split(/[\r\n]+/);
    const firstSection = lines.findIndex((line) => /^\[([^\]]*)\]\s*$/.test(line));
    return ini.decode(lines.slice(0, firstSection === -1 ? lines.length : firstSection).join('\n'));
  }
}

function isScalar(value: unknown): value is string | boolean | null {
  return value === null || typeof value === 'string' || typeof value === 'boolean';
}

// ---------------------------------------------------------------------------------------------

/** npm's ${VAR} replacement: `${VAR?}` is empty when unset, an unset `${VAR}` stays, `\${VAR}` is literal. */
export function envReplace(value: string, env: Record<string, string | undefined>): string {
  return value.replace(/(?<!\\)(\\*)\$\{([^${}?]+)(\?)?\}/g, (orig: string, esc: string, name: string, modifier?: string) => {
    const fallback = modifier === '?' ? '' : `\${${name}}`;
    const envValue = env[name];
    const val = envValue !== undefined ? envValue : fallback;
    if (esc.length % 2) return orig.slice((esc.length + 1) / 2);
    return esc.slice(esc.length / 2) + val;
  });
}

/** The "nerf dart" npm keys registry auth by: `//host[:port]/path/`. */
export function nerfDart(url: string): string {
  const parsed = new URL(url);
  const pathname = parsed.pathname.endsWith('/') ? parsed.pathname : `${parsed.pathname.replace(/\/[^/]*$/, '')}/`;
  return `//${parsed.host}${pathname}`;
}

/** Normalizes a registry URL (http/https only) to end with '/'; undefined when it is not one. */
export function normalizeRegistryUrl(value: string): string | undefined {
  let parsed: URL;
  try {
    parsed = new URL(value.trim());
  } catch {
    return undefined;
  }
  if (parsed.protocol !== 'http:' && parsed.protocol !== 'https:') return undefined;
  parsed.hash = '';
  parsed.search = '';
  const s = parsed.toString();
  return s.endsWith('/') ? s : `${s}/`;
}

function envToConfig(env: Record<string, string | undefined>): RawConfig {
  const conf: RawConfig = new Map();
  for (const [envKey, envVal] of Object.entries(env)) {
    if (!/^npm_config_/i.test(envKey) || envVal === undefined || envVal === '') continue;
    let key = envKey.slice('npm_config_'.length);
    if (!key.startsWith('//')) key = key.replace(/(?!^)_/g, '-').toLowerCase();
    conf.set(key, envVal);
  }
  return conf;
}

function readConfigFile(file: string, where: ConfigFileInfo['where'], files: ConfigFileInfo[]): RawConfig {
  try {
    const parsed = parseNpmrc(readRegularTextFileSync(file, { maxBytes: 1024 * 1024, what: '.npmrc' }));
    files.push({ where, path: file, loaded: true });
    return parsed;
  } catch (err) {
    // not a regular file (a folder, a FIFO): as if absent; too large: ignored, and said so
    const error = isUnsafeFileError(err)
      ? err.reason === 'too-large'
        ? 'larger than 1 MB, ignored'
        : undefined
      : (err as NodeJS.ErrnoException).code;
    files.push({ where, path: file, loaded: false, ...(error && error !== 'ENOENT' ? { error } : {}) });
    return new Map();
  }
}

function expandPath(value: string, home: string, baseDir: string, platform: NodeJS.Platform): string {
  const homePattern = platform === 'win32' ? /^~(\/|\\)/ : /^~\//;
  if (homePattern.test(value)) return path.resolve(home, value.slice(2));
  return path.resolve(baseDir, value);
}

function fileExists(p: string): boolean {
  try {
    return fs.statSync(p).isFile();
  } catch {
    return false;
  }
}

function dirExists(p: string): boolean {
  try {
    return fs.statSync(p).isDirectory();
  } catch {
    return false;
  }
}

function globToRegExp(pattern: string): RegExp {
  let re = '';
  for (let i = 0; i < pattern.length; i++) {
    const c = pattern[i]!;
    if (c === '*') {
      if (pattern[i + 1] === '*') {
        re += '.*';
        i++;
        if (pattern[i + 1] === '/') i++;
      } else {
        re += '[^/]*';
      }
    } else if (c === '?') {
      re += '[^/]';
    } else {
      re += c.replace(/[.+^${}()|[\]\\]/g, '\\$&');
    }
  }
  return new RegExp(`^${re}$`);
}

function workspacePatterns(pkgFile: string): string[] | undefined {
  try {
    const text = readRegularTextFileSync(pkgFile, { maxBytes: FILE_LIMITS.manifest, what: 'package.json' });
    if (text.length > 5 * 1024 * 1024) return undefined;
    const pkg = JSON.parse(text) as { workspaces?: unknown };
    const ws = pkg.workspaces;
    const list = Array.isArray(ws)
      ? ws
      : ws && typeof ws === 'object' && Array.isArray((ws as { packages?: unknown }).packages)
        ? (ws as { packages: unknown[] }).packages
        : undefined;
    return list?.filter((p): p is string => typeof p === 'string');
  } catch {
    return undefined;
  }
}

function isWorkspaceOf(root: string, member: string): boolean {
  const patterns = workspacePatterns(path.join(root, 'package.json'));
  if (!patterns?.length) return false;
  const rel = path.relative(root, member).split(path.sep).join('/');
  if (!rel || rel.startsWith('..')) return false;
  let matched = false;
  for (const raw of patterns) {
    const negated = raw.startsWith('!');
    const pattern = (negated ? raw.slice(1) : raw).replace(/^\.\//, '').replace(/\/+$/, '');
    if (!pattern) continue;
    if (globToRegExp(pattern).test(rel)) matched = !negated;
  }
  return matched;
}

/** npm's local prefix: nearest folder with package.json or node_modules, lifted to a workspace root. */
export function findLocalPrefix(startDir: string): string {
  let localPrefix: string | undefined;
  let dir = path.resolve(startDir);
  for (;;) {
    const hasPackageJson = fileExists(path.join(dir, 'package.json'));
    if (!localPrefix) {
      if (hasPackageJson || dirExists(path.join(dir, 'node_modules'))) localPrefix = dir;
    } else if (hasPackageJson && isWorkspaceOf(dir, localPrefix)) {
      return dir;
    }
    const parent = path.dirname(dir);
    if (parent === dir) break;
    dir = parent;
  }
  return localPrefix ?? path.resolve(startDir);
}

function lastString(value: RawValue | undefined): string | undefined {
  if (value === undefined) return undefined;
  return Array.isArray(value) ? value[value.length - 1] : value;
}

const UNSCOPED_AUTH_KEYS = ['_auth', '_authToken', '_authtoken', '-authtoken', 'username', '_password'];

/** Where a load looks and how it expands paths (loadNpmConfig's options with their defaults applied). */
interface LoadContext {
  env: Record<string, string | undefined>;
  platform: NodeJS.Platform;
  execPath: string;
  home: string;
  npmrcDir: string;
  useProject: boolean;
}

/** The configuration layers, lowest precedence first, and the files read for them. */
interface ConfigLayers {
  layers: [ConfigWhere, RawConfig][];
  files: ConfigFileInfo[];
  projectDir?: string;
}

/**
 * Reads the layers as npm finds them: the environment (`npm_config_*`), the project's `.npmrc` (at npm's
 * local prefix, unless it is the user config), the user config (`userconfig` or `~/.npmrc`) and the global
 * config (`globalconfig` or `<prefix>/etc/npmrc`), each with `${VAR}` expanded.
 */
function readLayers(c: LoadContext): ConfigLayers {
  const files: ConfigFileInfo[] = [];
  const expand = (p: string): string => expandPath(p, c.home, c.npmrcDir, c.platform);
  const expandLayer = (raw: RawConfig): RawConfig => {
    const out: RawConfig = new Map();
    for (const [k, v] of raw) {
      const key = envReplace(k, c.env);
      out.set(key, Array.isArray(v) ? v.map((x) => envReplace(x, c.env)) : envReplace(v, c.env));
    }
    return out;
  };

  const envLayer = expandLayer(envToConfig(c.env));

  let projectDir: string | undefined;
  let projectLayer: RawConfig = new Map();
  const defaultUserconfig = path.join(c.home, '.npmrc');
  const envUserconfig = lastString(envLayer.get('userconfig'));
  if (c.useProject) {
    projectDir = findLocalPrefix(c.npmrcDir);
    const projectFile = path.join(projectDir, '.npmrc');
    const userconfigSoFar = envUserconfig ? expand(envUserconfig) : defaultUserconfig;
    if (path.resolve(projectFile) !== path.resolve(userconfigSoFar)) {
      projectLayer = expandLayer(readConfigFile(projectFile, 'project', files));
    }
  }

  const userconfigRaw = envUserconfig ?? lastString(projectLayer.get('userconfig'));
  const userconfig = userconfigRaw ? expand(userconfigRaw) : defaultUserconfig;
  const userLayer = expandLayer(readConfigFile(userconfig, 'user', files));

  const firstOf = (key: string): string | undefined =>
    lastString(envLayer.get(key)) ?? lastString(projectLayer.get(key)) ?? lastString(userLayer.get(key));
  const prefixRaw = firstOf('prefix');
  let globalPrefix: string;
  if (prefixRaw) globalPrefix = expand(prefixRaw);
  else if (c.env.PREFIX) globalPrefix = c.env.PREFIX;
  else if (c.platform === 'win32') globalPrefix = path.dirname(c.execPath);
  else globalPrefix = path.join(c.env.DESTDIR ?? '', path.dirname(path.dirname(c.execPath)));
  const globalconfigRaw = firstOf('globalconfig');
  const globalconfig = globalconfigRaw ? expand(globalconfigRaw) : path.join(globalPrefix, 'etc', 'npmrc');
  const globalLayer = expandLayer(readConfigFile(globalconfig, 'global', files));
  // keep files lowest precedence first
  files.sort((a, b) => ['global', 'user', 'project'].indexOf(a.where) - ['global', 'user', 'project'].indexOf(b.where));

  const layers: [ConfigWhere, RawConfig][] = [
    ['global', globalLayer],
    ['user', userLayer],
    ['project', projectLayer],
    ['env', envLayer],
  ];
  return { layers, files, ...(projectDir ? { projectDir } : {}) };
}

/** Merges the layers (a later one wins per key), remembering where each key came from; warns of unscoped auth in files. */
function mergeLayers(
  layers: readonly [ConfigWhere, RawConfig][],
  warnings: string[],
): { merged: RawConfig; whereOf: Map<string, ConfigWhere> } {
  const merged: RawConfig = new Map();
  const whereOf = new Map<string, ConfigWhere>();
  for (const [where, layer] of layers) {
    for (const [k, v] of layer) {
      merged.set(k, v);
      whereOf.set(k, where);
    }
    if (where !== 'env') {
      for (const key of UNSCOPED_AUTH_KEYS) {
        if (layer.has(key))
          warnings.push(
            `ignoring unscoped "${key}" in the ${where} config: npm only accepts auth scoped to a registry (//host/:${key.replace(/^-/, '_')})`,
          );
      }
    }
  }
  return { merged, whereOf };
}

/** The registry, the scoped registries, and the options npm-registry-fetch reads auth from (`//host/:key` entries). */
function registriesAndAuth(
  merged: RawConfig,
  whereOf: ReadonlyMap<string, ConfigWhere>,
  warnings: string[],
): Pick<NpmConfig, 'registry' | 'scopedRegistries' | 'authOptions'> {
  let registry = DEFAULT_REGISTRY;
  const registryRaw = lastString(merged.get('registry'));
  if (registryRaw) {
    const normalized = normalizeRegistryUrl(registryRaw);
    if (normalized) registry = normalized;
    else warnings.push(`ignoring invalid registry URL in the ${whereOf.get('registry')} config`);
  }

  const scopedRegistries: Record<string, string> = {};
  const authOptions: Record<string, string> = {};
  for (const [key, value] of merged) {
    const scoped = /^(@[^:/]+):registry$/i.exec(key);
    if (scoped) {
      const normalized = normalizeRegistryUrl(lastString(value) ?? '');
      if (normalized) {
        scopedRegistries[scoped[1]!] = normalized;
        authOptions[`${scoped[1]}:registry`] = normalized;
      } else {
        warnings.push(`ignoring invalid registry URL for ${scoped[1]} in the ${whereOf.get(key)} config`);
      }
    } else if (key.startsWith('//')) {
      const v = lastString(value);
      if (v !== undefined) authOptions[key] = v;
    }
  }
  authOptions.registry = registry;
  return { registry, scopedRegistries, authOptions };
}

/** Extra CA certificates: from `cafile` (which wins), else from `ca`; undefined means the default CAs. */
function certificateAuthorities(merged: RawConfig, c: LoadContext, warnings: string[]): string[] | undefined {
  const cafile = lastString(merged.get('cafile'));
  if (!cafile) {
    const caRaw = merged.get('ca');
    if (caRaw === undefined) return undefined;
    const list = ([] as string[])
      .concat(caRaw)
      .flatMap((x) => x.split('\n\n'))
      .map((x) => x.replace(/\\n/g, '\n').trim())
      .filter((x) => x && x !== 'null');
    return list.length ? list : undefined;
  }
  const file = expandPath(cafile, c.home, c.npmrcDir, c.platform);
  try {
    const raw = readRegularTextFileSync(file, { maxBytes: FILE_LIMITS.npmrc, what: 'cafile' });
    const delim = '-----END CERTIFICATE-----';
    const ca = raw
      .replace(/\r\n/g, '\n')
      .split(delim)
      .filter((section) => section.trim())
      .map((section) => section.trimStart() + delim);
    if (ca.length) return ca;
    warnings.push(`cafile ${file} holds no certificate; using the default CAs`);
  } catch (err) {
    warnings.push(`cannot read cafile ${file} (${(err as NodeJS.ErrnoException).code ?? (err as Error).message}); using the default CAs`);
  }
  return undefined;
}

/** Loads and merges npm configuration. Never throws for config problems: see `warnings`. */
export function loadNpmConfig(options: NpmConfigOptions = {}): NpmConfig {
  const env = options.env ?? process.env;
  const context: LoadContext = {
    env,
    platform: options.platform ?? process.platform,
    execPath: options.execPath ?? process.execPath,
    home: options.home ?? env.HOME ?? os.homedir(),
    npmrcDir: path.resolve(options.npmrcDir ?? process.cwd()),
    useProject: options.useProjectNpmrc !== false,
  };
  const warnings: string[] = [];
  const { layers, files, projectDir } = readLayers(context);
  const { merged, whereOf } = mergeLayers(layers, warnings);
  const get = (key: string): string | undefined => lastString(merged.get(key));

  const { registry, scopedRegistries, authOptions } = registriesAndAuth(merged, whereOf, warnings);

  const proxy = get('https-proxy') || get('proxy') || undefined;
  const noproxyRaw = merged.get('noproxy');
  const noProxy = noproxyRaw === undefined ? undefined : ([] as string[]).concat(noproxyRaw).join(',') || undefined;

  const ca = certificateAuthorities(merged, context, warnings);

  const strictRaw = get('strict-ssl');
  const strictSSL = !(strictRaw !== undefined && /^(false|0|no)$/i.test(strictRaw.trim()));

  return {
    registry,
    scopedRegistries,
    authOptions,
    ...(proxy ? { proxy } : {}),
    ...(noProxy ? { noProxy } : {}),
    ...(ca ? { ca } : {}),
    strictSSL,
    files,
    ...(projectDir ? { projectDir } : {}),
    warnings,
  };
}
