import { strict as assert } from 'node:assert';
import * as fs from 'node:fs';
import * as path from 'node:path';

/**
 * The bundles scripts/build.mjs makes (npm test builds first): the extension's bundle keeps only what
 * activation needs and loads the engine from dist/verify-engine.js on first use; no bundle carries
 * iconv-lite's tables.
 */
describe('bundles (dist/)', () => {
  const dist = path.resolve(__dirname, '..', '..', '..', 'dist');
  const read = (f: string) => {
    const file = path.join(dist, f);
    assert.ok(fs.existsSync(file), `${file} is missing: run \`npm run build\` first (npm test does)`);
    return fs.readFileSync(file, 'utf8');
  };

  it('dist/extension.js requires the engine and the scan from dist/verify-engine.js, lazily, and bundles no Sigstore code', () => {
    const ext = read('extension.js');
    assert.match(ext, /require\("\.\/verify-engine\.js"\)\.engine/);
    assert.match(ext, /require\("\.\/verify-engine\.js"\)\.scan/);
    assert.doesNotMatch(ext, /node_modules\/@sigstore\/verify/, 'sigstore belongs to the engine bundle');
    assert.doesNotMatch(ext, /node_modules\/make-fetch-happen/);
    // the spec parser and the lockfiles' SRI library are the engine's too (the scan view reads the
    // manifest through dist/verify-engine.js)
    assert.match(ext, /require\("\.\/verify-engine\.js"\)\.manifest/);
    assert.doesNotMatch(ext, /node_modules\/npm-package-arg/);
    assert.doesNotMatch(ext, /node_modules\/ssri/);
  });

  it('dist/verify-engine.js exports the engine, the scan and the manifest reader', () => {
    // eslint-disable-next-line @typescript-eslint/no-require-imports -- the built bundle at a runtime path, loaded as dist/extension.js loads it
    const lazy = require(path.join(dist, 'verify-engine.js')) as {
      engine: { ProvenanceEngine?: unknown };
      scan: { scanProject?: unknown; ScanSetupError?: unknown };
      manifest: { parseManifest?: unknown };
    };
    assert.equal(typeof lazy.manifest.parseManifest, 'function');
    assert.equal(typeof lazy.engine.ProvenanceEngine, 'function');
    assert.equal(typeof lazy.scan.scanProject, 'function');
    assert.equal(typeof lazy.scan.ScanSetupError, 'function');
  });

  it('no bundle carries iconv-lite (minipass-fetch treats it as absent)', () => {
    for (const f of ['extension.js', 'verify-engine.js', 'cli.js', 'verify-worker.js']) {
      assert.doesNotMatch(read(f), /encodings\/tables\/cp936/, f);
    }
  });
});
