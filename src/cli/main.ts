/**
 * `provenance-lens` — the engine as a command line tool for CI.
 *
 *   provenance-lens verify <name@version>... [--json]
 *   provenance-lens scan [dir] [--lockfile | --direct] [--diff <ref>] [--json | --sarif | --markdown | --format github]
 *
 * Exit codes: 0 nothing invalid and no error finding, 1 otherwise, 2 usage or setup error.
 * Argument parsing is in ./args, the commands in ./commands, output in ./output.
 */
import * as path from 'node:path';
import { loadPolicy } from '../verify/policy';
import { ScanSetupError } from '../verify/scan';
import { summarise } from '../verify/summary';
import { parseCommandLine, UsageError, USAGE, type CliOptions } from './args';
import { createEngine, createTrustHistory, engineOptions, makeLogger, type CliIO, type CliItem, type RunContext } from './context';
import { runScan } from './commands/scan';
import { runVerify } from './commands/verify';
import { activeFindings, render } from './output';
import { redactingWriter } from '../verify/format/redact';

export { USAGE } from './args';
export type { CliIO } from './context';

declare const PROVENANCE_LENS_VERSION: string | undefined;
const VERSION = typeof PROVENANCE_LENS_VERSION === 'string' ? PROVENANCE_LENS_VERSION : '0.0.0-dev';

const defaultIO = (): CliIO => ({
  stdout: (s) => process.stdout.write(s),
  stderr: (s) => process.stderr.write(s),
  isTTY: Boolean(process.stderr.isTTY),
  env: process.env,
  cwd: process.cwd(),
});

export async function main(argv: string[], cliIO: CliIO = defaultIO()): Promise<number> {
  // Registry URLs may carry credentials (--registry https://user:pass@host/): nothing printed shows them.
  const io: CliIO = { ...cliIO, stdout: redactingWriter(cliIO.stdout), stderr: redactingWriter(cliIO.stderr) };
  let parsed;
  try {
    parsed = parseCommandLine(argv);
  } catch (err) {
    io.stderr(`provenance-lens: ${(err as Error).message}\n\n${USAGE}\n`);
    return 2;
  }
  if (parsed.kind === 'help') {
    io.stdout(`${USAGE}\n`);
    return 0;
  }
  if (parsed.kind === 'version') {
    io.stdout(`${VERSION}\n`);
    return 0;
  }
  try {
    return await execute(parsed.options, io);
  } catch (err) {
    if (err instanceof UsageError) {
      io.stderr(`provenance-lens: ${err.message}\n\n${USAGE}\n`);
      return 2;
    }
    if (err instanceof ScanSetupError) {
      io.stderr(`provenance-lens: ${err.message}\n`);
      return 2;
    }
    io.stderr(`provenance-lens: ${(err as Error).stack ?? err}\n`);
    return 2;
  }
}

/** Run one command; errors propagate to `main`, which turns them into exit status 2. */
async function execute(options: CliOptions, io: CliIO): Promise<number> {
  const logger = makeLogger(io);
  const engineOpts = engineOptions(options, io, logger);

  // The policy: --policy FILE, else .provenance-lens.json at the project root.
  const policyDir = options.command === 'scan' ? path.resolve(io.cwd, options.args[0] ?? '.') : io.cwd;
  const loaded = await loadPolicy(options.policy !== undefined ? { file: path.resolve(io.cwd, options.policy) } : { dir: policyDir });
  if (loaded.errors.length) {
    io.stderr(`provenance-lens: the trust policy cannot be used:\n${loaded.errors.map((e) => `  ${e}`).join('\n')}\n`);
    return 2;
  }

  const engine = createEngine(engineOpts);
  try {
    await engine.trust();
  } catch (err) {
    io.stderr(`provenance-lens: cannot load trust material: ${(err as Error).message}\n`);
    return 2;
  }
  const history = options.history || options.diff !== undefined;
  const started = Date.now();
  const showProgress = io.isTTY && !options.quiet;
  const ctx: RunContext = {
    options,
    io,
    engine,
    ...(history || loaded.policy ? { trust: { service: createTrustHistory(engine, engineOpts, loaded.policy), history } } : {}),
    progress: (p) => {
      if (showProgress) io.stderr(`\r\x1b[2K[${p.done}/${p.total}] ${p.current ?? ''}`.slice(0, 200));
    },
    rel: (p) => path.relative(io.cwd, p) || p,
  };

  let items: CliItem[];
  let header: string | undefined;
  const problems: string[] = [];
  if (options.command === 'verify') {
    items = await runVerify(ctx);
  } else {
    const outcome = await runScan(ctx);
    items = outcome.items;
    header = outcome.header;
    problems.push(...outcome.problems);
  }
  if (showProgress) io.stderr('\r\x1b[2K');
  const summary = summarise(
    items.map((i) => i.verdict),
    Date.now() - started,
  );
  const registries = engine.registryObservations();
  const trust = await engine.trustInfo();
  for (const p of problems) io.stderr(`warning: ${p}\n`);
  if (loaded.policy?.path && options.format === 'human') io.stderr(`policy: ${ctx.rel(loaded.policy.path)}\n`);
  io.stdout(
    render(options.format, items, {
      toolVersion: VERSION,
      summary,
      trust,
      registries,
      ...(header && options.format === 'human' ? { header } : {}),
      colour: Boolean(process.stdout.isTTY) && !io.env.NO_COLOR,
    }),
  );
  await engine.dispose();
  const failing = activeFindings(items).some((f) => f.severity === 'error');
  return summary.invalid > 0 || failing ? 1 : 0;
}
