/**
 * Speed, measured (never asserted in tests): `npm run bench [-- options]`.
 *
 * Lockfile scale — a synthetic world of N distinct packages (./../test/synthetic/world.ts, ~30 % with
 * provenance) behind the loopback fixture registry with a fixed latency per response, scanned by the
 * bundled CLI (`dist/cli.js scan --lockfile`) in a child process, as a user runs it:
 *   - cold scan (empty cache) and the floor measured in the same run:
 *       floor = max(verification CPU = per-bundle Sigstore cost on this machine × bundles ÷ cores,
 *                   network = requests ÷ sockets × latency)
 *   - warm rescan in a new process (same cache);
 *   - requests per package, peak RSS, main-thread CPU and the longest event-loop block of the scanning
 *     process's main thread (the one that is the extension host in the editor);
 *   - the same world through a mirror that strips provenance (attestation registry unreachable):
 *     cold and warm.
 * Editor — activation of the bundled extension (load + activate() with a stand-in vscode), and for a
 * 50-dependency package.json at the same latency: first verdict, all verdicts, the longest event-loop
 * block, and a verdict from the persistent cache (a hover).
 *
 * Options: --n N (default 1000)  --latency MS (25)  --sockets N (passes --concurrency N to the CLI;
 * default: the CLI's own default)  --json  --no-build  --skip-editor  --skip-mirror  --keep (keep the
 * temporary folder)  --cpu-prof DIR (V8 CPU profiles of every scan process)  --realworld (also sigstore-js's
 * real lockfile through a delay proxy of the npm-configured registry, cold and warm). Needs `npm run build` (done first unless --no-build).
 */
import { execFileSync, spawn } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { monitorEventLoopDelay, performance } from 'node:perf_hooks';
import { parseArgs } from 'node:util';
import { ProvenanceEngine } from '../src/verify/engine';
import { verifyAttestations } from '../src/verify/attestations';
import { loadTrustMaterial } from '../src/verify/trust';
import { RegistryClient } from '../src/verify/registry';
import type { VerifyRequest } from '../src/verify/api';
import { startFixtureRegistry, type FixtureRegistry } from '../test/fixture-registry';
import { generateWorld, writeLockfileProject, type World } from '../test/synthetic/world';
import { npmConfiguredRegistry, startDelayProxy } from './bench/proxy';

const ROOT = path.resolve(__dirname, '..');
const CLI = path.join(ROOT, 'dist', 'cli.js');
const PROBE = path.join(__dirname, 'bench', 'probe.cjs');

const { values: args } = parseArgs({
  options: {
    n: { type: 'string', default: '1000' },
    latency: { type: 'string', default: process.env.BENCH_LATENCY_MS ?? '25' },
    sockets: { type: 'string' },
    json: { type: 'boolean', default: false },
    'no-build': { type: 'boolean', default: false },
    'skip-editor': { type: 'boolean', default: false },
    'skip-mirror': { type: 'boolean', default: false },
    realworld: { type: 'boolean', default: false },
    'cpu-prof': { type: 'string' },
    keep: { type: 'boolean', default: false },
  },
});
const N = Number(args.n);
const LATENCY_MS = Number(args.latency);
const SOCKETS_ARG = args.sockets !== undefined ? Number(args.sockets) : undefined;
const log = (s: string): void => {
  if (!args.json) process.stderr.write(`${s}\n`);
};

interface Probe {
  loopMaxMs: number;
  loopP99Ms: number;
  maxRssMB: number;
  cpuUserMs: number;
  cpuSystemMs: number;
  mainThreadCpuMs?: number;
  wallMs: number;
  startupMs: number;
}

interface RunResult {
  /** Wall time of the whole process (start to exit), as a user waits for it. */
  processMs: number;
  /** The scan's own elapsed time (summary.elapsedMs: after trust material is loaded). */
  scanMs: number;
  requests: number;
  summary: Record<string, number>;
  probe: Probe;
  /** CPU this (benchmark) process spent meanwhile: the loopback registry and the delay proxy serving the scan. */
  registryCpuMs: number;
}

