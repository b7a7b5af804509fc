/** Command-line parsing and checking for `provenance-lens` (no I/O beyond the returned values). */
import { parseArgs } from 'node:util';

export const USAGE = `Usage:
  provenance-lens verify <name@version>... [options]
  provenance-lens scan [dir] [--lockfile | --direct] [--diff <git-ref>] [options]

Verifies the npm provenance of packages: the registry's signatures, the npm publish
attestation and the Sigstore-signed SLSA build provenance, all checked cryptographically.

Commands:
  verify <spec>...          verify exact versions (a range or tag is resolved on the registry)
  scan [dir]                verify a project's dependencies (default: the current folder);
                            with a lockfile, every package it installs; without, the direct ones

Options:
  --lockfile                scan every package in the lockfile (transitive)
  --direct                  scan only the package.json's own dependencies
  --diff REF                scan only the packages whose version changed in the lockfile since
                            the git ref REF (e.g. origin/main), with their trust history; the
                            policy is the working tree's (the pull request's own), not REF's
  --history                 judge each version against the earlier versions of its release line
                            (trust downgrades, source and workflow changes; fetches full packuments)
  --policy FILE             trust policy file (default: .provenance-lens.json at the project root)
  --format FMT              human (default), json, sarif, markdown or github (workflow annotations)
  --json                    same as --format json (schema in the README)
  --sarif                   same as --format sarif (SARIF 2.1.0)
  --markdown                same as --format markdown
  --registry URL            registry to use instead of .npmrc's
  --attestation-registry URL
                            registry asked for attestations when the configured one strips
                            them (default https://registry.npmjs.org; '' disables)
  --trusted-root FILE       Sigstore trusted_root.json to trust instead of the public-good root
  --npm-keys FILE           npm registry keys (TUF keys.json or /-/npm/v1/keys format)
  --cache DIR               persistent cache (default ~/.cache/provenance-lens; '' disables)
  --offline                 use only cached data
  --concurrency N           parallel verifications and sockets per host (default: npm's maxsockets, 15)
  --timeout MS              per-request timeout (default 15000)
  --quiet                   no progress on stderr
  -h, --help                this text
  -v, --version             print the version

Exit status: 0 when nothing is invalid and no finding is an error (by the policy's
severities), 1 otherwise, 2 for usage or setup errors.`;

export class UsageError extends Error {}

export type OutputFormat = 'human' | 'json' | 'sarif' | 'markdown' | 'github';

export interface CliOptions {
  command: 'verify' | 'scan';
  /** Positional arguments after the command. */
  args: string[];
  format: OutputFormat;
  lockfile: boolean;
  direct: boolean;
  diff?: string;
  history: boolean;
  policy?: string;
  registry?: string;
  attestationRegistry?: string;
  trustedRoot?: string;
  npmKeys?: string;
  cache?: string;
  offline: boolean;
  concurrency?: number;
  timeoutMs?: number;
  quiet: boolean;
}

export type ParsedCommandLine = { kind: 'help' } | { kind: 'version' } | { kind: 'run'; options: CliOptions };

const FORMATS: readonly OutputFormat[] = ['human', 'json', 'sarif', 'markdown', 'github'];

/**
 * Parse argv. Throws UsageError for anything wrong (the caller prints it with the usage, exit 2); a
 * malformed option (unknown flag, missing value) throws the TypeError node's parseArgs throws.
 */
