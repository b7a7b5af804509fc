/**
 * Speed of the engine, measured (never asserted in tests): `npm run bench`.
 *
 * - cold verification of 50 dependencies through the loopback fixture registry with 25 ms latency
 *   per response: time to the first verdict and to all of them;
 * - a warm hover: a verdict answered from the persistent cache (p50 / p95 / max);
 * - the longest event-loop block while verifying (the extension host must never freeze).
 */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { monitorEventLoopDelay, performance } from 'node:perf_hooks';
import { ProvenanceEngine } from '../src/verify/engine';
import type { VerifyRequest } from '../src/verify/api';
import { startFixtureRegistry } from '../test/fixture-registry';
import { generateSyntheticData, toFixturePackages } from '../test/synthetic/generate';

const LATENCY_MS = Number(process.env.BENCH_LATENCY_MS ?? 25);
const COUNT = 50;

function percentile(sorted: number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))];
}

async function main(): Promise<void> {
  const data = await generateSyntheticData({ seed: 'bench' });
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'pl-bench-'));
  const trustedRootPath = path.join(dir, 'trusted_root.json');
  fs.writeFileSync(trustedRootPath, JSON.stringify(data.trustedRoot));
  const registry = await startFixtureRegistry({
    latencyMs: LATENCY_MS,
    realworldDir: null,
    prefixes: [{ prefix: 'synthetic', packages: toFixturePackages(data), keys: data.registryKeys }],
  });
  try {
    // 50 dependencies: every synthetic version (most with provenance), repeated as distinct cache keys by name@version.
    const pool: VerifyRequest[] = data.packages.map((c) => ({ name: c.name, version: c.version }));
    const requests: VerifyRequest[] = [];
    for (let i = 0; requests.length < COUNT; i++) requests.push(pool[i % pool.length]);
    const distinct = new Set(requests.map((r) => `${r.name}@${r.version}`)).size;

    const cacheDir = path.join(dir, 'cache');
    const workerScript = path.resolve(__dirname, '..', 'dist', 'verify-worker.js');
    if (!fs.existsSync(workerScript)) throw new Error('run `npm run build` first: the benchmark uses dist/verify-worker.js, as the extension does');
    const makeEngine = (extra: { workerScript?: string } = {}) =>
      new ProvenanceEngine({
        registry: `${registry.url}/synthetic/`,
        attestationRegistry: '',
        trustedRootPath,
        cacheDir,
        refreshTrust: false,
        useProjectNpmrc: false,
        ...extra,
      });
    const engine = makeEngine({ workerScript });
    await engine.trust();

    const loop = monitorEventLoopDelay({ resolution: 5 });
    loop.enable();
    const t0 = performance.now();
    let first = 0;
    const verdicts = await engine.verifyAll(requests, {
      onVerdict: () => {
        if (!first) first = performance.now() - t0;
      },
    });
    const all = performance.now() - t0;
    loop.disable();
    const verified = verdicts.filter((v) => v.status === 'verified').length;
    await engine.dispose();

    // Warm: the same versions with their integrity (as from a lockfile) from the persistent cache, new engine.
    const warm = makeEngine();
    await warm.trust();
    const times: number[] = [];
    for (const v of verdicts) {
      if (!v.integrity) continue;
      const s = performance.now();
      await warm.verify({ name: v.name, version: v.version, integrity: v.integrity });
      times.push(performance.now() - s);
    }
    times.sort((a, b) => a - b);

    const ms = (n: number) => `${n.toFixed(1)} ms`;
    console.log(`Provenance Lens engine benchmark (${os.cpus().length} cores, Node ${process.version})`);
    console.log(`  ${COUNT} dependencies (${distinct} distinct versions, ${verified} verified), ${LATENCY_MS} ms registry latency, cold cache`);
    console.log(`    first verdict:            ${ms(first)}`);
    console.log(`    all verdicts:             ${ms(all)}`);
    console.log(`    longest event-loop block: ${ms(loop.max / 1e6)} (p99 ${ms(loop.percentile(99) / 1e6)})`);
    console.log(`  verdict from the persistent cache (a hover), ${times.length} lookups`);
    console.log(`    p50 ${ms(percentile(times, 50))}, p95 ${ms(percentile(times, 95))}, max ${ms(times[times.length - 1])}`);
  } finally {
    await registry.close();
  }
}

main().catch((err) => {
  console.error(err);
  process.exitCode = 1;
});
