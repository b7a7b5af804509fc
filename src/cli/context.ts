/** What every command gets: the options, the I/O, the engine and (when asked for) the trust-history service. */
import * as os from 'node:os';
import * as path from 'node:path';
import type { EngineLogger, EngineOptions } from '../verify/api';
import { ProvenanceEngine } from '../verify/engine';
import { createTrustHistory as wireTrustHistory, type TrustHistory } from '../verify/history';
import type { Policy } from '../verify/policy';
import type { ReportItem } from '../verify/report';
import type { Progress } from '../verify/types';
import type { CliOptions } from './args';

export interface CliIO {
  stdout: (s: string) => void;
  stderr: (s: string) => void;
  isTTY: boolean;
  env: NodeJS.ProcessEnv;
  cwd: string;
}

/** A verdict with where it was found and, in --diff mode, what it replaced. */
export type CliItem = ReportItem;

export interface RunContext {
  options: CliOptions;
  io: CliIO;
  engine: ProvenanceEngine;
  /** Present when a trust assessment is wanted (--history, --diff, or a policy). */
  trust?: { service: TrustHistory; history: boolean };
  progress: (p: Progress) => void;
  /** A path as shown to the user (relative to the working folder). */
  rel: (p: string) => string;
}

export function defaultCacheDir(env: NodeJS.ProcessEnv): string {
  const base = env.XDG_CACHE_HOME || path.join(os.homedir(), '.cache');
  return path.join(base, 'provenance-lens');
}

export function makeLogger(io: CliIO): EngineLogger {
  const verbose = Boolean(io.env.PROVENANCE_LENS_DEBUG);
  return {
    debugEnabled: verbose,
    debug: (m) => verbose && io.stderr(`debug: ${m}\n`),
    info: (m) => verbose && io.stderr(`info: ${m}\n`),
    warn: (m) => io.stderr(`warning: ${m}\n`),
    error: (m) => io.stderr(`error: ${m}\n`),
  };
}

/** The engine options a command line asks for. */
export function engineOptions(o: CliOptions, io: CliIO, logger: EngineLogger): EngineOptions {
  const cacheDir = o.cache === undefined ? defaultCacheDir(io.env) : o.cache === '' ? undefined : path.resolve(io.cwd, o.cache);
  return {
    registry: o.registry,
    attestationRegistry: o.attestationRegistry,
    trustedRootPath: o.trustedRoot ? path.resolve(io.cwd, o.trustedRoot) : undefined,
    npmKeysPath: o.npmKeys ? path.resolve(io.cwd, o.npmKeys) : undefined,
    cacheDir,
    offline: o.offline,
    concurrency: o.concurrency,
    timeoutMs: o.timeoutMs,
    npmrcDir: o.command === 'scan' && o.args[0] ? path.resolve(io.cwd, o.args[0]) : io.cwd,
    logger,
    // Bundled beside dist/cli.js: lets the second core do the cryptography.
    workerScript: path.join(__dirname, 'verify-worker.js'),
  };
}

export function createEngine(options: EngineOptions): ProvenanceEngine {
  return new ProvenanceEngine(options);
}

/** The trust-history service wired to this run (see src/verify/history/wire.ts). */
export function createTrustHistory(engine: ProvenanceEngine, options: EngineOptions, policy: Policy | undefined): TrustHistory {
  return wireTrustHistory(engine, options, policy);
}
