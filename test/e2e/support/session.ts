/**
 * One VS Code session on a copy of the demo workspace: the fixture registry "world" (real-world and
 * synthetic provenance, merged trusted root), code-server with the packaged VSIX and its settings, and
 * a browser on it. Shared by the extension suites; `close()` stops everything it started.
 */
import { cp } from 'node:fs/promises';
import { makeWorkspace, openBrowser, startCodeServer, type BrowserSession, type CodeServer } from '../harness';
import { DEMO_WORKSPACE, startProvenanceWorld, type ProvenanceWorld } from './world';

export interface DemoSession {
  world: ProvenanceWorld;
  workspace: string;
  server: CodeServer;
  session: BrowserSession;
  close(): Promise<void>;
}

export async function startDemoSession(opts: {
  name: string;
  workspaceTrust?: boolean;
  onStep?: (what: string) => void;
}): Promise<DemoSession> {
  const vsix = process.env.PROVENANCE_LENS_VSIX;
  if (!vsix) throw new Error('PROVENANCE_LENS_VSIX is not set: run through scripts/e2e/run.sh, which packages the extension');
  const started: (() => Promise<void>)[] = [];
  const close = async () => {
    for (const stop of started.reverse()) await stop().catch(() => undefined);
  };
  try {
    const world = await startProvenanceWorld();
    started.push(() => world.close());
    opts.onStep?.(`fixture registry at ${world.url}`);
    const ws = await makeWorkspace({});
    started.push(() => ws.remove());
    await cp(DEMO_WORKSPACE, ws.dir, { recursive: true });
    const server = await startCodeServer({
      workspace: ws.dir,
      vsix,
      settings: world.settings,
      machineSettings: world.machineSettings,
      env: world.env,
      name: opts.name,
      ...(opts.workspaceTrust ? { workspaceTrust: true } : {}),
    });
    started.push(() => server.close());
    opts.onStep?.(`code-server up at ${server.origin}`);
    const session = await openBrowser(server.url);
    started.push(() => session.close());
    opts.onStep?.('workbench ready');
    return { world, workspace: ws.dir, server, session, close };
  } catch (err) {
    await close();
    throw err;
  }
}
