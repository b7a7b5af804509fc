/**
 * `provenance-lens` — the engine as a command line tool for CI.
 *
 *   provenance-lens verify <name@version>... [--json]
 *   provenance-lens scan [dir] [--lockfile | --direct] [--json | --sarif | --markdown]
 *
 * Exit codes: 0 nothing invalid, 1 something invalid, 2 usage or setup error.
 */
import * as path from 'node:path';
import * as os from 'node:os';
import { parseArgs } from 'node:util';
import npa from 'npm-package-arg';
import semver from 'semver';
import type { EngineLogger, EngineOptions, VerifyRequest } from '../verify/api';
import { ProvenanceEngine } from '../verify/engine';
import { toJsonReport, toMarkdown, toSarif, spanToRegion, type ReportItem } from '../verify/report';
import { scanProject, summarise, ScanSetupError, type ScanMode } from '../verify/scan';
import type { Verdict } from '../verify/types';
import { formatLine, formatSummary, colours } from './format';
import { redactSecrets } from '../verify/format/redact';

declare const PROVENANCE_LENS_VERSION: string | undefined;
const VERSION = typeof PROVENANCE_LENS_VERSION === 'string' ? PROVENANCE_LENS_VERSION : '0.0.0-dev';

export const USAGE = `Usage:
  provenance-lens verify <name@version>... [options]
  provenance-lens scan [dir] [--lockfile | --direct] [options]

Verifies the npm provenance of packages: the registry's signatures, the npm publish
attestation and the Sigstore-signed SLSA build provenance, all checked cryptographically.

Commands:
  verify <spec>...          verify exact versions (a range or tag is resolved on the registry)
  scan [dir]                verify a project's dependencies (default: the current folder);
                            with a lockfile, every package it installs; without, the direct ones

Options:
  --lockfile                scan every package in the lockfile (transitive)
  --direct                  scan only the package.json's own dependencies
  --json                    machine-readable output (schema in the README)
  --sarif                   SARIF 2.1.0 output (scan)
  --markdown                Markdown report (scan)
  --registry URL            registry to use instead of .npmrc's
  --attestation-registry URL
                            registry asked for attestations when the configured one strips
                            them (default https://registry.npmjs.org; '' disables)
  --trusted-root FILE       Sigstore trusted_root.json to trust instead of the public-good root
  --npm-keys FILE           npm registry keys (TUF keys.json or /-/npm/v1/keys format)
  --cache DIR               persistent cache (default ~/.cache/provenance-lens; '' disables)
  --offline                 use only cached data
  --concurrency N           parallel verifications (default 8)
  --timeout MS              per-request timeout (default 15000)
  --quiet                   no progress on stderr
  -h, --help                this text
  -v, --version             print the version

Exit status: 0 when nothing is invalid, 1 when something is, 2 for usage or setup errors.`;

class UsageError extends Error {}

export interface CliIO {
  stdout: (s: string) => void;
  stderr: (s: string) => void;
  isTTY: boolean;
  env: NodeJS.ProcessEnv;
  cwd: string;
}

const defaultIO = (): CliIO => ({
  stdout: (s) => process.stdout.write(s),
  stderr: (s) => process.stderr.write(s),
  isTTY: Boolean(process.stderr.isTTY),
  env: process.env,
  cwd: process.cwd(),
});

function defaultCacheDir(env: NodeJS.ProcessEnv): string {
  const base = env.XDG_CACHE_HOME || path.join(os.homedir(), '.cache');
  return path.join(base, 'provenance-lens');
}

