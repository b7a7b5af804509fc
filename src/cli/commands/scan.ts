/**
 * `provenance-lens scan [dir]`: a project's dependencies (lockfile or direct), or with `--diff <ref>` only
 * the packages whose version changed in the lockfile since a git ref, each with its trust change.
 */
import * as path from 'node:path';
import { diffLockfiles, levelOf, type LockfileChange } from '../../verify/history';
import {
  findLockfile,
  findWorkspacePackages,
  lockfileKindOf,
  parseLockfile,
  readLockfile,
  LockfileError,
  type ParsedLockfile,
} from '../../verify/resolve/lockfile';
import { scanProject, ScanSetupError, type ScanMode } from '../../verify/scan';
import { spanToRegion } from '../../verify/report';
import type { VerifyRequest } from '../../verify/api';
import type { CliItem, RunContext } from '../context';
import { fileAtRef, GitError } from '../git';
import { lockfileLine } from '../lockfile-lines';
import { FILE_LIMITS, readRegularTextFile } from '../../verify/fs/safeRead';
import { assessAll } from './trust';

export interface ScanOutcome {
  items: CliItem[];
  problems: string[];
  /** The line printed before human output. */
  header: string;
}

export async function runScan(ctx: RunContext): Promise<ScanOutcome> {
  const dir = path.resolve(ctx.io.cwd, ctx.options.args[0] ?? '.');
  if (ctx.options.diff !== undefined) return runDiff(ctx, dir, ctx.options.diff);
  const mode: ScanMode = ctx.options.lockfile ? 'lockfile' : ctx.options.direct ? 'direct' : 'auto';
  const scan = await scanProject(ctx.engine, dir, { mode, onProgress: ctx.progress });
  const rel = ctx.rel;
  const items: CliItem[] = scan.entries.map((e) => ({
    verdict: e.verdict,
    file: e.dependency ? rel(scan.manifestPath) : scan.lockfile ? rel(scan.lockfile.path) : rel(scan.manifestPath),
    region: e.dependency ? spanToRegion(scan.manifestText, e.dependency.specSpan) : undefined,
  }));
  const wantLines = ctx.options.format === 'github' || ctx.options.format === 'sarif';
  if (wantLines && scan.lockfile && !items.every((i) => i.region)) {
    // Lockfile entries: point at their line in the lockfile (annotations, SARIF).
    const text = await readRegularTextFile(scan.lockfile.path, { maxBytes: FILE_LIMITS.lockfile, what: 'lockfile' }).catch(() => undefined);
    if (text !== undefined) {
      for (const item of items) {
        if (item.region) continue;
        const line = lockfileLine(text, { name: item.verdict.name, version: item.verdict.version, location: item.verdict.location });
        item.region = { startLine: line, startColumn: 1, endLine: line, endColumn: 1 };
      }
    }
  }
  await assessAll(ctx, items);
  const header = `Scanning ${rel(scan.manifestPath)}${scan.lockfile ? ` with ${rel(scan.lockfile.path)}` : ''} (${scan.mode === 'lockfile' ? 'every locked package' : 'direct dependencies'})`;
  return { items, problems: scan.problems, header };
}

type FoundLockfile = NonNullable<Awaited<ReturnType<typeof findLockfile>>>;

/** The project's lockfile now: where it is, parsed, and its text (for line numbers). */
async function readCurrentLockfile(dir: string): Promise<{ found: FoundLockfile; after: ParsedLockfile; afterText: string }> {
  const found = await findLockfile(dir);
  if (!found)
    throw new ScanSetupError(
      `--diff needs a lockfile for ${dir} (package-lock.json, npm-shrinkwrap.json, pnpm-lock.yaml, yarn.lock or bun.lock); none was found.`,
    );
  let after: ParsedLockfile;
  let afterText: string;
  try {
    after = await readLockfile(found.path);
    afterText = await readRegularTextFile(found.path, { maxBytes: FILE_LIMITS.lockfile, what: 'lockfile' });
  } catch (err) {
    throw new ScanSetupError((err as Error).message);
  }
  return { found, after, afterText };
}

/** The lockfile's text at `ref`, or undefined when it did not exist there. */
async function lockfileTextAtRef(found: FoundLockfile, ref: string): Promise<string | undefined> {
  try {
    return await fileAtRef(found.path, ref);
  } catch (err) {
    if (err instanceof GitError) throw new ScanSetupError(`--diff ${ref}: ${err.message}`);
    throw err;
  }
}

