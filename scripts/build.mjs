// Bundles the extension and the CLI with esbuild.
import { build } from 'esbuild';
import { readFileSync } from 'node:fs';

const pkg = JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8'));

const production = process.argv.includes('--production');

// Modules the bundles never use, left out. minipass-fetch (under make-fetch-happen) tries
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

await Promise.all([
  build({ ...common, entryPoints: ['src/extension.ts'], outfile: 'dist/extension.js', external: ['vscode'] }),
  build({ ...common, entryPoints: ['src/cli.ts'], outfile: 'dist/cli.js', banner: { js: '#!/usr/bin/env node' } }),
  // Runs the Sigstore checks off the main thread (the extension host's event loop stays free).
  build({ ...common, entryPoints: ['src/verify/worker/main.ts'], outfile: 'dist/verify-worker.js' }),
]);
