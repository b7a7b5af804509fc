import { strict as assert } from 'node:assert';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { findLockfile, findWorkspacePackages, parseLockfile, readLockfile } from '../../../src/verify/resolve/lockfile';
import { describe as d, fixture, summary } from './helpers';

describe('resolve/lockfiles/yarn: yarn.lock', () => {
  describe('classic (v1)', () => {
    const file = fixture('yarn-classic', 'yarn.lock');

    it('lists packages with their integrity (the integrity field, and the #sha1 of the resolved URL, which yarn checks) and non-registry sources', async () => {
      const lf = await readLockfile(file);
      assert.equal(lf.kind, 'yarn-classic');
      assert.deepEqual(summary(lf), [
        '@types/node@20.12.7 [integrity]',
        'debug@4.3.4 [integrity]',
        'git-dep@2.0.0 [integrity git:git+https://github.com/acme/git-dep.git#89abcdef0123456789abcdef0123456789abcdef]',
        'left-pad@1.3.0 [integrity]',
        'local-dir@0.0.1 [directory:file:../local-dir]',
        'local-tar@1.0.0 [file:file:vendor/local-tar-1.0.0.tgz]',
        'ms@2.1.2 [integrity]',
        'old-lib@0.1.4 [integrity]', // an old entry without "integrity": the #sha1 of the URL is what yarn checks
        'remote-pkg@2.0.0 [integrity remote-tarball:https://cdn.example.com/remote-pkg-2.0.0.tgz#3c3e4f2e1d5b6a7c8d9e0f1a2b3c4d5e6f7a8b9c]',
        'tiny-lib@1.0.0 [git:https://codeload.github.com/acme/tiny-lib/tar.gz/0123456789abcdef0123456789abcdef01234567]',
        'undici-types@5.26.5 [integrity]',
      ]);
    });

    it('resolves a direct dependency by its name@spec entry; aliases to the real name', async () => {
      const lf = await readLockfile(file);
      const r = (name: string, spec: string) => d(lf.resolveDirect(name, spec, ''));
      assert.equal(r('debug', '^4.3.4'), 'debug@4.3.4 [integrity]');
      assert.equal(r('debug', '^4.1.0'), 'debug@4.3.4 [integrity]');
      assert.equal(r('pad', 'npm:left-pad@^1.3.0'), 'left-pad@1.3.0 [integrity]');
      assert.equal(
        r('tiny-lib', 'github:acme/tiny-lib#v1.0.0'),
        'tiny-lib@1.0.0 [git:https://codeload.github.com/acme/tiny-lib/tar.gz/0123456789abcdef0123456789abcdef01234567]',
      );
      // The manifest changed the range and yarn install was not run: the single locked version is what is installed.
      assert.equal(r('debug', '^5.0.0'), 'debug@4.3.4 [integrity]');
      assert.equal(r('not-there', '^1.0.0'), '(none)');
    });

    it('workspaces: siblings (absent from yarn.lock) resolve to the workspace package, found from the root package.json', async () => {
      const root = fixture('yarn-classic-workspaces');
      const found = await findLockfile(path.join(root, 'packages', 'app'));
      assert.equal(found?.importerPath, 'packages/app');
      const lf = await readLockfile(found!.path);
      assert.deepEqual(summary(lf), [
        '@acme/app@0.2.0 [workspace:packages/app]',
        '@acme/lib@0.1.0 [workspace:packages/lib]',
        'kleur@4.1.5 [integrity]',
        'ms@2.1.3 [integrity]',
        'typescript@5.4.5 [integrity]',
      ]);
      assert.equal(d(lf.resolveDirect('@acme/lib', '^0.1.0', 'packages/app')), '@acme/lib@0.1.0 [workspace:packages/lib]');
      assert.equal(d(lf.resolveDirect('ms', '^2.1.0', 'packages/app')), 'ms@2.1.3 [integrity]');
      assert.deepEqual(await findWorkspacePackages(fixture('yarn-classic')), [], 'no workspaces declared');
      // Parsing the text alone knows nothing of the workspaces.
      const bare = parseLockfile('yarn-classic', fs.readFileSync(found!.path, 'utf8'), found!.path);
      assert.equal(bare.resolveDirect('@acme/lib', '^0.1.0', 'packages/app'), undefined);
    });

    it('accepts auto-merged conflicts with a note and refuses real conflicts', () => {
      const merged = 'ms@^2.1.0:\n  version "2.1.3"\n';
      const conflicted = `# yarn lockfile v1\n\n<<<<<<< HEAD\nms@^2.1.0:\n  version "2.1.2"\n=======\nms@^2.1.0:\n  version "2.1.3"\n>>>>>>> feature\n`;
      assert.deepEqual(summary(parseLockfile('yarn-classic', merged, 'yarn.lock')), ['ms@2.1.3']);
      const lf = parseLockfile('yarn-classic', conflicted, 'yarn.lock') as { notes: string[]; packages: unknown[] };
      assert.match(lf.notes[0], /merge conflict/);
      assert.throws(
        () => parseLockfile('yarn-classic', 'ms@^2:\n  version "2.1.3\n  nope nope', '/x/yarn.lock'),
        /\/x\/yarn\.lock: could not be parsed as a yarn v1 lockfile/,
      );
    });
  });

  describe('berry (2+)', () => {
    const file = fixture('yarn-berry', 'yarn.lock');

    it('is recognised by __metadata and lists packages without integrity (checksums are yarn cache hashes)', async () => {
      const lf = await readLockfile(file);
      assert.equal(lf.kind, 'yarn-berry');
      assert.equal(lf.lockfileVersion, '8');
      assert.deepEqual(summary(lf), [
        '@acme/app@0.0.0-use.local [workspace:packages/app]',
        '@acme/lib@0.0.0-use.local [workspace:packages/lib]',
        'debug@4.3.4',
        'left-pad@1.3.0',
        'local-dir@0.0.0-use.local [link:../local-dir]',
        'local-tar@1.0.0 [file:./vendor/local-tar-1.0.0.tgz#./vendor/local-tar-1.0.0.tgz]',
        'local-tar@1.1.0 [file:./vendor/local-tar-1.0.0.tgz#./vendor/local-tar-1.0.0.tgz]',
        'lodash@4.17.21',
        'ms@2.1.2',
        'remote-pkg@2.0.0 [remote-tarball:https://cdn.example.com/remote-pkg-2.0.0.tgz]',
        'tiny-lib@1.0.0 [git:https://github.com/acme/tiny-lib.git#commit=0123456789abcdef0123456789abcdef01234567]',
        // the builtin compat patch is recorded as the registry version it patches (merged with it)
        'typescript@5.4.5',
      ]);
      assert.ok(lf.packages.every((p) => p.integrity === undefined));
    });

    it('resolves descriptors (npm: added to plain ranges), aliases, workspaces, and per-importer file: entries', async () => {
      const lf = await readLockfile(file);
      const r = (name: string, spec: string, importer = '') => d(lf.resolveDirect(name, spec, importer));
      assert.equal(r('debug', '^4.3.4'), 'debug@4.3.4');
      assert.equal(r('lodash', '^4.17.21'), 'lodash@4.17.21');
      assert.equal(r('lodash', '4.17.21', 'packages/app'), 'lodash@4.17.21');
      assert.equal(r('pad', 'npm:left-pad@^1.3.0'), 'left-pad@1.3.0');
      assert.equal(r('typescript', '~5.4.0'), 'typescript@5.4.5');
      assert.equal(r('@acme/lib', 'workspace:^'), '@acme/lib@0.0.0-use.local [workspace:packages/lib]');
      assert.equal(r('@acme/lib', '^0.1.0', 'packages/app'), '@acme/lib@0.0.0-use.local [workspace:packages/lib]');
      assert.equal(r('local-dir', 'portal:../local-dir'), 'local-dir@0.0.0-use.local [link:../local-dir]');
      assert.equal(
        r('tiny-lib', 'github:acme/tiny-lib#v1.0.0'),
        'tiny-lib@1.0.0 [git:https://github.com/acme/tiny-lib.git#commit=0123456789abcdef0123456789abcdef01234567]',
      );
      assert.equal(
        r('remote-pkg', 'https://cdn.example.com/remote-pkg-2.0.0.tgz'),
        'remote-pkg@2.0.0 [remote-tarball:https://cdn.example.com/remote-pkg-2.0.0.tgz]',
      );
      assert.equal(
        r('local-tar', 'file:./vendor/local-tar-1.0.0.tgz', ''),
        'local-tar@1.0.0 [file:./vendor/local-tar-1.0.0.tgz#./vendor/local-tar-1.0.0.tgz]',
      );
      assert.equal(
        r('local-tar', 'file:./vendor/local-tar-1.0.0.tgz', 'packages/app'),
        'local-tar@1.1.0 [file:./vendor/local-tar-1.0.0.tgz#./vendor/local-tar-1.0.0.tgz]',
      );
    });

    it('takes the version from the resolution and the registry URL from __archiveUrl', () => {
      const text = [
        '__metadata:',
        '  version: 6',
        '  cacheKey: 8',
        '',
        '"pkg@npm:^1.0.0":',
        '  version: 1.0.2',
        '  resolution: "pkg@npm:1.0.2::__archiveUrl=https%3A%2F%2Fnpm.example.com%2Fpkg%2F-%2Fpkg-1.0.2.tgz"',
        '  checksum: 8/0123456789abcdef',
        '  languageName: node',
        '  linkType: hard',
        '',
      ].join('\n');
      const lf = parseLockfile('yarn-berry', text, 'yarn.lock');
      assert.deepEqual(lf.packages, [
        { name: 'pkg', version: '1.0.2', resolved: 'https://npm.example.com/pkg/-/pkg-1.0.2.tgz', location: 'pkg@npm:^1.0.0' },
      ]);
    });

    it('gives a clear error for a broken file', () => {
      assert.throws(
        () => parseLockfile('yarn-berry', '__metadata:\n  version: 8\n"a@npm:1":\n  b: [\n', '/r/yarn.lock'),
        /\/r\/yarn\.lock: could not be parsed as a yarn berry lockfile/,
      );
    });
  });

  it('the content decides between classic and berry whatever kind is asked for', () => {
    const berry = '__metadata:\n  version: 8\n\n"ms@npm:^2.1.0":\n  version: 2.1.3\n  resolution: "ms@npm:2.1.3"\n';
    assert.equal(parseLockfile('yarn-classic', berry, 'yarn.lock').kind, 'yarn-berry');
    assert.equal(parseLockfile('yarn-berry', 'ms@^2.1.0:\n  version "2.1.3"\n', 'yarn.lock').kind, 'yarn-classic');
  });
});