export async function main(argv: string[], io: CliIO = defaultIO()): Promise<number> {
  let parsed;
  try {
    parsed = parseArgs({
      args: argv,
      allowPositionals: true,
      strict: true,
      options: {
        json: { type: 'boolean' },
        sarif: { type: 'boolean' },
        markdown: { type: 'boolean' },
        lockfile: { type: 'boolean' },
        direct: { type: 'boolean' },
        registry: { type: 'string' },
        'attestation-registry': { type: 'string' },
        'trusted-root': { type: 'string' },
        'npm-keys': { type: 'string' },
        cache: { type: 'string' },
        offline: { type: 'boolean' },
        concurrency: { type: 'string' },
        timeout: { type: 'string' },
        quiet: { type: 'boolean', short: 'q' },
        help: { type: 'boolean', short: 'h' },
        version: { type: 'boolean', short: 'v' },
      },
    });
  } catch (err) {
    io.stderr(`provenance-lens: ${(err as Error).message}\n\n${USAGE}\n`);
    return 2;
  }
  const { values, positionals } = parsed;
  if (values.help) {
    io.stdout(`${USAGE}\n`);
    return 0;
  }
  if (values.version) {
    io.stdout(`${VERSION}\n`);
    return 0;
  }
  const [command, ...args] = positionals;
  try {
    if (command !== 'verify' && command !== 'scan') throw new UsageError(command ? `unknown command '${command}'` : 'no command given');
    const formats = [values.json, values.sarif, values.markdown].filter(Boolean).length;
    if (formats > 1) throw new UsageError('choose one of --json, --sarif, --markdown');
    if (values.lockfile && values.direct) throw new UsageError('choose one of --lockfile, --direct');
    if (command === 'verify' && (values.sarif || values.markdown || values.lockfile || values.direct)) {
      throw new UsageError('--sarif, --markdown, --lockfile and --direct go with scan');
    }
    const concurrency = values.concurrency !== undefined ? Number(values.concurrency) : undefined;
    if (concurrency !== undefined && (!Number.isInteger(concurrency) || concurrency < 1 || concurrency > 64)) {
      throw new UsageError('--concurrency takes a whole number from 1 to 64');
    }
    const timeoutMs = values.timeout !== undefined ? Number(values.timeout) : undefined;
    if (timeoutMs !== undefined && (!Number.isFinite(timeoutMs) || timeoutMs < 100)) throw new UsageError('--timeout takes milliseconds (at least 100)');
    for (const flag of ['registry', 'attestation-registry'] as const) {
      const v = values[flag];
      if (v) {
        let u: URL;
        try {
          u = new URL(v);
        } catch {
          throw new UsageError(`--${flag} needs an http(s) URL, got '${redactSecrets(v)}'`);
        }
        if (u.protocol !== 'https:' && u.protocol !== 'http:') throw new UsageError(`--${flag} needs an http(s) URL, got '${redactSecrets(v)}'`);
      }
    }

    const verbose = Boolean(io.env.PROVENANCE_LENS_DEBUG);
    const logger: EngineLogger = {
      debug: (m) => verbose && io.stderr(`debug: ${m}\n`),
      info: (m) => verbose && io.stderr(`info: ${m}\n`),
      warn: (m) => io.stderr(`warning: ${m}\n`),
      error: (m) => io.stderr(`error: ${m}\n`),
    };
    const cacheDir = values.cache === undefined ? defaultCacheDir(io.env) : values.cache === '' ? undefined : path.resolve(io.cwd, values.cache);
    const options: EngineOptions = {
      registry: values.registry,
      attestationRegistry: values['attestation-registry'],
      trustedRootPath: values['trusted-root'] ? path.resolve(io.cwd, values['trusted-root']) : undefined,
      npmKeysPath: values['npm-keys'] ? path.resolve(io.cwd, values['npm-keys']) : undefined,
      cacheDir,
      offline: values.offline,
      concurrency,
      timeoutMs,
      npmrcDir: command === 'scan' && args[0] ? path.resolve(io.cwd, args[0]) : io.cwd,
      logger,
      // Bundled beside dist/cli.js: lets the second core do the cryptography.
      workerScript: path.join(__dirname, 'verify-worker.js'),
    };
    const engine = new ProvenanceEngine(options);
    try {
      await engine.trust();
    } catch (err) {
      io.stderr(`provenance-lens: cannot load trust material: ${(err as Error).message}\n`);
      return 2;
    }
    const started = Date.now();
    const showProgress = io.isTTY && !values.quiet;
    const progress = (p: { done: number; total: number; current?: string }) => {
      if (showProgress) io.stderr(`\r\x1b[2K[${p.done}/${p.total}] ${p.current ?? ''}`.slice(0, 200));
    };
    const endProgress = () => showProgress && io.stderr('\r\x1b[2K');

    let items: ReportItem[];
    const problems: string[] = [];
    if (command === 'verify') {
      if (args.length === 0) throw new UsageError('verify needs at least one <name@version>');
      const requests: VerifyRequest[] = [];
      const early: (Verdict | undefined)[] = [];
      for (const spec of args) {
        const r = await toRequest(engine, spec);
        if ('verdict' in r) early.push(r.verdict);
        else {
          early.push(undefined);
          requests.push(r.request);
        }
      }
      const verdicts = await engine.verifyAll(requests, { onProgress: progress });
      let k = 0;
      items = early.map((e) => ({ verdict: e ?? verdicts[k++] }));
    } else {
      if (args.length > 1) throw new UsageError('scan takes one folder');
      const dir = path.resolve(io.cwd, args[0] ?? '.');
      const mode: ScanMode = values.lockfile ? 'lockfile' : values.direct ? 'direct' : 'auto';
      const scan = await scanProject(engine, dir, { mode, onProgress: progress });
      problems.push(...scan.problems);
      const rel = (p: string) => path.relative(io.cwd, p) || p;
      items = scan.entries.map((e) => ({
        verdict: e.verdict,
        file: e.dependency ? rel(scan.manifestPath) : scan.lockfile ? rel(scan.lockfile.path) : rel(scan.manifestPath),
        region: e.dependency ? spanToRegion(scan.manifestText, e.dependency.specSpan) : undefined,
      }));
      if (!values.json && !values.sarif && !values.markdown) {
        io.stdout(
          `Scanning ${rel(scan.manifestPath)}${scan.lockfile ? ` with ${rel(scan.lockfile.path)}` : ''} (${scan.mode === 'lockfile' ? 'every locked package' : 'direct dependencies'})\n`,
        );
      }
    }
    endProgress();
    const elapsedMs = Date.now() - started;
    const verdicts = items.map((i) => i.verdict);
    const summary = summarise(verdicts, elapsedMs);
    const registries = engine.registryObservations();
    const trust = await engine.trustInfo();
    for (const p of problems) io.stderr(`warning: ${p}\n`);

    if (values.json) {
      io.stdout(`${JSON.stringify(toJsonReport(items, { toolVersion: VERSION, trust, registries, summary }), null, 2)}\n`);
    } else if (values.sarif) {
      io.stdout(`${JSON.stringify(toSarif(items, { toolVersion: VERSION }), null, 2)}\n`);
    } else if (values.markdown) {
      io.stdout(`${toMarkdown(items, { summary, trust, registries })}\n`);
    } else {
      const c = colours(Boolean(process.stdout.isTTY) && !io.env.NO_COLOR);
      const seen = new Set<string>();
      for (const v of verdicts) io.stdout(`${formatLine(v, c, seen)}\n`);
      for (const r of registries) if (r.stripsProvenance && r.message) io.stdout(`\n${c.yellow('note:')} ${r.message}\n`);
      io.stdout(`\n${formatSummary(summary, trust)}\n`);
    }
    await engine.dispose();
    return summary.invalid > 0 ? 1 : 0;
  } catch (err) {
    if (err instanceof UsageError) {
      io.stderr(`provenance-lens: ${err.message}\n\n${USAGE}\n`);
      return 2;
    }
    if (err instanceof ScanSetupError) {
      io.stderr(`provenance-lens: ${err.message}\n`);
      return 2;
    }
    io.stderr(`provenance-lens: ${redactSecrets(String((err as Error).stack ?? err))}\n`);
    return 2;
  }
}