async function runScan(
  registry: FixtureRegistry | { requests: number },
  project: string,
  cacheDir: string,
  extra: string[],
  env: NodeJS.ProcessEnv,
): Promise<RunResult> {
  const before = registryRequestCount(registry);
  const probeOut = path.join(os.tmpdir(), `pl-bench-probe-${process.pid}-${Date.now()}.json`);
  const argv = [
    ...(args['cpu-prof'] ? ['--cpu-prof', '--cpu-prof-dir', path.resolve(args['cpu-prof'])] : []),
    '--require',
    PROBE,
    CLI,
    'scan',
    project,
    '--lockfile',
    '--json',
    '--quiet',
    '--cache',
    cacheDir,
    ...extra,
  ];
  if (SOCKETS_ARG !== undefined) argv.push('--concurrency', String(SOCKETS_ARG));
  const t0 = performance.now();
  const cpu0 = process.cpuUsage();
  const { stdout, stderr, code } = await new Promise<{ stdout: string; stderr: string; code: number | null }>((resolve, reject) => {
    const child = spawn(process.execPath, argv, { env: { ...env, BENCH_PROBE_OUT: probeOut }, stdio: ['ignore', 'pipe', 'pipe'] });
    const out: Buffer[] = [];
    const err: Buffer[] = [];
    child.stdout.on('data', (b: Buffer) => out.push(b));
    child.stderr.on('data', (b: Buffer) => err.push(b));
    child.on('error', reject);
    child.on('close', (c) =>
      resolve({ stdout: Buffer.concat(out).toString('utf8'), stderr: Buffer.concat(err).toString('utf8'), code: c }),
    );
  });
  const processMs = performance.now() - t0;
  const served = process.cpuUsage(cpu0);
  if (code !== 0 && code !== 1) throw new Error(`scan exited with ${code}: ${stderr.slice(0, 2000)}`);
  const report = JSON.parse(stdout) as { summary: Record<string, number> };
  const probe = JSON.parse(fs.readFileSync(probeOut, 'utf8')) as Probe;
  fs.rmSync(probeOut, { force: true });
  return {
    processMs,
    scanMs: report.summary.elapsedMs ?? NaN,
    requests: registryRequestCount(registry) - before,
    summary: report.summary,
    probe,
    registryCpuMs: Math.round((served.user + served.system) / 1000),
  };
}

let requestsSeen = 0;
function registryRequestCount(registry: FixtureRegistry | { requests: number }): number {
  if (typeof registry.requests === 'number') return registry.requests; // a delay proxy counts them itself
  // `requests` keeps the latest 50,000: count what was appended since last time, then empty it.
  requestsSeen += registry.requests.length;
  registry.requests.length = 0;
  return requestsSeen;
}

/** Sigstore verification cost per bundle on this machine: the world's attestation documents, in-process, one core. */
async function perBundleCost(world: World, trustedRootPath: string): Promise<{ msPerBundle: number; samples: number }> {
  const trust = await loadTrustMaterial({ trustedRootPath, npmKeysPath: undefined, refresh: false });
  const { parseNpmKeys } = await import('../src/verify/trust');
  const npmKeys = parseNpmKeys(JSON.stringify(world.data.npmKeys));
  const cases = world.data.packages.filter((c) => c.attestations).slice(0, 40);
  const run = (c: (typeof cases)[number]) =>
    verifyAttestations({
      name: c.name,
      version: c.version,
      integrity: c.integrity,
      document: c.attestations,
      trustedRoot: trust.trustedRoot,
      npmKeys,
    });
  for (const c of cases.slice(0, 5)) run(c); // warm-up (trust material built once, JIT)
  let bundles = 0;
  const t0 = performance.now();
  for (const c of cases) {
    const r = run(c);
    if (!r.ok) throw new Error(`bench world: ${c.name}@${c.version} does not verify: ${r.message}`);
    bundles += c.attestations!.attestations.length;
  }
  return { msPerBundle: (performance.now() - t0) / bundles, samples: bundles };
}

