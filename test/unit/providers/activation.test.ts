/**
 * What activation registers, and a few command and event handlers, against a stand-in `vscode`
 * module that records registrations, messages and setting updates. Engines are never created here.
 */
import { strict as assert } from 'node:assert';
import * as fs from 'node:fs';
import Module, { createRequire } from 'node:module';
import * as path from 'node:path';
import { anything, standIns } from './vscodeStandIn';

/** Loads the sources under test after the stand-in `vscode` is in place (and so a fresh copy each test). */
const load = createRequire(__filename);

type AnyFn = (...args: unknown[]) => unknown;
interface Tagged {
  tag?: string;
  dispose(): void;
}

/** `base`, with anything() for the members it does not define. */
function withFallback<T extends object>(base: T): T {
  const fallback = new Map<string | symbol, unknown>();
  return new Proxy(base, {
    get(t, key) {
      if (key in t) return (t as Record<string | symbol, unknown>)[key];
      if (!fallback.has(key)) fallback.set(key, anything());
      return fallback.get(key);
    },
  });
}

class EventEmitter<T> {
  private listeners: ((e: T) => unknown)[] = [];
  constructor(private readonly tag = 'emitter') {}
  readonly event = (listener: (e: T) => unknown): Tagged => {
    this.listeners.push(listener);
    return { tag: this.tag, dispose: () => (this.listeners = this.listeners.filter((l) => l !== listener)) };
  };
  fire(e: T): void {
    for (const l of [...this.listeners]) l(e);
  }
  dispose(): void {
    this.listeners = [];
  }
}

const tagged = (tag: string): Tagged => ({ tag, dispose() {} });

function fakeVscode() {
  const record = {
    commands: new Map<string, AnyFn>(),
    messages: [] as string[],
    errors: [] as string[],
    updates: [] as [string, unknown, unknown][],
    workspaceIgnore: [] as string[],
    failUpdate: false,
    treeView: { message: undefined as string | undefined, dispose() {} },
  };
  const configurationChanged = new EventEmitter<{ affectsConfiguration(key: string): boolean }>('event:configuration');
  const trustGranted = new EventEmitter<void>('event:trust');
  const config = {
    get: (_k: string, d: unknown) => d,
    inspect: (key: string) => (key === 'ignore' ? { workspaceValue: record.workspaceIgnore } : undefined),
    update: async (key: string, value: unknown, target: unknown) => {
      if (record.failUpdate) throw new Error('settings are read-only');
      record.updates.push([key, value, target]);
      if (key === 'ignore') record.workspaceIgnore = value as string[];
    },
  };
  const log = withFallback({ info() {}, warn() {}, error: (m: string) => record.errors.push(m), show() {} });
  const message = async (m: string) => {
    record.messages.push(m);
    return undefined;
  };
  const vscode = {
    ...standIns(),
    EventEmitter,
    ConfigurationTarget: { Global: 1, Workspace: 2, WorkspaceFolder: 3 },
    commands: withFallback({
      registerCommand: (id: string, fn: AnyFn) => {
        record.commands.set(id, fn);
        return tagged(`command:${id}`);
      },
      executeCommand: async () => undefined,
    }),
    languages: withFallback({
      registerHoverProvider: () => tagged('hover'),
      registerCodeActionsProvider: () => tagged('codeActions'),
      registerCompletionItemProvider: () => tagged('completion'),
    }),
    workspace: withFallback({
      isTrusted: true,
      workspaceFolders: [{ uri: { fsPath: '/ws' } }],
      textDocuments: [],
      getConfiguration: () => config,
      onDidChangeConfiguration: configurationChanged.event,
      onDidGrantWorkspaceTrust: trustGranted.event,
    }),
    window: withFallback({
      activeTextEditor: undefined,
      visibleTextEditors: [],
      createOutputChannel: () => log,
      createTreeView: () => record.treeView,
      showInformationMessage: message,
      showWarningMessage: message,
      showErrorMessage: message,
    }),
  };
  return { vscode, record, configurationChanged, trustGranted };
}

