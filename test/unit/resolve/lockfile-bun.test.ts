import { strict as assert } from 'node:assert';
import { parseLockfile, readLockfile } from '../../../src/verify/resolve/lockfile';
import { describe as d, fixture, summary } from './helpers';

describe('resolve/lockfiles/bun: bun.lock', () => {
  const file = fixture('bun', 'bun.lock');

  it('reads the JSONC text lockfile (trailing commas) with every kind of entry', async () => {
    const lf = await readLockfile(file);
    assert.equal(lf.kind, 'bun');
    assert.equal(lf.lockfileVersion, '1');
    assert.deepEqual(summary(lf), [
      '@acme/app@0.2.0 [workspace:packages/app]',
      '@acme/lib@0.1.0 [workspace:packages/lib]',
      'debug@2.6.9 [integrity]',
      'debug@4.3.4 [integrity]',
      'left-pad@1.3.0 [integrity]',
      'local-dir@file:../local-dir [directory:../local-dir]',
      'lodash@4.17.21 [integrity]',
      'ms@2.0.0 [integrity]',
      'ms@2.1.3 [integrity]',
      'remote-pkg@https://cdn.example.com/remote-pkg-2.0.0.tgz [remote-tarball:https://cdn.example.com/remote-pkg-2.0.0.tgz]',
      // bun's third item for git entries is its own tag, not an integrity
      'tiny-lib@github:acme/tiny-lib#0123456 [git:github:acme/tiny-lib#0123456]',
      'typescript@5.4.5 [integrity]',
      'zod@3.23.8 [integrity]',
    ]);
  });

  it("resolves a workspace's dependency: its own nested copy first, then the hoisted one", async () => {
    const lf = await readLockfile(file);
    const r = (name: string, importer = '') => d(lf.resolveDirect(name, '', importer));
    assert.equal(r('lodash'), 'lodash@4.17.21 [integrity]');
    assert.equal(r('pad'), 'left-pad@1.3.0 [integrity]');
    assert.equal(r('zod'), 'zod@3.23.8 [integrity]', 'catalog: resolves through the lockfile');
    assert.equal(r('debug', 'packages/app'), 'debug@2.6.9 [integrity]');
    assert.equal(r('debug', 'packages/lib'), 'debug@4.3.4 [integrity]');
    assert.equal(r('@acme/lib', 'packages/app'), '@acme/lib@0.1.0 [workspace:packages/lib]');
    assert.equal(r('tiny-lib'), 'tiny-lib@github:acme/tiny-lib#0123456 [git:github:acme/tiny-lib#0123456]');
    assert.equal(r('nothing'), '(none)');
  });

  it('keeps a custom registry URL as resolved and ignores entries it cannot read, with notes', () => {
    const text = `{
      // written by hand
      "lockfileVersion": 1,
      "workspaces": { "": { "name": "x", "dependencies": { "a": "^1.0.0" } } },
      "packages": {
        "a": ["a@1.0.0", "https://npm.example.com/", {}, "sha512-AAAA"],
        "b": "not an array",
        "c": ["c"],
        "root": ["x@root:", { "bin": {} }],
      },
    }`;
    const lf = parseLockfile('bun', text, 'bun.lock');
    assert.deepEqual(lf.packages, [
      { name: 'a', version: '1.0.0', resolved: 'https://npm.example.com/', integrity: 'sha512-AAAA', location: 'a' },
    ]);
    assert.equal((lf as unknown as { notes: string[] }).notes.length, 2);
  });

  it('gives clear errors for broken files', () => {
    assert.throws(
      () => parseLockfile('bun', '{ "lockfileVersion": 1, "packages": { "a": [ }', '/b/bun.lock'),
      /\/b\/bun\.lock: is not valid JSONC: .* at line 1/,
    );
    assert.throws(() => parseLockfile('bun', '{ "packages": {} }', '/b/bun.lock'), /no lockfileVersion/);
    assert.throws(() => parseLockfile('bun', '[]', '/b/bun.lock'), /not a JSON object/);
  });

  it('refuses the binary bun.lockb with a way out', async () => {
    await assert.rejects(readLockfile(fixture('find', 'bun-binary', 'bun.lockb')), (err: Error) => {
      assert.match(err.message, /bun\.lockb: is Bun's binary lockfile, which is not supported/);
      assert.match(err.message, /bun install --save-text-lockfile/);
      return true;
    });
  });
});
