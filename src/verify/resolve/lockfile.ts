/**
 * Finding and reading the lockfile of a project.
 *
 * `findLockfile(dir)` looks in the folder of a package.json and, when the package is a workspace member, walks up to
 * the workspace root whose lockfile covers it (npm/yarn/bun `workspaces` in the root package.json, pnpm
 * `pnpm-workspace.yaml` `packages`). `readLockfile(path)` / `parseLockfile(kind, text, path)` read any supported
 * format into the shared `Lockfile` shape.
 */
import { promises as fs } from 'node:fs';
import * as path from 'node:path';
import YAML from 'yaml';
import { parse as parseJsonc } from 'jsonc-parser';
import type { LockfileKind } from '../types';
import { LockfileError, matchesWorkspaceGlobs, runSliced, type ParsedLockfile } from './lockfiles/common';
import { parseBunLockfile } from './lockfiles/bun';
import { npmLockfileSteps, parseNpmLockfile } from './lockfiles/npm';
import { parsePnpmLockfile } from './lockfiles/pnpm';
import { parseYarnBerryLockfile } from './lockfiles/yarn-berry';
import { parseYarnClassicLockfile, type WorkspacePackage } from './lockfiles/yarn-classic';
import { FILE_LIMITS, readRegularTextFile } from '../fs/safeRead';
import { isRecord } from '../util/guards';

export { LockfileError, type ParsedLockfile } from './lockfiles/common';
export type { WorkspacePackage } from './lockfiles/yarn-classic';

export interface FoundLockfile {
  path: string;
  kind: LockfileKind;
  /** The package's folder relative to the lockfile's folder, '/'-separated ('' when the lockfile is beside the package.json). */
  importerPath: string;
  /** Set when the choice needs explaining: several lockfiles side by side, or the binary bun.lockb. */
  note?: string;
}

/** Lockfile names in the order they are preferred when several sit in one folder (npm's own rule first: shrinkwrap wins). */
const CANDIDATES: { file: string; kind: LockfileKind; manager: string }[] = [
  { file: 'npm-shrinkwrap.json', kind: 'npm-shrinkwrap', manager: 'npm' },
  { file: 'package-lock.json', kind: 'package-lock', manager: 'npm' },
  { file: 'pnpm-lock.yaml', kind: 'pnpm', manager: 'pnpm' },
  { file: 'yarn.lock', kind: 'yarn-classic', manager: 'yarn' },
  { file: 'bun.lock', kind: 'bun', manager: 'bun' },
  { file: 'bun.lockb', kind: 'bun', manager: 'bun' },
];

/**
 * The lockfile that pins the dependencies of the package.json in `dir`, or undefined. Never throws.
 *
 * Several lockfiles in one folder: the package manager named by package.json `packageManager` (corepack) wins;
 * otherwise npm-shrinkwrap.json > package-lock.json > pnpm-lock.yaml > yarn.lock > bun.lock > bun.lockb, and `note`
 * says which ones were passed over. A folder without a lockfile that is itself a workspace root (has `workspaces` or a
 * pnpm-workspace.yaml) has none; otherwise parent folders are searched for a workspace root that lists this folder.
 */
export async function findLockfile(dir: string): Promise<FoundLockfile | undefined> {
  try {
    const start = path.resolve(dir);
    const here = await lockfileIn(start);
    if (here) return { ...here, importerPath: '' };
    if (await isWorkspaceRoot(start)) return undefined;
    let current = start;
    for (let guard = 0; guard < 64; guard++) {
      const parent = path.dirname(current);
      if (parent === current) return undefined;
      current = parent;
      const rel = path.relative(current, start).split(path.sep).join('/');
      const found = await lockfileIn(current);
      const member = await isWorkspaceMember(current, rel, found?.kind);
      if (found) return member ? { ...found, importerPath: rel } : undefined;
      if (member) return undefined; // the workspace root has no lockfile yet
      if (await isWorkspaceRoot(current)) return undefined; // a workspace root that does not list this folder
    }
    return undefined;
  } catch {
    return undefined;
  }
}

