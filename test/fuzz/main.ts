/**
 * Mutation fuzzing of the real npm provenance, on demand:
 *
 *   npm run fuzz -- --count 10000 --seed 1
 *   npm run fuzz -- --seed 1 --only 4711          # replay one mutation (prints its detail and verdict)
 *
 * Prints mutations per target, outcomes by reason code and the false verified count; exits 1 when a
 * mutation came out verified that is not a known open finding (findings.ts), 2 for a usage or harness error.
 */
import { checkBaseline, formatSummary, runFuzz, startFuzzWorld } from './harness';

function arg(args: string[], name: string): string | undefined {
  const i = args.indexOf(name);
  if (i >= 0) return args[i + 1];
  const eq = args.find((a) => a.startsWith(`${name}=`));
  return eq?.slice(name.length + 1);
}

async function main(): Promise<number> {
  const args = process.argv.slice(2);
  if (args.includes('--help') || args.includes('-h')) {
    process.stdout.write('usage: npm run fuzz -- [--count N] [--seed S] [--only I,J,...] [--verbose]\n');
    return 0;
  }
  const count = Number(arg(args, '--count') ?? '1000');
  const seed = arg(args, '--seed') ?? '1';
  const only = arg(args, '--only')?.split(',').map(Number);
  const verbose = args.includes('--verbose') || only !== undefined;
  if (!Number.isInteger(count) || count < 1) throw new Error(`invalid --count: ${arg(args, '--count')}`);
  if (only && only.some((i) => !Number.isInteger(i) || i < 0)) throw new Error(`invalid --only: ${arg(args, '--only')}`);

  const world = await startFuzzWorld();
  try {
    await checkBaseline(world);
    const total = only?.length ?? count;
    const summary = await runFuzz(world, {
      seed,
      count,
      only,
      onOutcome: (o, done) => {
        if (verbose) {
          const m = o.mutation;
          process.stdout.write(
            `#${m.index} ${m.caseId} ${m.target} ${m.op} — ${m.detail}\n    → ${o.outcome}${o.message ? `: ${o.message}` : ''}\n`,
          );
        } else if (process.stderr.isTTY && (done % 100 === 0 || done === total)) {
          process.stderr.write(`\r${done}/${total}`);
        } else if (done % 1000 === 0) {
          process.stderr.write(`${done}/${total}\n`);
        }
      },
    });
    if (process.stderr.isTTY && !verbose) process.stderr.write('\n');
    process.stdout.write(`${formatSummary(summary)}\n`);
    return summary.newFalseVerified.length ? 1 : 0;
  } finally {
    await world.close();
  }
}

main().then(
  (code) => process.exit(code),
  (err: unknown) => {
    process.stderr.write(`fuzz: ${(err as Error).stack ?? String(err)}\n`);
    process.exit(2);
  },
);
