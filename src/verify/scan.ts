/**
 * Scanning a project folder: its package.json and the lockfile beside it (or above it, for
 * workspace members), in direct mode (the manifest's own dependencies) or lockfile mode
 * (every package the lockfile installs). Shared by the CLI and the editor's workspace scan.
 */
import { FILE_LIMITS, readRegularTextFile } from './fs/safeRead';
import * as path from 'node:path';
import type { RunOptions, VerifyRequest } from './api';
import type { ProvenanceEngine } from './engine';
import { lockfileRequests } from './resolve/resolve';
import type { Lockfile, ManifestDependency, ResolvedDependency, Verdict } from './types';

export type ScanMode = 'direct' | 'lockfile' | 'auto';

export interface ScanEntry {
  verdict: Verdict;
  /** The manifest entry, for direct dependencies (gives the spans to point at). */
  dependency?: ManifestDependency;
}

export interface ProjectScan {
  manifestPath: string;
  manifestText: string;
  lockfile?: { path: string; kind: Lockfile['kind'] };
  mode: 'direct' | 'lockfile';
  entries: ScanEntry[];
  /** Problems with the input (malformed package.json, unreadable lockfile) — reported, never fatal. */
  problems: string[];
}

export class ScanSetupError extends Error {}

/** Scan one project folder (or a package.json path). Throws ScanSetupError when there is no package.json. */
export async function scanProject(
  engine: ProvenanceEngine,
  target: string,
  options: RunOptions & { mode?: ScanMode; ignore?: string[] } = {},
): Promise<ProjectScan> {
  const manifestPath = target.endsWith('package.json') ? path.resolve(target) : path.resolve(target, 'package.json');
  engine.prefetch();
  const manifestText = await readManifestText(manifestPath);
  const problems: string[] = [];
  const mode = options.mode ?? 'auto';
  const { manifest, lockfile, resolved, notes } = await engine.resolveManifest(manifestPath, manifestText, { signal: options.signal });
  for (const p of manifest.problems) problems.push(`${path.basename(manifestPath)}: ${p.message}`);
  problems.push(...notes);
  for (const r of resolved) if (r.note) problems.push(r.note);
  const ignore = new Set(options.ignore ?? []);

  const useLockfile = mode === 'lockfile' || (mode === 'auto' && lockfile !== undefined);
  if (mode === 'lockfile' && !lockfile) {
    throw new ScanSetupError(
      `--lockfile needs a lockfile beside ${manifestPath} (package-lock.json, npm-shrinkwrap.json, pnpm-lock.yaml, yarn.lock or bun.lock); none was found or it could not be read.`,
    );
  }

  if (useLockfile && lockfile) {
    const entries = await scanLockfileEntries(engine, lockfile, ignore, options);
    return { manifestPath, manifestText, lockfile: { path: lockfile.path, kind: lockfile.kind }, mode: 'lockfile', entries, problems };
  }

  const { entries, toVerify } = sortDirectDependencies(resolved, ignore);
  const verdicts = await engine.verifyAll(
    toVerify.map((t) => t.request),
    options,
  );
  verdicts.forEach((verdict, i) => {
    const { index } = toVerify[i];
    entries[index] = { verdict, dependency: resolved[index].dependency };
  });
  return {
    manifestPath,
    manifestText,
    lockfile: lockfile ? { path: lockfile.path, kind: lockfile.kind } : undefined,
    mode: 'direct',
    entries,
    problems,
  };
}

async function readManifestText(manifestPath: string): Promise<string> {
  try {
    return await readRegularTextFile(manifestPath, { maxBytes: FILE_LIMITS.manifest, what: 'package.json' });
  } catch (err) {
    throw new ScanSetupError(
      `No package.json to scan at ${manifestPath}: ${(err as NodeJS.ErrnoException).code ?? (err as Error).message}`,
    );
  }
}

/** Lockfile mode: verify every package the lockfile installs (minus the ignore list), then its not-applicable ones. */
async function scanLockfileEntries(
  engine: ProvenanceEngine,
  lockfile: Lockfile,
  ignore: Set<string>,
  options: RunOptions,
): Promise<ScanEntry[]> {
  const { requests, notApplicable } = lockfileRequests(lockfile);
  const wanted: VerifyRequest[] = requests
    .filter((r) => !ignore.has(r.name))
    .map((r) => ({
      name: r.name,
      version: r.version,
      integrity: r.integrity,
      resolved: r.resolved,
      location: r.location,
      resolvedFrom: 'lockfile' as const,
    }));
  const verdicts = await engine.verifyAll(wanted, options);
  const entries: ScanEntry[] = verdicts.map((verdict) => ({ verdict }));
  for (const v of notApplicable) entries.push({ verdict: v });
  return entries;
}

/**
 * Direct mode: entries already decided (resolver verdicts, ignored, unresolved) are filled in; the others are
 * returned as requests to verify, with the index of the entry their verdict goes to.
 */
function sortDirectDependencies(
  resolved: ResolvedDependency[],
  ignore: Set<string>,
): { entries: ScanEntry[]; toVerify: { index: number; request: VerifyRequest }[] } {
  const entries: ScanEntry[] = new Array(resolved.length);
  const toVerify: { index: number; request: VerifyRequest }[] = [];
  resolved.forEach((r, index) => {
    if (r.verdict) entries[index] = { verdict: r.verdict, dependency: r.dependency };
    else if (r.dependency && ignore.has(r.dependency.name)) {
      entries[index] = {
        dependency: r.dependency,
        verdict: {
          name: r.name,
          version: r.version ?? r.dependency.spec,
          status: 'not-applicable',
          reason: { code: 'ignored', message: `${r.name} is on the ignore list.` },
        },
      };
    } else if (r.version) {
      toVerify.push({
        index,
        request: {
          name: r.name,
          version: r.version,
          integrity: r.integrity,
          resolved: r.resolved,
          location: r.location,
          resolvedFrom: r.resolvedFrom,
        },
      });
    } else {
      entries[index] = {
        dependency: r.dependency,
        verdict: {
          name: r.name,
          version: r.dependency?.spec ?? '',
          status: 'unavailable',
          reason: { code: 'unresolved', message: `${r.name} could not be resolved to a version.` },
        },
      };
    }
  });
  return { entries, toVerify };
}
