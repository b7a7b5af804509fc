import { strict as assert } from 'node:assert';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { parseLockfile, readLockfile } from '../../../src/verify/resolve/lockfile';
import { runSliced, runToEnd } from '../../../src/verify/resolve/lockfiles/common';
import { npmLockfileSteps, parseNpmLockfile } from '../../../src/verify/resolve/lockfiles/npm';
import { REPO_ROOT } from '../../fixture-registry';
import { fixture } from './helpers';

/** Everything a parse gives, resolveDirect included (asked for every package name from the root and from each location). */
function observable(lf: ReturnType<typeof parseNpmLockfile>) {
  const names = [...new Set(lf.packages.map((p) => p.name))].sort();
  const importers = ['', ...new Set(lf.packages.map((p) => p.location ?? ''))].slice(0, 8);
  const direct = importers.map((imp) => names.map((n) => JSON.stringify(lf.resolveDirect(n, '*', imp)) ?? '-').join('|'));
  return { kind: lf.kind, path: lf.path, lockfileVersion: lf.lockfileVersion, packages: lf.packages, notes: lf.notes, direct };
}

/** A package-lock.json (v3) with `n` packages, each depending on the next two. */
function bigLockfile(n: number): string {
  const name = (i: number) => (i % 5 === 0 ? `@s${i % 3}/p${i}` : `p${i}`);
  const packages: Record<string, unknown> = {
    '': { name: 'big', version: '1.0.0', dependencies: Object.fromEntries(Array.from({ length: n }, (_, i) => [name(i), `^1.${i}.0`])) },
  };
  for (let i = 0; i < n; i++) {
    packages[`node_modules/${name(i)}`] = {
      version: `1.${i}.0`,
      resolved: `https://registry.npmjs.org/${name(i)}/-/p-1.${i}.0.tgz`,
      integrity: `sha512-${Buffer.alloc(64, i % 251).toString('base64')}`,
      dependencies: { [name((i + 1) % n)]: `^1.${(i + 1) % n}.0`, [name((i + 2) % n)]: 'latest' },
    };
  }
  return JSON.stringify({ name: 'big', version: '1.0.0', lockfileVersion: 3, requires: true, packages });
}

describe('resolve/lockfiles/npm: the parse in slices', function () {
  this.timeout(60_000);
  const files = [
    fixture('npm-v3-workspaces', 'package-lock.json'),
    fixture('npm-v1', 'package-lock.json'),
    fixture('npm-v2-shrinkwrap', 'npm-shrinkwrap.json'),
    path.join(REPO_ROOT, 'test', 'fixtures', 'realworld', 'projects', 'sigstore-js', 'package-lock.json'),
  ].filter((f) => fs.existsSync(f));

  it('gives exactly what the one-pass parse gives, whatever the slicing', async () => {
    assert.ok(files.length >= 3, files.join(', '));
    for (const file of files) {
      const text = fs.readFileSync(file, 'utf8');
      const kind = file.endsWith('npm-shrinkwrap.json') ? 'npm-shrinkwrap' : 'package-lock';
      const once = observable(parseNpmLockfile(kind, text, file));
      assert.deepEqual(observable(runToEnd(npmLockfileSteps(kind, text, file))), once, file);
      assert.deepEqual(observable(await runSliced(npmLockfileSteps(kind, text, file), 0)), once, file);
      assert.deepEqual(observable(await readLockfile(file)), observable(parseLockfile(kind, text, file)), file);
    }
  });

  it('lets the event loop turn between slices of a large lockfile', async () => {
    const text = bigLockfile(1000);
    let turns = 0;
    const tick = (): void => {
      turns++;
      if (!done) setImmediate(tick);
    };
    let done = false;
    setImmediate(tick);
    const sliced = await runSliced(npmLockfileSteps('package-lock', text, 'big/package-lock.json'), 0);
    done = true;
    assert.ok(turns > 10, `${turns} turns of the event loop during the parse`);
    assert.equal(sliced.packages.length, 1000);
    assert.deepEqual(observable(sliced), observable(parseNpmLockfile('package-lock', text, 'big/package-lock.json')));
  });

  it('a broken lockfile is the same clear error either way', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'pl-sliced-'));
    try {
      const file = path.join(dir, 'package-lock.json');
      fs.writeFileSync(file, '{"lockfileVersion": 3, "packages": {');
      await assert.rejects(readLockfile(file), (err: Error) => err.name === 'LockfileError' || /is not valid JSON/.test(err.message));
      assert.throws(() => parseLockfile('package-lock', '{"lockfileVersion": 3, "packages": {', file), /is not valid JSON/);
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
});
