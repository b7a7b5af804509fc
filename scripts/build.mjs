// Bundles the extension and the CLI with esbuild.
import { build } from 'esbuild';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

const pkg = JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8'));

const production = process.argv.includes('--production');

// Modules the bundles never use, left out. minipass-fetch (the registry client's fetch) tries
// `require('iconv-lite')` in a try/catch for Body.textConverted(), which nothing here calls; its
// encoding tables were 29 % of dist/extension.js. The stand-in throws, so minipass-fetch treats the
// optional dependency as absent, exactly as without node_modules.
const unused = ['iconv-lite'];
const leaveOutUnused = {
  name: 'leave-out-unused',
  setup(b) {
    const filter = new RegExp(`^(${unused.map((m) => m.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')).join('|')})$`);
    b.onResolve({ filter }, (args) => ({ path: args.path, namespace: 'unused' }));
    b.onLoad({ filter: /.*/, namespace: 'unused' }, (args) => ({
      contents: `throw new Error(${JSON.stringify(`${args.path} is not bundled (never used by Provenance Lens)`)});`,
      loader: 'js',
    }));
  },
};
const common = {
  bundle: true,
  platform: 'node',
  target: 'node20',
  format: 'cjs',
  sourcemap: production ? false : 'linked',
  minify: production,
  logLevel: 'warning',
  legalComments: 'none',
  // jsonc-parser's UMD entry hides its requires from bundlers: prefer ES module entries.
  mainFields: ['module', 'main'],
  define: { PROVENANCE_LENS_VERSION: JSON.stringify(pkg.version) },
  plugins: [leaveOutUnused],
};

// The editor loads the engine on first use (src/providers/engine/host.ts requires it lazily); in one
// bundle its 2.4 MB (sigstore, the registry client, lockfile parsers) were still parsed at activation.
// So the engine and the scan go to dist/verify-engine.js, and the extension's lazy requires of them
// become requires of that file: dist/extension.js keeps only what activation needs.
const LAZY = { engine: 'src/verify/engine.ts', scan: 'src/verify/scan.ts', manifest: 'src/verify/resolve/manifest.ts' };
const lazyEngine = {
  name: 'lazy-engine',
  setup(b) {
    b.onResolve({ filter: /(^|\/)verify\/(engine|scan|resolve\/manifest)$/ }, (args) => {
      const which = args.path.split('/').pop();
      if (/[\\/]src[\\/]verify[\\/]/.test(args.importer)) return undefined; // inside the engine itself
      return { path: which, namespace: 'lazy-engine' };
    });
    b.onResolve({ filter: /^\.\/verify-engine\.js$/ }, () => ({ path: './verify-engine.js', external: true }));
    b.onLoad({ filter: /.*/, namespace: 'lazy-engine' }, (args) => ({
      contents: `module.exports = require('./verify-engine.js').${args.path};`,
      loader: 'js',
    }));
  },
};

await Promise.all([
  build({
    ...common,
    entryPoints: ['src/extension.ts'],
    outfile: 'dist/extension.js',
    external: ['vscode'],
    plugins: [...common.plugins, lazyEngine],
  }),
  build({
    ...common,
    stdin: {
      contents: Object.entries(LAZY)
        .map(([k, file]) => `exports.${k} = require('./${file}');`)
        .join('\n'),
      resolveDir: fileURLToPath(new URL('..', import.meta.url)),
      sourcefile: 'verify-engine-entry.js',
      loader: 'js',
    },
    outfile: 'dist/verify-engine.js',
  }),
  build({ ...common, entryPoints: ['src/cli.ts'], outfile: 'dist/cli.js', banner: { js: '#!/usr/bin/env node' } }),
  // Runs the Sigstore checks off the main thread (the extension host's event loop stays free).
  build({ ...common, entryPoints: ['src/verify/worker/main.ts'], outfile: 'dist/verify-worker.js' }),
]);
