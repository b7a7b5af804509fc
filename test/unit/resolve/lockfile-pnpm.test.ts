import { strict as assert } from 'node:assert';
import { parseLockfile, readLockfile } from '../../../src/verify/resolve/lockfile';
import { describe as d, fixture, summary } from './helpers';

describe('resolve/lockfiles/pnpm: pnpm-lock.yaml', () => {
  it('5.4: single-project layout, /name/version keys, _peer suffixes, aliases, github tarballs, links', async () => {
    const lf = await readLockfile(fixture('pnpm-v5', 'pnpm-lock.yaml'));
    assert.equal(lf.kind, 'pnpm');
    assert.equal(lf.lockfileVersion, '5.4');
    assert.deepEqual(summary(lf), [
      '@types/node@20.12.7 [dev integrity]',
      'debug@4.3.4 [integrity]',
      'js-tokens@4.0.0 [integrity]',
      'left-pad@1.3.0 [integrity]',
      'loose-envify@1.4.0 [integrity]',
      'ms@2.1.3 [integrity]',
      'react@18.2.0 [integrity]',
      'tiny-lib@1.0.0 [git:https://codeload.github.com/acme/tiny-lib/tar.gz/0123456789abcdef0123456789abcdef01234567]',
      'undici-types@5.26.5 [dev integrity]',
      'use-sync-external-store@1.2.0 [integrity]',
    ]);
    const r = (name: string) => d(lf.resolveDirect(name, '', ''));
    assert.equal(r('pad'), 'left-pad@1.3.0 [integrity]');
    assert.equal(r('use-sync-external-store'), 'use-sync-external-store@1.2.0 [integrity]');
    assert.equal(r('@types/node'), '@types/node@20.12.7 [dev integrity]');
    assert.equal(
      r('tiny-lib'),
      'tiny-lib@1.0.0 [git:https://codeload.github.com/acme/tiny-lib/tar.gz/0123456789abcdef0123456789abcdef01234567]',
    );
    assert.equal(r('local-dir'), 'local-dir@link:../local-dir [link:../local-dir]');
    assert.equal(r('ms'), '(none)', 'a transitive dependency is not a direct one');
  });

  it('6.0: importers with { specifier, version }, /name@version(peers) keys, workspace links, file: tarballs', async () => {
    const lf = await readLockfile(fixture('pnpm-v6', 'pnpm-lock.yaml'));
    assert.equal(lf.lockfileVersion, '6.0');
    assert.deepEqual(summary(lf), [
      'debug@4.3.4 [integrity]',
      'fsevents@2.3.3 [optional integrity]',
      'js-tokens@4.0.0 [integrity]',
      'left-pad@1.3.0 [integrity]',
      'local-tar@1.0.0 [integrity file:vendor/local-tar-1.0.0.tgz]',
      'loose-envify@1.4.0 [integrity]',
      'ms@2.1.3 [integrity]',
      'react-dom@18.2.0 [integrity]',
      'react@18.2.0 [integrity]',
      'scheduler@0.23.0 [integrity]',
      'typescript@5.4.5 [dev integrity]',
    ]);
    const r = (name: string, importer: string) => d(lf.resolveDirect(name, '', importer));
    assert.equal(r('typescript', ''), 'typescript@5.4.5 [dev integrity]');
    assert.equal(r('react-dom', 'packages/app'), 'react-dom@18.2.0 [integrity]');
    assert.equal(r('pad', 'packages/app'), 'left-pad@1.3.0 [integrity]');
    assert.equal(r('@acme/lib', 'packages/app'), '@acme/lib@link:../lib [workspace:../lib]');
    assert.equal(r('local-tar', 'packages/app'), 'local-tar@1.0.0 [integrity file:vendor/local-tar-1.0.0.tgz]');
    assert.equal(r('fsevents', 'packages/lib'), 'fsevents@2.3.3 [optional integrity]');
    assert.equal(r('debug', 'packages/app'), '(none)', 'each importer has its own dependencies');
    assert.equal(r('debug', 'packages/nope'), '(none)');
  });

  it('9.0: packages + snapshots, catalogs, git/tarball/directory resolutions, dev computed from the graph', async () => {
    const lf = await readLockfile(fixture('pnpm-v9', 'pnpm-lock.yaml'));
    assert.equal(lf.lockfileVersion, '9.0');
    assert.deepEqual(summary(lf), [
      '@types/node@20.12.7 [dev integrity]',
      '@vue/shared@3.4.21 [integrity]',
      'axios@1.6.8 [integrity]',
      'follow-redirects@1.15.6 [integrity]',
      'fsevents@2.3.3 [optional integrity]',
      'git-dep@2.0.0 [git:https://github.com/acme/git-dep.git#89abcdef0123456789abcdef0123456789abcdef]',
      'left-pad@1.3.0 [integrity]',
      'local-dir@0.0.1 [dev directory:local-dir]',
      'remote-pkg@2.0.0 [integrity remote-tarball:https://cdn.example.com/remote-pkg-2.0.0.tgz]',
      'tiny-lib@1.0.0 [git:https://codeload.github.com/acme/tiny-lib/tar.gz/0123456789abcdef0123456789abcdef01234567]',
      // typescript is a root devDependency, but vue (a production dependency) also uses it as a peer.
      'typescript@5.4.5 [integrity]',
      'undici-types@5.26.5 [dev integrity]',
      'vue@3.4.21 [integrity]',
      'zod@3.23.8 [integrity]',
    ]);
    const web = (name: string) => d(lf.resolveDirect(name, '', 'packages/web'));
    assert.equal(web('vue'), 'vue@3.4.21 [integrity]');
    assert.equal(web('pad'), 'left-pad@1.3.0 [integrity]');
    assert.equal(web('zod'), 'zod@3.23.8 [integrity]', 'catalog: resolves through the importer');
    assert.equal(web('@acme/lib'), '@acme/lib@link:../lib [workspace:../lib]');
    assert.equal(
      web('tiny-lib'),
      'tiny-lib@1.0.0 [git:https://codeload.github.com/acme/tiny-lib/tar.gz/0123456789abcdef0123456789abcdef01234567]',
    );
    assert.equal(web('remote-pkg'), 'remote-pkg@2.0.0 [integrity remote-tarball:https://cdn.example.com/remote-pkg-2.0.0.tgz]');
    assert.equal(web('local-dir'), 'local-dir@0.0.1 [dev directory:local-dir]');
    assert.equal(
      d(lf.resolveDirect('git-dep', '', 'packages/lib')),
      'git-dep@2.0.0 [git:https://github.com/acme/git-dep.git#89abcdef0123456789abcdef0123456789abcdef]',
    );
    assert.equal(d(lf.resolveDirect('@types/node', '', '')), '@types/node@20.12.7 [dev integrity]');
  });

  it('uses the last YAML document when pnpm 10+ writes an env document first', () => {
    const text = [
      "lockfileVersion: '9.0'",
      '',
      'importers:',
      '',
      '  .:',
      '    configDependencies:',
      '      pnpm-plugin-x:',
      '        specifier: 1.0.0',
      '        version: 1.0.0+sha512-AAAA',
      '',
      'packages: {}',
      '',
      '---',
      "lockfileVersion: '9.0'",
      '',
      'importers:',
      '',
      '  .:',
      '    dependencies:',
      '      ms:',
      '        specifier: ^2.1.0',
      '        version: 2.1.3',
      '',
      'packages:',
      '',
      '  ms@2.1.3:',
      '    resolution: {integrity: sha512-SNPMCfwMJciLloOwk1dR7uiNbEGq+2NV3Dxrg760V/KNK+Uq4w5U2vcmL31cswWNU1Fht3QgPY4jDq3ysrp7FQ==}',
      '',
      'snapshots:',
      '',
      '  ms@2.1.3: {}',
      '',
    ].join('\n');
    const lf = parseLockfile('pnpm', text, 'pnpm-lock.yaml');
    assert.deepEqual(summary(lf), ['ms@2.1.3 [integrity]']);
    assert.equal(d(lf.resolveDirect('ms', '^2.1.0', '')), 'ms@2.1.3 [integrity]');
  });

  it('single-project 6.0 layout (sections at the top level)', () => {
    const text = [
      "lockfileVersion: '6.0'",
      '',
      'dependencies:',
      '  kleur:',
      '    specifier: ^4.1.0',
      '    version: 4.1.5',
      '',
      'packages:',
      '',
      '  /kleur@4.1.5:',
      '    resolution: {integrity: sha512-fIrcmb4ZKuDOkyllNnrDFrkLohs/0HxNBXOrvrZRxBAmX89GKveZC3hgzSeZn/R3nM9qeaf3FOVUcLCvNUOtBg==}',
      '    engines: {node: ">=6"}',
      '    dev: false',
      '',
    ].join('\n');
    const lf = parseLockfile('pnpm', text, 'pnpm-lock.yaml');
    assert.equal(d(lf.resolveDirect('kleur', '^4.1.0', '')), 'kleur@4.1.5 [integrity]');
  });

  it('5.x workspace layout: importers with specifiers and plain version strings', () => {
    const text = [
      'lockfileVersion: 5.3',
      '',
      'importers:',
      '',
      '  .:',
      '    specifiers:',
      '      typescript: ~5.4.0',
      '    devDependencies:',
      '      typescript: 5.4.5',
      '',
      '  packages/app:',
      '    specifiers:',
      "      '@acme/lib': workspace:*",
      '      react: ^18.2.0',
      '    dependencies:',
      "      '@acme/lib': link:../lib",
      '      react: 18.2.0',
      '',
      '  packages/lib:',
      '    specifiers: {}',
      '',
      'packages:',
      '',
      '  /react/18.2.0:',
      '    resolution: {integrity: sha512-eemt7WyP4lp5p56A5e8Te6hpPeeAcZLyKxqn7Q9XbG1N8f90duI8MAVdbJZrtLZ89Q8Ro8yv0+rHeWHYZIWngQ==}',
      '    dev: false',
      '',
      '  /typescript/5.4.5:',
      '    resolution: {integrity: sha512-Kwx5st7aMDS44ZUj1R1tGl0tBmuUyx5d6kp8KbZg9pLssdGXTBoRZOS3FDhx1X6ogQyb9geVMeSdTJtD7mWwfg==}',
      '    hasBin: true',
      '    dev: true',
      '',
    ].join('\n');
    const lf = parseLockfile('pnpm', text, 'pnpm-lock.yaml');
    assert.deepEqual(summary(lf), ['react@18.2.0 [integrity]', 'typescript@5.4.5 [dev integrity]']);
    assert.equal(d(lf.resolveDirect('react', '^18.2.0', 'packages/app')), 'react@18.2.0 [integrity]');
    assert.equal(d(lf.resolveDirect('@acme/lib', 'workspace:*', 'packages/app')), '@acme/lib@link:../lib [workspace:../lib]');
    assert.equal(d(lf.resolveDirect('typescript', '~5.4.0', '')), 'typescript@5.4.5 [dev integrity]');
  });

  it('an importer version missing from packages is still the locked version (without integrity)', () => {
    const text =
      "lockfileVersion: '9.0'\nimporters:\n  .:\n    dependencies:\n      ms:\n        specifier: ^2.1.0\n        version: 2.1.3\n";
    assert.equal(d(parseLockfile('pnpm', text, 'pnpm-lock.yaml').resolveDirect('ms', '^2.1.0', '')), 'ms@2.1.3');
  });

  it('a registry package from a registry with its own tarball layout stays a registry package', () => {
    const text = [
      "lockfileVersion: '9.0'",
      'importers:',
      '  .:',
      '    dependencies:',
      "      '@acme/private':",
      '        specifier: ^1.0.0',
      '        version: 1.2.0',
      'packages:',
      "  '@acme/private@1.2.0':",
      '    resolution: {integrity: sha512-AAAA, tarball: https://npm.pkg.github.com/download/@acme/private/1.2.0/0123abcd}',
      'snapshots:',
      "  '@acme/private@1.2.0': {}",
    ].join('\n');
    assert.deepEqual(summary(parseLockfile('pnpm', text, 'pnpm-lock.yaml')), ['@acme/private@1.2.0 [integrity]']);
  });

  it('gives clear errors for broken or unsupported files', () => {
    assert.throws(
      () => parseLockfile('pnpm', 'lockfileVersion: 9.0\nimporters: [\n', '/w/pnpm-lock.yaml'),
      /\/w\/pnpm-lock\.yaml: is not valid YAML/,
    );
    assert.throws(
      () => parseLockfile('pnpm', "lockfileVersion: '4.0'\n", '/w/pnpm-lock.yaml'),
      /lockfileVersion 4\.0, which is not supported/,
    );
    assert.throws(() => parseLockfile('pnpm', 'packages: {}\n', '/w/pnpm-lock.yaml'), /no lockfileVersion/);
    assert.throws(() => parseLockfile('pnpm', '', '/w/pnpm-lock.yaml'), /is empty/);
    assert.throws(
      () => parseLockfile('pnpm', "lockfileVersion: '9.0'\n<<<<<<< HEAD\nimporters: {}\n=======\n>>>>>>> x\n", '/w/pnpm-lock.yaml'),
      /pnpm-lock\.yaml/,
    );
    const lf = parseLockfile(
      'pnpm',
      "lockfileVersion: '9.0'\npackages:\n  weird: 3\n  ok@1.0.0:\n    resolution: {integrity: sha512-AAAA}\n",
      'pnpm-lock.yaml',
    );
    assert.deepEqual(summary(lf), ['ok@1.0.0 [integrity]']);
  });
});