/** The lockfile as it was at `ref` (undefined, with a problem noted, when it did not exist there). */
async function readLockfileAtRef(
  ctx: RunContext,
  found: FoundLockfile,
  ref: string,
  beforeText: string | undefined,
  problems: string[],
): Promise<ParsedLockfile | undefined> {
  if (beforeText === undefined) {
    problems.push(`${ctx.rel(found.path)} did not exist at ${ref}: every locked package counts as added.`);
    return undefined;
  }
  const kind = lockfileKindOf(found.path, beforeText) ?? found.kind;
  try {
    const workspacePackages = kind === 'yarn-classic' ? await findWorkspacePackages(path.dirname(found.path)) : undefined;
    return parseLockfile(kind, beforeText, `${ref}:${path.basename(found.path)}`, { workspacePackages });
  } catch (err) {
    if (!(err instanceof LockfileError)) throw err;
    throw new ScanSetupError(`--diff ${ref}: the lockfile at that ref cannot be read: ${err.message}`);
  }
}

function toRequest(p: LockfileChange['to']): VerifyRequest {
  return {
    name: p.name,
    version: p.version,
    ...(p.integrity ? { integrity: p.integrity } : {}),
    ...(p.resolved ? { resolved: p.resolved } : {}),
    ...(p.location ? { location: p.location } : {}),
    resolvedFrom: 'lockfile',
  };
}

type Verdicts = Awaited<ReturnType<RunContext['engine']['verifyAll']>>;

/** One CLI item per change, at its line in the current lockfile, with the old version's status. */
function diffItems(
  changes: LockfileChange[],
  verdicts: Verdicts,
  previousByIndex: Map<number, Verdicts[number]>,
  file: string,
  afterText: string,
): CliItem[] {
  return changes.map((c, i) => {
    const line = lockfileLine(afterText, c.to);
    const prev = previousByIndex.get(i);
    return {
      verdict: verdicts[i]!,
      file,
      region: { startLine: line, startColumn: 1, endLine: line, endColumn: 1 },
      change: {
        kind: c.kind,
        ...(c.from ? { from: { version: c.from.version, ...(prev ? { status: prev.status } : {}) } } : {}),
      },
    };
  });
}

/** The old version's level, from the history the assessment read (no second packument fetch). */
async function levelPreviousVersions(ctx: RunContext, items: CliItem[], previousByIndex: Map<number, Verdicts[number]>): Promise<void> {
  if (!ctx.trust) return;
  await Promise.all(
    items.map(async (item, i) => {
      const prev = previousByIndex.get(i);
      if (!prev || !item.change?.from) return;
      let claims;
      try {
        claims = item.verdict.trust?.history
          ? (await ctx.trust!.service.history(prev.name, prev.attestationRegistry ?? prev.registry)).byVersion.get(prev.version)
          : undefined;
      } catch {
        claims = undefined;
      }
      item.change.from.level = levelOf(prev, claims);
    }),
  );
}

async function runDiff(ctx: RunContext, dir: string, ref: string): Promise<ScanOutcome> {
  const { found, after, afterText } = await readCurrentLockfile(dir);
  const beforeText = await lockfileTextAtRef(found, ref);
  const problems: string[] = [...after.notes];
  const before = await readLockfileAtRef(ctx, found, ref, beforeText, problems);
  const changes = diffLockfiles(before, after);
  const verdicts = await ctx.engine.verifyAll(
    changes.map((c) => toRequest(c.to)),
    { onProgress: ctx.progress },
  );
  const withFrom = changes.map((c, i) => ({ c, i })).filter((x) => x.c.from);
  const previous = await ctx.engine.verifyAll(withFrom.map((x) => toRequest(x.c.from!)));
  const previousByIndex = new Map(withFrom.map((x, k) => [x.i, previous[k]!]));
  const file = ctx.rel(found.path);
  const items = diffItems(changes, verdicts, previousByIndex, file, afterText);
  await assessAll(ctx, items);
  await levelPreviousVersions(ctx, items, previousByIndex);
  const header = `Changes to ${file} since ${ref}: ${changes.length} package version${changes.length === 1 ? '' : 's'} added or updated`;
  return { items, problems, header };
}