async function lockfileIn(dir: string): Promise<Omit<FoundLockfile, 'importerPath'> | undefined> {
  const present: (typeof CANDIDATES)[number][] = [];
  for (const c of CANDIDATES) if (await isFile(path.join(dir, c.file))) present.push(c);
  if (present.length === 0) return undefined;
  // bun.lockb is ignored by bun when bun.lock exists.
  const usable = present.some((c) => c.file === 'bun.lock') ? present.filter((c) => c.file !== 'bun.lockb') : present;
  let chosen = usable[0];
  let why = 'the fixed order npm-shrinkwrap.json, package-lock.json, pnpm-lock.yaml, yarn.lock, bun.lock';
  const manager = await packageManagerOf(dir);
  if (manager) {
    const preferred = usable.find((c) => c.manager === manager);
    if (preferred) {
      chosen = preferred;
      why = `"packageManager" in package.json names ${manager}`;
    }
  }
  let kind = chosen.kind;
  const file = path.join(dir, chosen.file);
  if (chosen.file === 'yarn.lock') kind = (await readHead(file)).includes('__metadata:') ? 'yarn-berry' : 'yarn-classic';
  const notes: string[] = [];
  const others = usable.filter((c) => c !== chosen).map((c) => c.file);
  if (others.length > 0) notes.push(`Several lockfiles in ${dir}: using ${chosen.file} (${why}); ignoring ${others.join(', ')}.`);
  if (chosen.file === 'bun.lockb')
    notes.push("bun.lockb is Bun's binary lockfile, which cannot be read; run `bun install --save-text-lockfile` to write bun.lock.");
  return { path: file, kind, note: notes.length > 0 ? notes.join(' ') : undefined };
}

async function isFile(p: string): Promise<boolean> {
  try {
    return (await fs.stat(p)).isFile();
  } catch {
    return false;
  }
}

async function readHead(p: string, bytes = 4096): Promise<string> {
  let handle: fs.FileHandle | undefined;
  try {
    handle = await fs.open(p, 'r');
    const buffer = Buffer.alloc(bytes);
    const { bytesRead } = await handle.read(buffer, 0, bytes, 0);
    return buffer.subarray(0, bytesRead).toString('utf8');
  } catch {
    return '';
  } finally {
    await handle?.close().catch(() => undefined);
  }
}

async function readPackageJson(dir: string): Promise<Record<string, unknown> | undefined> {
  try {
    const value: unknown = parseJsonc(
      await readRegularTextFile(path.join(dir, 'package.json'), { maxBytes: FILE_LIMITS.manifest, what: 'package.json' }),
      [],
      { allowTrailingComma: true },
    );
    return isRecord(value) ? value : undefined;
  } catch {
    return undefined;
  }
}

async function packageManagerOf(dir: string): Promise<string | undefined> {
  const pkg = await readPackageJson(dir);
  const pm = typeof pkg?.packageManager === 'string' ? pkg.packageManager : undefined;
  const name = pm?.split('@')[0]?.trim();
  return name && ['npm', 'pnpm', 'yarn', 'bun'].includes(name) ? name : undefined;
}

function workspaceGlobs(pkg: Record<string, unknown> | undefined): string[] | undefined {
  const ws = pkg?.workspaces;
  if (Array.isArray(ws)) return ws.filter((w): w is string => typeof w === 'string');
  if (isRecord(ws) && Array.isArray(ws.packages)) return ws.packages.filter((w): w is string => typeof w === 'string');
  return undefined;
}

async function pnpmWorkspace(dir: string): Promise<{ packages: string[] } | undefined> {
  for (const file of ['pnpm-workspace.yaml', 'pnpm-workspace.yml']) {
    let text: string;
    try {
      text = await readRegularTextFile(path.join(dir, file), { maxBytes: FILE_LIMITS.manifest, what: file });
    } catch {
      continue;
    }
    try {
      const doc: unknown = YAML.parse(text);
      const packages = isRecord(doc) && Array.isArray(doc.packages) ? doc.packages.filter((p): p is string => typeof p === 'string') : [];
      return { packages };
    } catch {
      return { packages: [] };
    }
  }
  return undefined;
}

async function isWorkspaceRoot(dir: string): Promise<boolean> {
  if (workspaceGlobs(await readPackageJson(dir)) !== undefined) return true;
  return (await pnpmWorkspace(dir)) !== undefined;
}

async function isWorkspaceMember(root: string, rel: string, kind: LockfileKind | undefined): Promise<boolean> {
  if (rel === '' || rel.startsWith('..')) return false;
  const pnpm = kind === undefined || kind === 'pnpm' ? await pnpmWorkspace(root) : undefined;
  if (pnpm && matchesWorkspaceGlobs(rel, pnpm.packages)) return true;
  if (kind === 'pnpm') return false;
  const globs = workspaceGlobs(await readPackageJson(root));
  return globs !== undefined && matchesWorkspaceGlobs(rel, globs);
}

/** The lockfile kind a file name stands for (yarn.lock needs its content to tell classic from berry). */
export function lockfileKindOf(filePath: string, text?: string): LockfileKind | undefined {
  switch (path.basename(filePath)) {
    case 'package-lock.json':
      return 'package-lock';
    case 'npm-shrinkwrap.json':
      return 'npm-shrinkwrap';
    case 'pnpm-lock.yaml':
    case 'pnpm-lock.yml':
      return 'pnpm';
    case 'yarn.lock':
      return text !== undefined && isYarnBerry(text) ? 'yarn-berry' : 'yarn-classic';
    case 'bun.lock':
      return 'bun';
    default:
      return undefined;
  }
}