describe('editor activation', () => {
  type Resolver = (request: string, ...rest: unknown[]) => string;
  const mod = Module as unknown as { _resolveFilename: Resolver };
  const originalResolve = mod._resolveFilename;
  const stubPath = path.join(__dirname, '__vscode-stub__.js');
  let fake: ReturnType<typeof fakeVscode>;
  let cachedBefore: Set<string>;

  beforeEach(() => {
    fake = fakeVscode();
    cachedBefore = new Set(Object.keys(require.cache));
    mod._resolveFilename = function (this: unknown, request: string, ...rest: unknown[]) {
      return request === 'vscode' ? stubPath : originalResolve.call(this, request, ...rest);
    };
    require.cache[stubPath] = { id: stubPath, filename: stubPath, loaded: true, exports: fake.vscode } as unknown as NodeJS.Module;
  });

  afterEach(() => {
    mod._resolveFilename = originalResolve;
    // Modules loaded here hold this test's stand-in: later tests load their own.
    for (const key of Object.keys(require.cache)) if (!cachedBefore.has(key)) delete require.cache[key];
    delete require.cache[stubPath];
  });

  const extensionContext = () => ({
    subscriptions: [] as Tagged[],
    globalStorageUri: { fsPath: '/storage' },
    extensionUri: { fsPath: '/extension' },
    extension: { packageJSON: { version: '0.0.0-test' } },
  });

  async function activate() {
    const { activateLens } = load('../../../src/providers/lens') as typeof import('../../../src/providers/lens');
    const context = extensionContext();
    activateLens(context as never);
    return context;
  }

  it('registers the language features, then every contributed command in package.json order, then the events', async () => {
    const context = await activate();
    const manifest = JSON.parse(fs.readFileSync(path.resolve(__dirname, '../../../package.json'), 'utf8')) as {
      contributes: { commands: { command: string }[] };
    };
    const contributed = manifest.contributes.commands.map((c) => `command:${c.command}`);
    const tags = context.subscriptions.map((s) => s.tag).filter((t): t is string => typeof t === 'string');
    assert.deepEqual(tags, ['hover', 'codeActions', 'completion', ...contributed, 'emitter', 'event:configuration', 'event:trust']);
  });

  it('Ignore Package adds the name to the workspace setting once; a failing command is logged and shown', async () => {
    await activate();
    const ignore = fake.record.commands.get('provenanceLens.ignorePackage')!;
    fake.record.workspaceIgnore = ['already'];
    await ignore('left-pad');
    await ignore('left-pad');
    await ignore(42);
    assert.deepEqual(fake.record.updates, [['ignore', ['already', 'left-pad'], 2]]);
    fake.record.failUpdate = true;
    assert.equal(await ignore('other'), undefined);
    assert.deepEqual(fake.record.messages, ['Provenance: settings are read-only']);
    assert.match(fake.record.errors[0] ?? '', /^provenanceLens\.ignorePackage failed: Error: settings are read-only/);
  });

  it('Verify Dependency at Cursor without a package.json editor asks for one', async () => {
    await activate();
    await fake.record.commands.get('provenanceLens.verifyAtCursor')!();
    assert.deepEqual(fake.record.messages, ['Provenance: put the cursor on a dependency in a package.json.']);
  });

  it('a registry or trust setting change clears the last scan and says why; a badge style change keeps it', async () => {
    const { LensContext } = load('../../../src/providers/context') as typeof import('../../../src/providers/context');
    const { registerConfigurationWatcher } = load(
      '../../../src/providers/events/configuration',
    ) as typeof import('../../../src/providers/events/configuration');
    const { registerTrustGrant } = load(
      '../../../src/providers/events/workspaceTrust',
    ) as typeof import('../../../src/providers/events/workspaceTrust');
    const lens = new LensContext(extensionContext() as never);
    registerConfigurationWatcher(lens);
    registerTrustGrant(lens);
    const results = { items: [], projects: [], cancelled: false } as unknown as Parameters<typeof lens.results.show>[0];
    const change = (...keys: string[]) => ({ affectsConfiguration: (key: string) => key === 'provenanceLens' || keys.includes(key) });

    lens.results.show(results);
    fake.configurationChanged.fire(change('provenanceLens.badges.style'));
    assert.equal(lens.results.get(), results);
    assert.equal(fake.record.treeView.message, undefined);

    fake.configurationChanged.fire(change('provenanceLens.registry'));
    assert.equal(lens.results.get(), undefined);
    assert.equal(
      fake.record.treeView.message,
      "Registry or trust settings changed. The previous scan's results were cleared: run Provenance: Scan Workspace again.",
    );

    lens.results.show(results);
    assert.equal(fake.record.treeView.message, undefined);
    fake.trustGranted.fire();
    assert.equal(lens.results.get(), undefined);
    assert.match(fake.record.treeView.message ?? '', /^The workspace is now trusted\. The previous scan's results were cleared/);
  });
});
