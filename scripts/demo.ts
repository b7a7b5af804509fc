// Demo launcher (run through scripts/demo.sh, which installs what is missing and packages the VSIX):
// starts the loopback fixture registry with the real-world and synthetic packages and the merged
// trusted root (test/e2e/support/world.ts, shared with the e2e suite), then code-server with the
// packaged extension on demo/workspace, with settings pointing Provenance Lens at them. Prints the URL
// and stays up until Ctrl-C (SIGINT) / SIGTERM, then stops everything it started. Offline: nothing but
// 127.0.0.1 is contacted.
//
//   node --import tsx scripts/demo.ts --vsix FILE [--workspace DIR] [--port N] [--registry-port N]
//                                     [--screenshot FILE]
//
// --screenshot FILE  don't stay up: open the workbench in Chromium, open the first package.json, wait
//                    until every badge has settled, save a screenshot, stop (a non-interactive check)
// DEMO_SETTINGS      JSON object merged into the user settings
import { existsSync, readdirSync, statSync } from 'node:fs';
import * as net from 'node:net';
import * as path from 'node:path';
import { openBrowser, REPO_ROOT, startCodeServer, waitFor, type CodeServer } from '../test/e2e/harness';
import { DEMO_WORKSPACE, startProvenanceWorld, type ProvenanceWorld } from '../test/e2e/support/world';

interface Args {
  vsix?: string;
  workspace: string;
  port: number;
  registryPort: number;
  screenshot?: string;
}

function parseArgs(argv: string[]): Args {
  const args: Args = {
    workspace: process.env.DEMO_WORKSPACE ?? DEMO_WORKSPACE,
    port: Number(process.env.DEMO_PORT ?? 8080),
    registryPort: Number(process.env.DEMO_REGISTRY_PORT ?? 0),
    vsix: process.env.PROVENANCE_LENS_VSIX,
  };
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    const next = () => {
      const v = argv[++i];
      if (v === undefined) throw new Error(`${a} needs a value`);
      return v;
    };
    if (a === '--vsix') args.vsix = next();
    else if (a === '--workspace') args.workspace = next();
    else if (a === '--port') args.port = Number(next());
    else if (a === '--registry-port') args.registryPort = Number(next());
    else if (a === '--screenshot') args.screenshot = next();
    else if (!a.startsWith('-')) args.workspace = a;
    else throw new Error(`unknown option ${a}`);
  }
  return args;
}

async function portInUse(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const s = net.createConnection({ host: '127.0.0.1', port });
    s.once('connect', () => {
      s.destroy();
      resolve(true);
    });
    s.once('error', () => resolve(false));
  });
}

function firstPackageJson(dir: string, depth = 0): string | undefined {
  if (existsSync(path.join(dir, 'package.json'))) return 'package.json';
  if (depth > 3) return undefined;
  for (const e of readdirSync(dir).sort()) {
    if (e === 'node_modules' || e.startsWith('.')) continue;
    const p = path.join(dir, e);
    if (statSync(p).isDirectory()) {
      const found = firstPackageJson(p, depth + 1);
      if (found) return `${e}/${found}`;
    }
  }
  return undefined;
}

async function main(): Promise<void> {
  const args = parseArgs(process.argv.slice(2));
  const workspace = path.resolve(args.workspace);
  if (!existsSync(workspace)) {
    throw new Error(`workspace folder ${workspace} not found (pass another folder: bash scripts/demo.sh DIR)`);
  }
  if (!args.vsix || !existsSync(args.vsix)) throw new Error(`VSIX not found: ${args.vsix ?? '(none given)'}`);

  let world: ProvenanceWorld | undefined;
  let server: CodeServer | undefined;
  let stopping = false;
  const shutdown = async (code: number) => {
    if (stopping) return;
    stopping = true;
    await server?.close().catch(() => undefined);
    await world?.close().catch(() => undefined);
    process.exit(code);
  };
  for (const sig of ['SIGINT', 'SIGTERM', 'SIGHUP'] as const) process.on(sig, () => void shutdown(0));

  try {
    world = await startProvenanceWorld({ port: args.registryPort });
    console.log(`[demo] fixture registry: ${world.url}  (merged trusted root: ${world.trustedRootPath})`);

    const settings: Record<string, unknown> = {
      ...world.settings,
      // Show the window as a newcomer would have it: the workspace README opens first.
      'workbench.startupEditor': 'readme',
      'workbench.colorTheme': 'Default Light Modern',
    };
    if (process.env.DEMO_SETTINGS) Object.assign(settings, JSON.parse(process.env.DEMO_SETTINGS) as Record<string, unknown>);

    let port = args.port;
    if (port && (await portInUse(port))) {
      console.warn(`[demo] port ${port} is busy, using a free one`);
      port = 0;
    }
    server = await startCodeServer({
      workspace,
      vsix: args.vsix,
      settings,
      machineSettings: world.machineSettings,
      env: world.env,
      port,
      name: 'demo',
    });
  } catch (e) {
    console.error(`[demo] ${(e as Error).message ?? e}`);
    await shutdown(1);
    return;
  }

  if (args.screenshot) {
    try {
      const session = await openBrowser(server.url);
      try {
        // A newcomer first sees the workspace README (workbench.startupEditor: readme), which opens a
        // moment after the workbench; then opens package.json as it says.
        await session.page
          .locator('.tabs-container .tab[aria-label*="README.md"]')
          .first()
          .waitFor({ state: 'attached', timeout: 15_000 })
          .catch(() => console.warn('[demo] the workspace README did not open'));
        const rel = firstPackageJson(workspace);
        if (rel) await session.workbench.openFile(rel);
        // Wait for the badges (after-decorations on the dependency lines) to settle: present, and
        // none still showing the pending "…".
        const badges = () =>
          session.page.locator('.editor-instance .view-line span[class*="ced-"]').evaluateAll(
            (els) => els.map((e: any) => String((globalThis as any).getComputedStyle(e, '::after').content)), // eslint-disable-line @typescript-eslint/no-explicit-any
          );
        const t0 = Date.now();
        await waitFor(
          async () => {
            const b = await badges();
            return b.length > 0 && !b.some((c) => c.includes('\u2026'));
          },
          { timeout: 60_000, interval: 500 },
        ).then(
          () => console.log(`[demo] badges settled ${((Date.now() - t0) / 1000).toFixed(1)} s after opening ${rel}`),
          async () => console.warn(`[demo] badges did not settle within 60 s: ${JSON.stringify(await badges())}`),
        );
        const file = path.resolve(args.screenshot);
        await session.page.screenshot({ path: file });
        console.log(`[demo] screenshot: ${file}`);
      } finally {
        await session.close();
      }
      await shutdown(0);
    } catch (e) {
      console.error(e);
      await shutdown(1);
    }
    return;
  }

  console.log('');
  console.log(`  Provenance Lens demo is running: ${server.url}`);
  console.log(`  workspace: ${path.relative(REPO_ROOT, workspace) || workspace} — open package.json (README.md explains each line)`);
  console.log('  Press Ctrl-C to stop.');
  console.log('');
  // Stay up until a signal arrives.
  setInterval(() => undefined, 1 << 30);
}

main().catch(async (e: unknown) => {
  console.error(`[demo] ${(e as Error).message ?? e}`);
  process.exit(1);
});