/** The editor's figures: 50 dependencies through the engine (worker as in the extension), at the given latency. */
async function editorFigures(world: World, registryUrl: string, trustedRootPath: string, dir: string) {
  const activation = JSON.parse(
    execFileSync(process.execPath, [path.join(__dirname, 'bench', 'activation.cjs')], { encoding: 'utf8' }),
  ) as {
    loadMs: number;
    activateMs: number;
    bytes: number;
    error?: string;
  };
  const cacheDir = path.join(dir, 'editor-cache');
  const requests: VerifyRequest[] = world.data.packages.slice(0, 50).map((c) => ({ name: c.name, version: c.version }));
  const makeEngine = () =>
    new ProvenanceEngine({
      registry: registryUrl,
      attestationRegistry: '',
      trustedRootPath,
      cacheDir,
      refreshTrust: false,
      useProjectNpmrc: false,
      workerScript: path.join(ROOT, 'dist', 'verify-worker.js'),
    });
  const engine = makeEngine();
  await engine.trust();
  const loop = monitorEventLoopDelay({ resolution: 2 });
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
  await engine.dispose();
  const warm = makeEngine();
  await warm.trust();
  const times: number[] = [];
  for (const v of verdicts) {
    if (!v.integrity) continue;
    const s = performance.now();
    await warm.verify({ name: v.name, version: v.version, integrity: v.integrity });
    times.push(performance.now() - s);
  }
  await warm.dispose();
  times.sort((a, b) => a - b);
  const pct = (p: number) => times[Math.min(times.length - 1, Math.floor((p / 100) * times.length))] ?? NaN;
  return {
    activation,
    dependencies: requests.length,
    verified: verdicts.filter((v) => v.status === 'verified').length,
    firstVerdictMs: first,
    allVerdictsMs: all,
    loopMaxMs: loop.max / 1e6,
    hover: { p50Ms: pct(50), p95Ms: pct(95), maxMs: times[times.length - 1] ?? NaN },
  };
}

