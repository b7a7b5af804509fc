// Activation cost of the bundled extension, measured in a fresh Node process: loading dist/extension.js
// and calling activate() with a stand-in `vscode` module (every API a no-op), as the extension host
// would. Prints {"loadMs", "activateMs"} as JSON. Usage: node scripts/bench/activation.cjs [dist/extension.js]
'use strict';
const Module = require('node:module');
const os = require('node:os');
const path = require('node:path');
const fs = require('node:fs');

function stub() {
  const cache = new Map();
  const make = (name) => {
    if (cache.has(name)) return cache.get(name);
    const fn = function () {};
    const proxy = new Proxy(fn, {
      get(_t, prop) {
        if (prop === 'then') return undefined; // not a promise
        if (prop === Symbol.iterator) return function* () {};
        if (prop === Symbol.toPrimitive) return () => '';
        if (prop === 'length') return 0;
        if (prop === 'prototype') return fn.prototype;
        return make(`${name}.${String(prop)}`);
      },
      // esbuild's __toESM copies from Object.create(prototype): let lookups fall through to the stub
      getPrototypeOf: () => proxy,
      set: () => true,
      apply: () => make(`${name}()`),
      construct: () => make(`new ${name}`),
    });
    cache.set(name, proxy);
    return proxy;
  };
  return make('vscode');
}

const vscode = stub();
const resolve = Module._resolveFilename;
Module._resolveFilename = function (request, ...rest) {
  return request === 'vscode' ? 'vscode' : resolve.call(this, request, ...rest);
};
require.cache.vscode = { id: 'vscode', filename: 'vscode', loaded: true, exports: vscode };

const script = path.resolve(process.argv[2] || path.join(__dirname, '..', '..', 'dist', 'extension.js'));
const storage = fs.mkdtempSync(path.join(os.tmpdir(), 'pl-activation-'));
const uri = { fsPath: storage, path: storage, scheme: 'file', toString: () => `file://${storage}` };
const memento = { get: () => undefined, update: async () => undefined, keys: () => [] };
const context = new Proxy(
  {
    subscriptions: [],
    globalStorageUri: uri,
    storageUri: uri,
    logUri: uri,
    extensionUri: uri,
    extensionPath: storage,
    globalState: memento,
    workspaceState: memento,
    extension: { packageJSON: { version: '0.0.0' } },
  },
  { get: (t, p) => (p in t ? t[p] : vscode[p]) },
);

const t0 = performance.now();
const ext = require(script);
const t1 = performance.now();
let error;
try {
  ext.activate(context);
} catch (err) {
  error = String(err && err.message ? err.message : err);
}
const t2 = performance.now();
process.stdout.write(
  JSON.stringify({ loadMs: t1 - t0, activateMs: t2 - t1, bytes: fs.statSync(script).size, ...(error ? { error } : {}) }) + '\n',
);
fs.rmSync(storage, { recursive: true, force: true });
process.exit(0);