export function parseCommandLine(argv: string[]): ParsedCommandLine {
  const { values, positionals } = parseArgs({
    args: argv,
    allowPositionals: true,
    strict: true,
    options: {
      json: { type: 'boolean' },
      sarif: { type: 'boolean' },
      markdown: { type: 'boolean' },
      format: { type: 'string' },
      lockfile: { type: 'boolean' },
      direct: { type: 'boolean' },
      diff: { type: 'string' },
      history: { type: 'boolean' },
      policy: { type: 'string' },
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
  if (values.help) return { kind: 'help' };
  if (values.version) return { kind: 'version' };
  const [command, ...args] = positionals;
  if (command !== 'verify' && command !== 'scan') throw new UsageError(command ? `unknown command '${command}'` : 'no command given');
  const chosen = [values.json && 'json', values.sarif && 'sarif', values.markdown && 'markdown', values.format].filter(Boolean) as string[];
  if (chosen.length > 1) throw new UsageError('choose one of --json, --sarif, --markdown, --format');
  const format = (chosen[0] ?? 'human') as OutputFormat;
  if (!FORMATS.includes(format)) throw new UsageError(`--format takes one of ${FORMATS.join(', ')}`);
  if (values.lockfile && values.direct) throw new UsageError('choose one of --lockfile, --direct');
  if (
    command === 'verify' &&
    (format === 'sarif' || format === 'markdown' || values.lockfile || values.direct || values.diff !== undefined)
  ) {
    throw new UsageError('--sarif, --markdown, --lockfile, --direct and --diff go with scan');
  }
  if (values.diff !== undefined) {
    if (values.direct) throw new UsageError('--diff compares lockfiles: it does not go with --direct');
    // A ref starting with '-' would be read by git as an option.
    if (!values.diff || values.diff.startsWith('-') || /[\0\s]/.test(values.diff) || values.diff.length > 256)
      throw new UsageError(`--diff needs a git ref such as origin/main, got '${values.diff}'`);
  }
  const { concurrency, timeoutMs } = checkValues(values);
  if (command === 'verify' && args.length === 0) throw new UsageError('verify needs at least one <name@version>');
  if (command === 'scan' && args.length > 1) throw new UsageError('scan takes one folder');
  return {
    kind: 'run',
    options: {
      command,
      args,
      format,
      lockfile: Boolean(values.lockfile),
      direct: Boolean(values.direct),
      ...(values.diff !== undefined ? { diff: values.diff } : {}),
      history: Boolean(values.history),
      ...(values.policy !== undefined ? { policy: values.policy } : {}),
      ...(values.registry !== undefined ? { registry: values.registry } : {}),
      ...(values['attestation-registry'] !== undefined ? { attestationRegistry: values['attestation-registry'] } : {}),
      ...(values['trusted-root'] !== undefined ? { trustedRoot: values['trusted-root'] } : {}),
      ...(values['npm-keys'] !== undefined ? { npmKeys: values['npm-keys'] } : {}),
      ...(values.cache !== undefined ? { cache: values.cache } : {}),
      offline: Boolean(values.offline),
      ...(concurrency !== undefined ? { concurrency } : {}),
      ...(timeoutMs !== undefined ? { timeoutMs } : {}),
      quiet: Boolean(values.quiet),
    },
  };
}

/** Numbers and URLs given as option values. */
function checkValues(values: { concurrency?: string; timeout?: string; registry?: string; 'attestation-registry'?: string }): {
  concurrency?: number;
  timeoutMs?: number;
} {
  const concurrency = values.concurrency !== undefined ? Number(values.concurrency) : undefined;
  if (concurrency !== undefined && (!Number.isInteger(concurrency) || concurrency < 1 || concurrency > 64)) {
    throw new UsageError('--concurrency takes a whole number from 1 to 64');
  }
  const timeoutMs = values.timeout !== undefined ? Number(values.timeout) : undefined;
  if (timeoutMs !== undefined && (!Number.isFinite(timeoutMs) || timeoutMs < 100))
    throw new UsageError('--timeout takes milliseconds (at least 100)');
  for (const flag of ['registry', 'attestation-registry'] as const) {
    const v = values[flag];
    if (v) {
      let u: URL;
      try {
        u = new URL(v);
      } catch {
        throw new UsageError(`--${flag} needs an http(s) URL, got '${v}'`);
      }
      if (u.protocol !== 'https:' && u.protocol !== 'http:') throw new UsageError(`--${flag} needs an http(s) URL, got '${v}'`);
    }
  }
  return { concurrency, timeoutMs };
}