async function main(): Promise<void> {
  if (!Number.isInteger(N) || N < 1) throw new Error('--n takes a positive whole number');
  if (!args['no-build']) {
    log('building (npm run build)…');
    execFileSync('npm', ['run', '--silent', 'build'], { cwd: ROOT, stdio: ['ignore', 'ignore', 'inherit'] });
  }
  if (!fs.existsSync(CLI)) throw new Error('dist/cli.js is missing: run `npm run build`');

  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'pl-bench-'));
  // The child processes read no user or global .npmrc: default settings, whatever this machine has.
  const home = path.join(dir, 'home');
  fs.mkdirSync(home);
  const env: NodeJS.ProcessEnv = {
    ...process.env,
    HOME: home,
    npm_config_userconfig: path.join(home, '.npmrc'),
    npm_config_globalconfig: path.join(home, 'npmrc-global'),
  };
  for (const k of Object.keys(env)) if (/^npm_config_/i.test(k) && !/^npm_config_(userconfig|globalconfig)$/i.test(k)) delete env[k];

  log(`generating a world of ${N} packages…`);
  const tg = performance.now();
  const world = await generateWorld({ count: N, seed: 'bench-world' });
  const generateMs = performance.now() - tg;
  const trustedRootPath = path.join(dir, 'trusted_root.json');
  fs.writeFileSync(trustedRootPath, JSON.stringify(world.data.trustedRoot));

  const registry = await startFixtureRegistry({
    latencyMs: LATENCY_MS,
    realworldDir: null,
    prefixes: [{ prefix: 'world', packages: world.fixturePackages, keys: world.data.registryKeys }],
  });
  // The mirror, as this machine's: strips provenance and sends no caching headers; 25 ms through a delay proxy.
  const mirrorOrigin = await startFixtureRegistry({
    realworldDir: null,
    prefixes: [{ prefix: 'stripping', packages: world.fixturePackages, keys: world.data.registryKeys, stripProvenance: true }],
  });
  const mirrorProxy = await startDelayProxy({
    upstream: `${mirrorOrigin.url}/stripping/`,
    latencyMs: LATENCY_MS,
    cacheHeaders: false,
    idleExitMs: 10 * 60_000,
  });
  const registryUrl = `${registry.url}/world/`;
  const mirrorUrl = mirrorProxy.url;
  // An attestation registry nobody answers at (connection refused at once): this machine's situation
  // behind its stripping mirror, without waiting for timeouts.
  const unreachable = await closedPortUrl();

  try {
    const project = path.join(dir, 'project');
    writeLockfileProject(project, world, registryUrl);
    const mirrorProject = path.join(dir, 'mirror-project');
    writeLockfileProject(mirrorProject, world, mirrorUrl);

    // What the CLI uses by default, for the floor: the client's sockets per registry.
    const sockets = SOCKETS_ARG ?? new RegistryClient({ registry: registryUrl, useProjectNpmrc: false, env, home }).sockets;
    const cores = typeof os.availableParallelism === 'function' ? os.availableParallelism() : os.cpus().length;

    log('measuring the per-bundle verification cost…');
    const cost = await perBundleCost(world, trustedRootPath);

    const common = ['--registry', registryUrl, '--attestation-registry', '', '--trusted-root', trustedRootPath];
    const cacheDir = path.join(dir, 'cache');
    log(`cold scan of ${N} packages (${LATENCY_MS} ms latency)…`);
    const cold = await runScan(registry, project, cacheDir, common, env);
    log(`  ${(cold.processMs / 1000).toFixed(2)} s, ${cold.requests} requests`);
    log('warm rescan, new process…');
    const warm = await runScan(registry, project, cacheDir, common, env);

    const bundles = world.data.packages.reduce((n, c) => n + (c.attestations?.attestations.length ?? 0), 0);
    const cpuFloorMs = (cost.msPerBundle * bundles) / cores;
    const networkFloorMs = (cold.requests / sockets) * LATENCY_MS;
    const floorMs = Math.max(cpuFloorMs, networkFloorMs);

    let mirror: { cold: RunResult; warm: RunResult } | undefined;
    if (!args['skip-mirror']) {
      log('through a stripping mirror (attestation registry unreachable): cold, then warm…');
      const mirrorCommon = ['--registry', mirrorUrl, '--attestation-registry', unreachable, '--trusted-root', trustedRootPath];
      const mirrorCache = path.join(dir, 'mirror-cache');
      const mCold = await runScan(mirrorProxy, mirrorProject, mirrorCache, mirrorCommon, env);
      const mWarm = await runScan(mirrorProxy, mirrorProject, mirrorCache, mirrorCommon, env);
      mirror = { cold: mCold, warm: mWarm };
    }

    const realworld = args.realworld
      ? (log('real-world lockfile (sigstore-js) through a delay proxy of the npm-configured registry…'), await realworldScan(dir, env))
      : undefined;

    const editor = args['skip-editor']
      ? undefined
      : (log('editor figures…'), await editorFigures(world, registryUrl, trustedRootPath, dir));

    const result = {
      machine: { cores, cpu: os.cpus()[0]?.model, node: process.version, loadavg: os.loadavg().map((l) => Number(l.toFixed(2))) },
      world: { packages: N, withProvenance: world.withProvenance, bundles, generateMs: Math.round(generateMs) },
      settings: { latencyMs: LATENCY_MS, sockets, concurrencyFlag: SOCKETS_ARG ?? null },
      cold: {
        processMs: Math.round(cold.processMs),
        scanMs: cold.scanMs,
        requests: cold.requests,
        requestsPerPackage: Number((cold.requests / N).toFixed(3)),
        summary: cold.summary,
        peakRssMB: Math.round(cold.probe.maxRssMB),
        mainThreadCpuMs: cold.probe.mainThreadCpuMs,
        processCpuMs: Math.round(cold.probe.cpuUserMs + cold.probe.cpuSystemMs),
        longestLoopBlockMs: Number(cold.probe.loopMaxMs.toFixed(1)),
        startupMs: Math.round(cold.probe.startupMs),
      },
      floor: {
        msPerBundle: Number(cost.msPerBundle.toFixed(3)),
        cpuMs: Math.round(cpuFloorMs),
        networkMs: Math.round(networkFloorMs),
        floorMs: Math.round(floorMs),
        ratio: Number((cold.processMs / floorMs).toFixed(2)),
        ratioScanOnly: Number((cold.scanMs / floorMs).toFixed(2)),
        // What the floor leaves out, on this machine: the loopback registry runs on the same cores, and the
        // scanning process has work besides Sigstore (HTTP, registry signatures, decisions, GC). All the CPU
        // the cold scan took on the machine, divided over its cores, is a bound no scheduling can beat.
        machine: {
          registryCpuMs: cold.registryCpuMs,
          cpuMs: Math.round((cold.probe.cpuUserMs + cold.probe.cpuSystemMs + cold.registryCpuMs) / cores),
          ratio: Number((cold.processMs / ((cold.probe.cpuUserMs + cold.probe.cpuSystemMs + cold.registryCpuMs) / cores)).toFixed(2)),
        },
      },
      warm: {
        processMs: Math.round(warm.processMs),
        scanMs: warm.scanMs,
        requests: warm.requests,
        peakRssMB: Math.round(warm.probe.maxRssMB),
        longestLoopBlockMs: Number(warm.probe.loopMaxMs.toFixed(1)),
      },
      ...(mirror
        ? {
            mirror: {
              coldProcessMs: Math.round(mirror.cold.processMs),
              warmProcessMs: Math.round(mirror.warm.processMs),
              coldScanMs: mirror.cold.scanMs,
              warmScanMs: mirror.warm.scanMs,
              coldRequests: mirror.cold.requests,
              warmRequests: mirror.warm.requests,
              warmOverCold: Number((mirror.warm.processMs / mirror.cold.processMs).toFixed(2)),
              summary: mirror.cold.summary,
            },
          }
        : {}),
      ...(editor ? { editor } : {}),
      ...(realworld ? { realworld } : {}),
    };

    if (args.json) {
      process.stdout.write(`${JSON.stringify(result, null, 2)}\n`);
    } else {
      const s = (ms: number) => `${(ms / 1000).toFixed(2)} s`;
      const m = (ms: number) => `${ms.toFixed(1)} ms`;
      const out = [
        `Provenance Lens benchmark — ${cores} cores, Node ${process.version}, load ${result.machine.loadavg.join(' ')}`,
        `World: ${N} packages (${world.withProvenance} with provenance, ${bundles} bundles), ${LATENCY_MS} ms per response, ${sockets} sockets`,
        `  cold scan (new process)        ${s(cold.processMs)} (scan ${s(cold.scanMs)}); ${cold.requests} requests = ${result.cold.requestsPerPackage} per package`,
        `  floor                          ${s(floorMs)} = max(CPU ${s(cpuFloorMs)} [${cost.msPerBundle.toFixed(2)} ms/bundle × ${bundles} ÷ ${cores}], network ${s(networkFloorMs)})`,
        `  cold ÷ floor                   ${result.floor.ratio}× (scan only ${result.floor.ratioScanOnly}×)`,
        `  machine CPU bound              ${s(result.floor.machine.cpuMs)} = (scan process ${result.cold.processCpuMs} ms + loopback registry ${cold.registryCpuMs} ms) ÷ ${cores}: cold is ${result.floor.machine.ratio}× it`,
        `  warm rescan (new process)      ${s(warm.processMs)} (scan ${s(warm.scanMs)}), ${warm.requests} requests`,
        `  peak RSS                       ${result.cold.peakRssMB} MB (warm ${result.warm.peakRssMB} MB)`,
        `  main thread CPU                ${cold.probe.mainThreadCpuMs ?? '?'} ms of ${result.cold.processCpuMs} ms`,
        `  longest event-loop block       ${m(cold.probe.loopMaxMs)} (warm ${m(warm.probe.loopMaxMs)}), after loading dist/cli.js in ${m(cold.probe.startupMs)}`,
        `  verdicts                       ${JSON.stringify(cold.summary)}`,
      ];
      if (mirror) {
        out.push(
          `Through a stripping mirror (attestation registry unreachable)`,
          `  cold ${s(mirror.cold.processMs)} (scan ${s(mirror.cold.scanMs)}; ${mirror.cold.requests} requests), warm ${s(mirror.warm.processMs)} (scan ${s(mirror.warm.scanMs)}; ${mirror.warm.requests} requests): warm = ${Math.round(result.mirror!.warmOverCold * 100)} % of cold`,
        );
      }
      if (editor) {
        out.push(
          `Editor`,
          `  activation                     load ${m(editor.activation.loadMs)} + activate() ${m(editor.activation.activateMs)} (dist/extension.js ${(editor.activation.bytes / 1e6).toFixed(2)} MB)${editor.activation.error ? ` [${editor.activation.error}]` : ''}`,
          `  ${editor.dependencies} dependencies, cold       first verdict ${m(editor.firstVerdictMs)}, all ${m(editor.allVerdictsMs)}, longest block ${m(editor.loopMaxMs)}`,
          `  hover from the cache           p50 ${m(editor.hover.p50Ms)}, p95 ${m(editor.hover.p95Ms)}, max ${m(editor.hover.maxMs)}`,
        );
      }
      if (realworld) {
        out.push(
          `Real-world lockfile: ${realworld.project} (${realworld.summary.total} packages) via ${realworld.upstream} + ${LATENCY_MS} ms`,
          `  cold ${s(realworld.coldProcessMs)} (${realworld.coldRequests} requests), warm ${s(realworld.warmProcessMs)} (${realworld.warmRequests} requests); ${JSON.stringify(realworld.summary)}`,
        );
      }
      process.stdout.write(`${out.join('\n')}\n`);
    }
  } finally {
    await registry.close();
    await mirrorProxy.close();
    await mirrorOrigin.close();
    if (!args.keep) fs.rmSync(dir, { recursive: true, force: true });
    else log(`kept ${dir}`);
  }
}