function isYarnBerry(text: string): boolean {
  return /^__metadata:/m.test(text);
}

/** Read and parse a lockfile. Throws a LockfileError (message names the file) when it cannot be read or understood. */
export async function readLockfile(filePath: string): Promise<ParsedLockfile> {
  const base = path.basename(filePath);
  if (base === 'bun.lockb') {
    throw new LockfileError(
      filePath,
      "is Bun's binary lockfile, which is not supported. Run `bun install --save-text-lockfile` (Bun 1.1.39+; the default since Bun 1.2) to write bun.lock, then try again.",
    );
  }
  let text: string;
  try {
    text = await readRegularTextFile(filePath, { maxBytes: FILE_LIMITS.lockfile, what: 'lockfile' });
  } catch (err) {
    throw new LockfileError(filePath, `could not be read: ${(err as NodeJS.ErrnoException).code ?? (err as Error).message}`);
  }
  const kind = lockfileKindOf(filePath, text);
  if (!kind) throw new LockfileError(filePath, `is not a lockfile this tool knows (expected ${CANDIDATES.map((c) => c.file).join(', ')}).`);
  const workspacePackages = kind === 'yarn-classic' ? await findWorkspacePackages(path.dirname(filePath)) : undefined;
  if (kind === 'package-lock' || kind === 'npm-shrinkwrap') {
    // The largest lockfiles are npm's: parsed in slices, letting the event loop turn between them.
    try {
      return await runSliced(npmLockfileSteps(kind, text, filePath));
    } catch (err) {
      throw asLockfileError(err, filePath, kind);
    }
  }
  return parseLockfile(kind, text, filePath, { workspacePackages });
}

/**
 * The workspace packages declared by the package.json in `root` (folders matching its `workspaces` globs that have a
 * package.json with a name). Never throws; bounded (no node_modules, no dot folders, at most 5,000 folders).
 */
export async function findWorkspacePackages(root: string): Promise<WorkspacePackage[]> {
  const globs = workspaceGlobs(await readPackageJson(root));
  if (!globs || globs.length === 0) return [];
  const maxDepth = globs.some((g) => g.includes('**'))
    ? 6
    : Math.max(...globs.map((g) => g.replace(/^\.\//, '').split('/').filter(Boolean).length));
  const out: WorkspacePackage[] = [];
  let budget = 5000;
  const walk = async (rel: string, depth: number): Promise<void> => {
    if (depth > maxDepth || budget-- <= 0) return;
    let entries: import('node:fs').Dirent[];
    try {
      entries = await fs.readdir(path.join(root, rel), { withFileTypes: true });
    } catch {
      return;
    }
    for (const e of entries) {
      if (!e.isDirectory() || e.name === 'node_modules' || e.name.startsWith('.')) continue;
      const child = rel ? `${rel}/${e.name}` : e.name;
      if (matchesWorkspaceGlobs(child, globs)) {
        const pkg = await readPackageJson(path.join(root, child));
        if (pkg && typeof pkg.name === 'string' && pkg.name) {
          out.push({ name: pkg.name, version: typeof pkg.version === 'string' ? pkg.version : '0.0.0', path: child });
        }
      }
      await walk(child, depth + 1);
    }
  };
  await walk('', 1);
  return out.sort((a, b) => a.path.localeCompare(b.path));
}

/**
 * Parse lockfile text. For yarn, the content decides between classic and berry whatever `kind` says.
 * Throws a LockfileError naming `filePath` when the text is not a readable lockfile of that kind.
 */
export function parseLockfile(
  kind: LockfileKind,
  text: string,
  filePath: string,
  options: { workspacePackages?: readonly WorkspacePackage[] } = {},
): ParsedLockfile {
  if (typeof text !== 'string') throw new LockfileError(filePath, 'has no text.');
  try {
    switch (kind) {
      case 'package-lock':
      case 'npm-shrinkwrap':
        return parseNpmLockfile(kind, text, filePath);
      case 'pnpm':
        return parsePnpmLockfile(text, filePath);
      case 'yarn-classic':
      case 'yarn-berry':
        return isYarnBerry(text)
          ? parseYarnBerryLockfile(text, filePath)
          : parseYarnClassicLockfile(text, filePath, options.workspacePackages);
      case 'bun':
        return parseBunLockfile(text, filePath);
      default:
        throw new LockfileError(filePath, `has an unknown lockfile kind "${String(kind)}".`);
    }
  } catch (err) {
    throw asLockfileError(err, filePath, kind);
  }
}

/** A reader that tripped over something unexpected: still a clear error about this file, never a crash. */
function asLockfileError(err: unknown, filePath: string, kind: LockfileKind): LockfileError {
  if (err instanceof LockfileError) return err;
  return new LockfileError(filePath, `could not be read as a ${kind} lockfile: ${(err as Error)?.message ?? String(err)}`);
}
