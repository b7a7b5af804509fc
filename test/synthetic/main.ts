/**
 * Write the synthetic provenance fixtures to a folder:
 *
 *   npx tsx test/synthetic/main.ts OUTDIR [--seed SEED]
 *
 * then point the CLI at OUTDIR/trusted_root.json (--trusted-root) and OUTDIR/npm-keys.json (--npm-keys).
 */
import { resolve } from 'node:path';
import { writeSyntheticFixtures } from './generate';

function usage(): never {
  process.stderr.write('usage: npx tsx test/synthetic/main.ts OUTDIR [--seed SEED]\n');
  process.exit(2);
}

async function main(argv: string[]): Promise<void> {
  let outDir: string | undefined;
  let seed: string | undefined;
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i]!;
    if (a === '--seed') {
      seed = argv[++i];
      if (!seed) usage();
    } else if (a.startsWith('--seed=')) {
      seed = a.slice('--seed='.length);
    } else if (a === '-h' || a === '--help' || a.startsWith('-') || outDir !== undefined) {
      usage();
    } else {
      outDir = a;
    }
  }
  if (!outDir) usage();
  const dir = resolve(outDir);
  const started = Date.now();
  const files = await writeSyntheticFixtures(dir, seed !== undefined ? { seed } : {});
  const { loadSyntheticFixtures } = await import('./fixtures');
  const data = await loadSyntheticFixtures(dir);
  const lines = [
    `Wrote ${data.packages.length} synthetic cases (seed ${data.seed}) to ${dir} in ${Date.now() - started} ms`,
    `  --trusted-root ${files.trustedRoot}`,
    `  --npm-keys     ${files.npmKeys}   (registry format: ${files.registryKeys})`,
    `  cases          ${files.cases}`,
    '',
    ...data.packages.map((c) => {
      const verdict = c.expected.status === 'invalid' ? `invalid ${c.expected.code}` : c.expected.status;
      return `  ${`${c.name}@${c.version}`.padEnd(34)} ${verdict.padEnd(38)} registry signature ${c.expected.registrySignature}`;
    }),
  ];
  process.stdout.write(lines.join('\n') + '\n');
}

main(process.argv.slice(2)).catch((err: unknown) => {
  process.stderr.write(`${err instanceof Error ? (err.stack ?? err.message) : String(err)}\n`);
  process.exit(1);
});