/** Turn a command-line spec into a request: exact versions as given, ranges and tags via the registry. */
async function toRequest(engine: ProvenanceEngine, spec: string): Promise<{ request: VerifyRequest } | { verdict: Verdict }> {
  let parsed: npa.Result;
  try {
    parsed = npa(spec);
  } catch (err) {
    throw new UsageError(`'${spec}' is not a package spec: ${(err as Error).message}`);
  }
  if (parsed.type === 'alias') parsed = (parsed as npa.AliasResult).subSpec;
  if (!parsed.name || !['version', 'range', 'tag'].includes(parsed.type)) {
    throw new UsageError(`'${spec}' is not a registry package (name@version); git, file and URL specs have no npm provenance`);
  }
  const name = parsed.name;
  if (parsed.type === 'version') return { request: { name, version: semver.clean(parsed.fetchSpec ?? '') ?? parsed.fetchSpec!, resolvedFrom: 'cli' } };
  try {
    const { versions, distTags } = await engine.listVersions(name);
    const wanted = parsed.type === 'tag' ? distTags[parsed.fetchSpec ?? 'latest'] : semver.maxSatisfying(versions.map((v) => v.version), parsed.fetchSpec ?? '*');
    if (!wanted) {
      return { verdict: { name, version: parsed.fetchSpec ?? '', status: 'unavailable', reason: { code: 'unresolved', message: `No version of ${name} matches '${parsed.fetchSpec}'.` } } };
    }
    return { request: { name, version: wanted, resolvedFrom: 'registry' } };
  } catch (err) {
    const code = (err as { code?: string }).code;
    return {
      verdict: {
        name,
        version: parsed.fetchSpec ?? '',
        status: 'unavailable',
        reason: { code: code === 'not-found' ? 'not-found' : 'unresolved', message: `Could not resolve ${spec}: ${redactSecrets((err as Error).message)}` },
      },
    };
  }
}