/**
 * sigstore-js's real lockfile (/work/shared/realworld/projects/sigstore-js, else the in-repository copy)
 * scanned through a loopback delay proxy of the registry npm's configuration names: cold, then warm.
 */
async function realworldScan(dir: string, env: NodeJS.ProcessEnv) {
  const candidates = [
    '/work/shared/realworld/projects/sigstore-js',
    path.join(ROOT, 'test', 'fixtures', 'realworld', 'projects', 'sigstore-js'),
  ];
  const source = candidates.find((c) => fs.existsSync(path.join(c, 'package-lock.json')));
  if (!source) throw new Error('no sigstore-js project found (looked in ' + candidates.join(', ') + ')');
  const project = path.join(dir, 'sigstore-js');
  fs.cpSync(source, project, { recursive: true });
  const upstream = npmConfiguredRegistry();
  const proxy = await startDelayProxy({ upstream, latencyMs: LATENCY_MS, idleExitMs: 5 * 60_000 });
  try {
    // The proxy is the registry and the attestation registry (as this machine's npm config: one registry).
    const flags = ['--registry', proxy.url, '--attestation-registry', proxy.url];
    const cache = path.join(dir, 'realworld-cache');
    const cold = await runScan(proxy, project, cache, flags, env);
    const warm = await runScan(proxy, project, cache, flags, env);
    return {
      project: source,
      upstream,
      coldProcessMs: Math.round(cold.processMs),
      warmProcessMs: Math.round(warm.processMs),
      coldRequests: cold.requests,
      warmRequests: warm.requests,
      peakRssMB: Math.round(cold.probe.maxRssMB),
      longestLoopBlockMs: Number(cold.probe.loopMaxMs.toFixed(1)),
      summary: cold.summary,
    };
  } finally {
    await proxy.close();
  }
}

async function closedPortUrl(): Promise<string> {
  const net = await import('node:net');
  const server = net.createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as import('node:net').AddressInfo).port;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return `http://127.0.0.1:${port}/`;
}

main().catch((err) => {
  console.error(err);
  process.exitCode = 1;
});
