/**
 * Activation must stay cheap: the bundle's activate() must not load the engine (sigstore, the
 * registry client, lockfile parsers). Bundles src/extension.ts the way scripts/build.mjs does, loads
 * it with a stand-in `vscode` module, and watches which Node built-ins get required.
 */
import { strict as assert } from 'node:assert';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import Module from 'node:module';
import { anything, standIns } from './vscodeStandIn';

type AnyFn = (...args: unknown[]) => unknown;

describe('lazy engine loading', function () {
  this.timeout(60000);
  const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'pl-lazy-'));
  const bundle = path.join(tmp, 'extension.js');
  const commands = new Map<string, AnyFn>();
  const required: string[] = [];
  const fakeVscodePath = path.join(tmp, 'vscode-stub.js');
  type Resolver = (request: string, ...rest: unknown[]) => string;
  const mod = Module as unknown as { _resolveFilename: Resolver; prototype: { require: (id: string) => unknown } };
  const originalResolve = mod._resolveFilename;
  const originalRequire = mod.prototype.require;

  before(async () => {
    const esbuild = await import('esbuild');
    await esbuild.build({
      entryPoints: [path.resolve(__dirname, '../../../src/extension.ts')],
      outfile: bundle,
      bundle: true,
      platform: 'node',
      target: 'node20',
      format: 'cjs',
      external: ['vscode'],
      logLevel: 'silent',
    });
    const config = { get: (_k: string, d: unknown) => d, inspect: () => undefined, update: async () => undefined };
    const fake = standIns(['ConfigurationTarget', 'EventEmitter', 'languages']);
    Object.assign(fake, {
      workspace: anything({
        textDocuments: [],
        workspaceFolders: undefined,
        isTrusted: true,
        getConfiguration: () => config,
      }),
      window: anything({ visibleTextEditors: [], activeTextEditor: undefined }),
      commands: anything({
        registerCommand: (id: string, fn: AnyFn) => {
          commands.set(id, fn);
          return { dispose() {} };
        },
      }),
    });
    mod._resolveFilename = function (this: unknown, request: string, ...rest: unknown[]) {
      if (request === 'vscode') return fakeVscodePath;
      return originalResolve.call(this, request, ...rest);
    };
    require.cache[fakeVscodePath] = {
      id: fakeVscodePath,
      filename: fakeVscodePath,
      loaded: true,
      exports: fake,
    } as unknown as NodeJS.Module;
    mod.prototype.require = function (this: unknown, id: string) {
      required.push(id.replace(/^node:/, ''));
      return originalRequire.call(this, id);
    };
  });

  after(() => {
    mod._resolveFilename = originalResolve;
    mod.prototype.require = originalRequire;
    delete require.cache[fakeVscodePath];
    delete require.cache[bundle];
    fs.rmSync(tmp, { recursive: true, force: true });
  });

  it('activates without loading the engine, and loads it on first use', async () => {
    const HEAVY = ['https', 'http2', 'tls', 'zlib', 'crypto'];
    // eslint-disable-next-line @typescript-eslint/no-require-imports -- VS Code require()s the bundle; the hooked require records what activation loads
    const ext = require(bundle) as { activate(context: unknown): void };
    const context = {
      subscriptions: [] as unknown[],
      globalStorageUri: { fsPath: path.join(tmp, 'storage') },
      extensionUri: { fsPath: tmp },
      extension: { packageJSON: { version: '0.0.0-test' } },
    };
    ext.activate(context);
    const atActivation = new Set(required);
    assert.deepEqual(
      HEAVY.filter((m) => atActivation.has(m)),
      [],
      `activation required ${[...atActivation].join(', ')}`,
    );
    for (const id of ['scanWorkspace', 'exportReport', 'verifyAtCursor', 'clearCache', 'showLog']) {
      assert.ok(commands.has(`provenanceLens.${id}`), `command provenanceLens.${id} not registered`);
    }
    // Clear Cache creates an engine: now the engine module (and its dependencies) load.
    await commands.get('provenanceLens.clearCache')!();
    const after = new Set(required);
    assert.ok(
      HEAVY.some((m) => after.has(m)),
      `the engine did not load on first use (required: ${[...after].join(', ')})`,
    );
  });
});
