/**
 * Counts the adversarial suite (test/adversarial/*.test.ts): runs it once with mocha's JSON reporter and
 * prints how many tests (attacks) exist, pass, fail and are pending, per file (topic) and per attack
 * position declared in each file's header (`@positions mirror, pull-request, local`; see
 * test/adversarial/README.md). The last line is the README figure.
 *
 *   npx tsx scripts/adversarial-count.ts [--json]
 *
 * Exit status: 0 when every adversarial test that ran passed, 1 otherwise, 2 when mocha could not run.
 */
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';

const ROOT = path.resolve(__dirname, '..');
const DIR = path.join(ROOT, 'test', 'adversarial');
export const POSITIONS = ['mirror', 'pull-request', 'local'] as const;
type Position = (typeof POSITIONS)[number];

interface MochaTest {
  title: string;
  fullTitle: string;
  file?: string;
  err?: { message?: string };
}

interface MochaJson {
  stats: { tests: number; passes: number; pending: number; failures: number };
  tests: MochaTest[];
  passes: MochaTest[];
  pending: MochaTest[];
  failures: MochaTest[];
}

interface FileCount {
  file: string;
  positions: Position[] | undefined;
  tests: number;
  passes: number;
  failures: number;
  pending: number;
}

/** The `@positions` tag of a test file's header, if it declares one. */
export function declaredPositions(source: string): Position[] | undefined {
  const m = /@positions?\s+([^\n*]+)/.exec(source.slice(0, 4000));
  if (!m) return undefined;
  const names = m[1]!.split(/[\s,]+/).filter(Boolean);
  const unknown = names.filter((n) => !(POSITIONS as readonly string[]).includes(n));
  if (unknown.length) throw new Error(`unknown attack position(s) ${unknown.join(', ')} (known: ${POSITIONS.join(', ')})`);
  return names as Position[];
}

function runMocha(files: string[]): MochaJson {
  const out = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'pl-adversarial-')), 'report.json');
  try {
    const mocha = path.join(ROOT, 'node_modules', 'mocha', 'bin', 'mocha.js');
    const r = spawnSync(
      process.execPath,
      [
        mocha,
        '--no-config',
        '--require',
        'tsx/cjs',
        '--extension',
        'ts',
        '--timeout',
        '20000',
        '--reporter',
        'json',
        '--reporter-option',
        `output=${out}`,
        ...files,
      ],
      { cwd: ROOT, stdio: ['ignore', 'ignore', 'inherit'], env: { ...process.env, NO_COLOR: '1' } },
    );
    if (!fs.existsSync(out)) throw new Error(`mocha produced no report (exit ${r.status ?? r.signal})`);
    return JSON.parse(fs.readFileSync(out, 'utf8')) as MochaJson;
  } finally {
    fs.rmSync(path.dirname(out), { recursive: true, force: true });
  }
}

function main(): number {
  const json = process.argv.includes('--json');
  const files = fs
    .readdirSync(DIR)
    .filter((f) => f.endsWith('.test.ts'))
    .sort()
    .map((f) => path.join(DIR, f));
  if (!files.length) throw new Error(`no adversarial tests in ${DIR}`);
  const report = runMocha(files);

  const counts = new Map<string, FileCount>();
  for (const f of files) {
    counts.set(f, {
      file: path.relative(ROOT, f),
      positions: declaredPositions(fs.readFileSync(f, 'utf8')),
      tests: 0,
      passes: 0,
      failures: 0,
      pending: 0,
    });
  }
  const bump = (list: MochaTest[], key: 'tests' | 'passes' | 'failures' | 'pending'): void => {
    for (const t of list) {
      const c = t.file ? counts.get(path.resolve(ROOT, t.file)) : undefined;
      if (c) c[key]++;
    }
  };
  bump(report.tests, 'tests');
  bump(report.passes, 'passes');
  bump(report.failures, 'failures');
  bump(report.pending, 'pending');
  // a failing before() hook is a failure that is not a test of any file: count it, do not lose it
  const hookFailures = report.failures.filter(
    (t) => !t.file || !counts.has(path.resolve(ROOT, t.file)) || /"before|"after/.test(t.fullTitle),
  ).length;

  const rows = [...counts.values()];
  const byPosition = new Map<string, { tests: number; passes: number }>();
  for (const r of rows) {
    for (const p of r.positions ?? ['(not declared)']) {
      const b = byPosition.get(p) ?? { tests: 0, passes: 0 };
      b.tests += r.tests;
      b.passes += r.passes;
      byPosition.set(p, b);
    }
  }
  const { stats } = report;
  const figure = `${stats.passes} attacks: ${stats.passes} of ${stats.tests} adversarial tests pass (${stats.failures} failing, ${stats.pending} pending) in ${rows.length} files`;

  if (json) {
    process.stdout.write(
      `${JSON.stringify({ stats, hookFailures, files: rows, positions: Object.fromEntries(byPosition), figure }, null, 2)}\n`,
    );
  } else {
    const w = Math.max(...rows.map((r) => r.file.length));
    process.stdout.write(`${'file'.padEnd(w)}  tests  pass  fail  pending  positions\n`);
    for (const r of rows) {
      process.stdout.write(
        `${r.file.padEnd(w)}  ${String(r.tests).padStart(5)}  ${String(r.passes).padStart(4)}  ${String(r.failures).padStart(4)}  ${String(r.pending).padStart(7)}  ${r.positions?.join(', ') ?? '(not declared)'}\n`,
      );
    }
    process.stdout.write('\nby attack position (a file may declare several):\n');
    for (const [p, b] of byPosition) process.stdout.write(`  ${p.padEnd(16)} ${b.passes} of ${b.tests} pass\n`);
    if (hookFailures) process.stdout.write(`\n${hookFailures} failure(s) outside a test (a before/after hook): some tests did not run\n`);
    process.stdout.write(`\n${figure}\n`);
  }
  return stats.failures === 0 ? 0 : 1;
}

try {
  process.exitCode = main();
} catch (err) {
  process.stderr.write(`adversarial-count: ${(err as Error).message}\n`);
  process.exitCode = 2;
}
