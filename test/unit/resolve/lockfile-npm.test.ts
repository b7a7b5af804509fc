import { strict as assert } from 'node:assert';
import { parseLockfile, readLockfile } from '../../../src/verify/resolve/lockfile';
import { describe as d, fixture, summary } from './helpers';

describe('resolve/lockfiles/npm: package-lock.json and npm-shrinkwrap.json', () => {
  describe('lockfileVersion 3 with workspaces, aliases, git, file, links and remote tarballs', () => {
    const file = fixture('npm-v3-workspaces', 'package-lock.json');

    it('lists every package once by name@version, with flags and non-registry sources', async () => {
      const lf = await readLockfile(file);
      assert.equal(lf.kind, 'package-lock');
      assert.equal(lf.path, file);
      assert.deepEqual(summary(lf), [
        '@acme/app@0.2.0 [workspace:packages/app]',
        '@acme/lib@0.1.0 [workspace:packages/lib]',
        'chalk@5.3.0 [integrity]',
        'debug@2.6.9 [integrity]',
        'debug@4.3.4 [integrity]',
        'fsevents@2.3.3 [optional integrity]',
        'left-pad@1.3.0 [integrity]',
        'local-tar@1.0.0 [integrity file:vendor/local-tar-1.0.0.tgz]',
        'lodash@4.17.21 [integrity]',
        'ms@2.0.0 [integrity]',
        'ms@2.1.3 [integrity]',
        'remote-pkg@2.0.0 [integrity remote-tarball:https://cdn.example.com/remote-pkg-2.0.0.tgz]',
        'semver@6.3.1 [integrity]', // two install paths, one package
        'semver@7.6.0 [dev integrity]',
        'shared-utils@0.0.1 [directory:../shared-utils]',
        'tiny-lib@1.0.0 [git:git+ssh://git@github.com/acme/tiny-lib.git#0123456789abcdef0123456789abcdef01234567]',
        'typescript@5.4.5 [dev integrity]',
      ]);
      const lodash = lf.packages.find((p) => p.name === 'lodash');
      assert.equal(lodash?.integrity, 'sha512-fxzPxCwrTent7KYhmQeq0bJWwlz0JeL/i+kQPiTfMp16m0A2Xb0sMtBqoprlMokIPx1b6Wjvam1PKY+foW2HVQ==');
      assert.equal(lodash?.resolved, 'https://registry.npmjs.org/lodash/-/lodash-4.17.21.tgz');
    });

    it('resolves direct dependencies as Node does: from the importer folder up, following links', async () => {
      const lf = await readLockfile(file);
      const r = (name: string, importer = '') => d(lf.resolveDirect(name, '*', importer));
      assert.equal(r('lodash'), 'lodash@4.17.21 [integrity]');
      assert.equal(r('pad'), 'left-pad@1.3.0 [integrity]', 'an alias resolves to the real registry name');
      assert.equal(r('debug'), 'debug@4.3.4 [integrity]');
      assert.equal(r('debug', 'packages/app'), 'debug@2.6.9 [integrity]', 'the nested copy wins for the workspace that has one');
      assert.equal(r('lodash', 'packages/app'), 'lodash@4.17.21 [integrity]', 'hoisted to the root');
      assert.equal(r('semver'), 'semver@7.6.0 [dev integrity]');
      assert.equal(r('semver', 'packages/lib'), 'semver@6.3.1 [integrity]');
      assert.equal(r('@acme/lib', 'packages/app'), '@acme/lib@0.1.0 [workspace:packages/lib]');
      assert.equal(r('shared-utils'), 'shared-utils@0.0.1 [directory:../shared-utils]');
      assert.equal(
        r('tiny-lib'),
        'tiny-lib@1.0.0 [git:git+ssh://git@github.com/acme/tiny-lib.git#0123456789abcdef0123456789abcdef01234567]',
      );
      assert.equal(r('local-tar'), 'local-tar@1.0.0 [integrity file:vendor/local-tar-1.0.0.tgz]');
      assert.equal(r('not-installed'), '(none)');
      // Importer paths are normalised.
      assert.equal(r('debug', './packages/app/'), 'debug@2.6.9 [integrity]');
      assert.equal(r('debug', '.'), 'debug@4.3.4 [integrity]');
    });
  });

  it('reads lockfileVersion 1 (nested dependencies, aliases and git/file specs in "version")', async () => {
    const lf = await readLockfile(fixture('npm-v1', 'package-lock.json'));
    assert.equal(lf.lockfileVersion, '1');
    assert.deepEqual(summary(lf), [
      'chalk@5.3.0 [integrity]',
      'debug@2.6.9 [integrity]',
      'left-pad@1.3.0 [integrity]',
      'local-dir@file:../local-dir [directory:../local-dir]',
      'ms@2.0.0 [integrity]',
      'string-width@4.2.3 [dev integrity]',
      'string-width@5.1.2 [integrity]',
      'tiny-lib@github:acme/tiny-lib#0123456789abcdef0123456789abcdef01234567 [git:github:acme/tiny-lib#0123456789abcdef0123456789abcdef01234567]',
    ]);
    // An old package's sha1 SRI is still a real npm integrity.
    assert.equal(lf.packages.find((p) => p.name === 'ms')?.integrity, 'sha1-wA27ydrfvh4jLpOnKd1HUvreCr8=');
    assert.equal(d(lf.resolveDirect('string-width', '^4.2.0', '')), 'string-width@4.2.3 [dev integrity]');
    assert.equal(d(lf.resolveDirect('pad', 'npm:left-pad@^1.3.0', '')), 'left-pad@1.3.0 [integrity]');
  });

  it('reads lockfileVersion 2 from npm-shrinkwrap.json (packages win over the legacy dependencies)', async () => {
    const lf = await readLockfile(fixture('npm-v2-shrinkwrap', 'npm-shrinkwrap.json'));
    assert.equal(lf.kind, 'npm-shrinkwrap');
    assert.equal(lf.lockfileVersion, '2');
    assert.deepEqual(summary(lf), ['debug@4.3.4 [integrity]', 'kleur@4.1.5 [integrity]', 'ms@2.1.3 [integrity]']);
    assert.equal(d(lf.resolveDirect('kleur', '^4.1.0', '')), 'kleur@4.1.5 [integrity]');
  });

  it('treats a resolved URL outside the registry layout as a remote tarball, and private registries as registries', () => {
    const text = JSON.stringify({
      lockfileVersion: 3,
      packages: {
        '': { name: 'x' },
        'node_modules/a': {
          version: '1.0.0',
          resolved: 'https://artifactory.example.com/api/npm/npm-remote/a/-/a-1.0.0.tgz',
          integrity: 'sha512-AAAA',
        },
        'node_modules/@s/b': { version: '2.0.0', resolved: 'https://npm.example.com/@s/b/-/b-2.0.0.tgz' },
        'node_modules/c': { version: '3.0.0', resolved: 'https://example.com/downloads/c.tgz' },
        'node_modules/d': { version: '4.0.0' },
        'node_modules/e': { version: '5.0.0', resolved: 'https://npm.pkg.github.com/download/@o/e/5.0.0/abcdef' },
      },
    });
    const lf = parseLockfile('package-lock', text, '/p/package-lock.json');
    assert.deepEqual(summary(lf), [
      '@s/b@2.0.0',
      'a@1.0.0 [integrity]',
      'c@3.0.0 [remote-tarball:https://example.com/downloads/c.tgz]',
      'd@4.0.0',
      'e@5.0.0',
    ]);
  });

  it('keeps a package dev only when every copy is dev, optional only when every copy is optional', () => {
    const text = JSON.stringify({
      lockfileVersion: 3,
      packages: {
        '': {},
        'node_modules/a': { version: '1.0.0', dev: true },
        'node_modules/x/node_modules/a': { version: '1.0.0' },
        'node_modules/b': { version: '1.0.0', dev: true },
        'node_modules/y/node_modules/b': { version: '1.0.0', dev: true },
        'node_modules/c': { version: '1.0.0', devOptional: true },
        'node_modules/x': { version: '1.0.0' },
        'node_modules/y': { version: '1.0.0', dev: true, optional: true },
      },
    });
    assert.deepEqual(summary(parseLockfile('package-lock', text, 'package-lock.json')), [
      'a@1.0.0',
      'b@1.0.0 [dev]',
      'c@1.0.0',
      'x@1.0.0',
      'y@1.0.0 [dev optional]',
    ]);
  });

  it('gives a clear error naming the file for broken content, and skips broken entries', () => {
    assert.throws(
      () => parseLockfile('package-lock', '{ "lockfileVersion": 3, ', '/proj/package-lock.json'),
      /\/proj\/package-lock\.json: is not valid JSON/,
    );
    assert.throws(
      () => parseLockfile('package-lock', '<<<<<<< HEAD\n{}\n=======\n{}\n>>>>>>> main\n', '/p/package-lock.json'),
      /merge conflict markers/,
    );
    assert.throws(() => parseLockfile('package-lock', '[]', '/p/package-lock.json'), /not a JSON object/);
    assert.throws(() => parseLockfile('npm-shrinkwrap', '{"name": "x"}', '/p/npm-shrinkwrap.json'), /does not look like an npm lockfile/);
    const lf = parseLockfile(
      'package-lock',
      JSON.stringify({
        lockfileVersion: 3,
        packages: { '': {}, 'node_modules/a': 'oops', 'node_modules/b': {}, 'node_modules/c': { version: '1.0.0' } },
      }),
      'package-lock.json',
    );
    assert.deepEqual(summary(lf), ['c@1.0.0']);
    assert.equal((lf as { notes: string[] }).notes.length, 2);
  });
});
