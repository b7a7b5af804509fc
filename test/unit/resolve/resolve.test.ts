import { strict as assert } from 'node:assert';
import * as fs from 'node:fs';
import { findLockfile, parseLockfile, readLockfile } from '../../../src/verify/resolve/lockfile';
import { parseManifest } from '../../../src/verify/resolve/manifest';
import { lockfileRequests, pickVersion, resolveDependencies } from '../../../src/verify/resolve/resolve';
import type { ResolvedDependency } from '../../../src/verify/types';
import { fixture } from './helpers';

type Listing = { versions: string[]; distTags: Record<string, string> };

/** A fake registry: versions per package, counting calls. */
function registry(data: Record<string, Listing | Error>) {
  const calls: string[] = [];
  const listVersions = async (name: string): Promise<Listing> => {
    calls.push(name);
    await new Promise((r) => setImmediate(r));
    const entry = data[name];
    if (!entry) throw new Error(`404 Not Found - GET https://registry.npmjs.org/${name}`);
    if (entry instanceof Error) throw entry;
    return entry;
  };
  return { calls, listVersions };
}

/** "name → outcome" lines: version and source, or verdict status and code. */
function outcomes(resolved: ResolvedDependency[]): string[] {
  return resolved.map((r) => {
    const what = r.verdict
      ? `${r.verdict.status}:${r.verdict.reason?.code}`
      : `${r.name}@${r.version} (${r.resolvedFrom}${r.integrity ? ', integrity' : ''})`;
    return `${r.dependency?.name} → ${what}${r.note ? ' [note]' : ''}`;
  });
}

const manifestOf = (...parts: string[]) => parseManifest(fs.readFileSync(fixture(...parts), 'utf8'));

describe('resolve/resolve: resolveDependencies', () => {
  it('npm workspaces root: lockfile versions with integrity, non-registry kinds as not-applicable', async () => {
    const lockfile = await readLockfile(fixture('npm-v3-workspaces', 'package-lock.json'));
    const resolved = await resolveDependencies(manifestOf('npm-v3-workspaces', 'package.json'), { lockfile, importerPath: '' });
    assert.deepEqual(outcomes(resolved), [
      'debug → debug@4.3.4 (lockfile, integrity)',
      'local-tar → not-applicable:file',
      'lodash → lodash@4.17.21 (lockfile, integrity)',
      'pad → left-pad@1.3.0 (lockfile, integrity)',
      'remote-pkg → not-applicable:remote-tarball',
      'shared-utils → not-applicable:directory',
      'tiny-lib → not-applicable:git',
      'semver → semver@7.6.0 (lockfile, integrity)',
      'typescript → typescript@5.4.5 (lockfile, integrity)',
      'fsevents → fsevents@2.3.3 (lockfile, integrity)',
    ]);
    const tiny = resolved.find((r) => r.dependency?.name === 'tiny-lib');
    assert.equal(tiny?.verdict?.version, '1.0.0', 'the locked version of a git dependency is reported');
    assert.match(tiny?.verdict?.reason?.message ?? '', /git repository/);
    assert.equal(resolved[0].dependency?.specSpan.offset !== undefined, true);
  });

  it('npm workspace member: a sibling package resolved by range is a workspace (not-applicable), the rest from the root lockfile', async () => {
    const found = await findLockfile(fixture('npm-v3-workspaces', 'packages', 'app'));
    const lockfile = await readLockfile(found!.path);
    const resolved = await resolveDependencies(manifestOf('npm-v3-workspaces', 'packages', 'app', 'package.json'), {
      lockfile,
      importerPath: found!.importerPath,
    });
    assert.deepEqual(outcomes(resolved), [
      '@acme/lib → not-applicable:workspace',
      'chalk → chalk@5.3.0 (lockfile, integrity)',
      'debug → debug@2.6.9 (lockfile, integrity)',
      'lodash → lodash@4.17.21 (lockfile, integrity)',
      'semver → semver@6.3.1 (lockfile, integrity)',
    ]);
  });

  it('pnpm 9 workspace member: catalog:, alias, links and git through importers', async () => {
    const lockfile = await readLockfile(fixture('pnpm-v9', 'pnpm-lock.yaml'));
    const resolved = await resolveDependencies(manifestOf('pnpm-v9', 'packages', 'web', 'package.json'), {
      lockfile,
      importerPath: 'packages/web',
    });
    assert.deepEqual(outcomes(resolved), [
      '@acme/lib → not-applicable:workspace',
      'axios → axios@1.6.8 (lockfile, integrity)',
      'pad → left-pad@1.3.0 (lockfile, integrity)',
      'remote-pkg → not-applicable:remote-tarball',
      'tiny-lib → not-applicable:git',
      'vue → vue@3.4.21 (lockfile, integrity)',
      'zod → zod@3.23.8 (lockfile, integrity)',
      'local-dir → not-applicable:directory',
    ]);
  });

  for (const [label, dir, file] of [
    ['yarn classic', 'yarn-classic', 'yarn.lock'],
    ['yarn berry', 'yarn-berry', 'yarn.lock'],
    ['bun', 'bun', 'bun.lock'],
    ['pnpm 5', 'pnpm-v5', 'pnpm-lock.yaml'],
    ['npm v1', 'npm-v1', 'package-lock.json'],
  ] as const) {
    it(`${label}: every registry dependency of the fixture resolves from the lockfile, every other one is not-applicable`, async () => {
      const lockfile = await readLockfile(fixture(dir, file));
      const manifest = manifestOf(dir, 'package.json');
      const resolved = await resolveDependencies(manifest, {
        lockfile,
        listVersions: async () => assert.fail('the registry must not be asked'),
      });
      assert.equal(resolved.length, manifest.dependencies.length);
      for (const r of resolved) {
        const kind = r.dependency!.kind;
        if (['version', 'range', 'tag', 'alias', 'catalog'].includes(kind) && r.verdict?.reason?.code !== 'workspace') {
          assert.equal(r.resolvedFrom, 'lockfile', `${r.dependency!.name}: ${r.verdict?.reason?.message}`);
          assert.ok(r.version);
        } else {
          assert.equal(r.verdict?.status, 'not-applicable', r.dependency!.name);
        }
      }
      const pad = resolved.find((r) => r.dependency?.name === 'pad');
      if (pad) assert.equal(pad.name, 'left-pad', 'aliases resolve to the real name');
    });
  }

  it('without a lockfile: exact versions straight from the spec, ranges and tags from the registry', async () => {
    const manifest = parseManifest(
      JSON.stringify({
        dependencies: {
          exact: '1.2.3',
          range: '^1.0.0',
          'not-latest': '^1.0.0',
          tagged: 'next',
          alias: 'npm:real@~2.1.0',
          star: '',
          pre: '^2.0.0-beta.1',
        },
      }),
    );
    const { calls, listVersions } = registry({
      range: { versions: ['0.9.0', '1.0.0', '1.4.0', '1.5.0', '2.0.0'], distTags: { latest: '1.4.0' } },
      'not-latest': { versions: ['1.0.0', '1.9.9', '2.0.0'], distTags: { latest: '2.0.0' } },
      tagged: { versions: ['1.0.0', '2.0.0-rc.1'], distTags: { latest: '1.0.0', next: '2.0.0-rc.1' } },
      real: { versions: ['2.0.0', '2.1.0', '2.1.7', '2.2.0'], distTags: { latest: '2.2.0' } },
      star: { versions: ['1.0.0', '3.0.0', '4.0.0-alpha.1'], distTags: { latest: '3.0.0' } },
      pre: { versions: ['2.0.0-beta.1', '2.0.0-beta.2', '1.9.0'], distTags: { latest: '1.9.0' } },
    });
    const resolved = await resolveDependencies(manifest, { listVersions });
    assert.deepEqual(outcomes(resolved), [
      'exact → exact@1.2.3 (exact-spec)',
      'range → range@1.4.0 (registry)', // npm prefers the latest dist-tag when it satisfies the range
      'not-latest → not-latest@1.9.9 (registry)',
      'tagged → tagged@2.0.0-rc.1 (registry)',
      'alias → real@2.1.7 (registry)',
      'star → star@3.0.0 (registry)',
      'pre → pre@2.0.0-beta.2 (registry)',
    ]);
    assert.ok(!calls.includes('exact'), 'exact versions are not listed');
  });

  it('unresolvable: no version satisfies, unknown dist-tag, registry errors, no registry at all', async () => {
    const manifest = parseManifest(JSON.stringify({ dependencies: { a: '^9.0.0', b: 'canary', c: '^1.0.0', d: '^1.0.0' } }));
    const { listVersions } = registry({
      a: { versions: ['1.0.0', '2.0.0'], distTags: { latest: '2.0.0' } },
      b: { versions: ['1.0.0'], distTags: { latest: '1.0.0' } },
      c: new Error('ETIMEDOUT connecting to registry.npmjs.org'),
    });
    const resolved = await resolveDependencies(manifest, { listVersions });
    assert.deepEqual(
      resolved.map((r) => [r.verdict?.status, r.verdict?.reason?.code]),
      Array(4).fill(['unavailable', 'unresolved']),
    );
    assert.match(resolved[0].verdict!.reason!.message, /No published version satisfies "\^9\.0\.0" \(latest is 2\.0\.0\)/);
    assert.match(resolved[1].verdict!.reason!.message, /no dist-tag "canary" \(it has latest\)/);
    assert.match(resolved[2].verdict!.reason!.message, /could not be listed: ETIMEDOUT/);
    assert.match(resolved[3].verdict!.reason!.message, /404 Not Found/);
    assert.equal(resolved[0].verdict!.version, '^9.0.0');
    const offline = await resolveDependencies(manifest, {});
    assert.match(offline[0].verdict!.reason!.message, /not in a lockfile and the registry was not asked/);
  });

  it('a stale lockfile: the locked version is kept, with a note saying the lockfile is out of date', async () => {
    const lockfile = await readLockfile(fixture('npm-v3-workspaces', 'package-lock.json'));
    const manifest = parseManifest(JSON.stringify({ dependencies: { lodash: '^5.0.0', debug: '^4.3.0', pad: 'npm:right-pad@^1.0.0' } }));
    const resolved = await resolveDependencies(manifest, { lockfile, listVersions: async () => assert.fail('not asked') });
    assert.deepEqual(outcomes(resolved), [
      'lodash → lodash@4.17.21 (lockfile, integrity) [note]',
      'debug → debug@4.3.4 (lockfile, integrity)',
      'pad → left-pad@1.3.0 (lockfile, integrity) [note]',
    ]);
    assert.match(resolved[0].note!, /package-lock\.json is out of date: it locks 4\.17\.21, which does not satisfy "\^5\.0\.0"/);
    assert.match(resolved[2].note!, /it locks left-pad where the manifest asks for right-pad/);
  });

  it('a dependency missing from the lockfile falls back to the registry, with a note', async () => {
    const lockfile = await readLockfile(fixture('npm-v1', 'package-lock.json'));
    const manifest = parseManifest(JSON.stringify({ dependencies: { 'new-dep': '^1.0.0', debug: '^2.6.9' } }));
    const { listVersions } = registry({ 'new-dep': { versions: ['1.0.0', '1.1.0'], distTags: { latest: '1.1.0' } } });
    const resolved = await resolveDependencies(manifest, { lockfile, listVersions });
    assert.deepEqual(outcomes(resolved), ['new-dep → new-dep@1.1.0 (registry) [note]', 'debug → debug@2.6.9 (lockfile, integrity)']);
    assert.match(resolved[0].note!, /new-dep is not in package-lock\.json/);
    const peer = await resolveDependencies(parseManifest(JSON.stringify({ peerDependencies: { 'new-dep': '>=1' } })), {
      lockfile,
      listVersions,
    });
    assert.match(peer[0].note!, /peer dependency that package-lock\.json does not install/);
  });

  it('catalog: without a lockfile that records it is unresolved, saying why', async () => {
    const manifest = parseManifest(JSON.stringify({ dependencies: { zod: 'catalog:', react: 'catalog:react18' } }));
    const resolved = await resolveDependencies(manifest, {
      listVersions: async () => assert.fail('a catalog range is not in the manifest; the registry cannot help'),
    });
    assert.deepEqual(
      resolved.map((r) => r.verdict?.reason?.code),
      ['unresolved', 'unresolved'],
    );
    assert.match(resolved[0].verdict!.reason!.message, /"catalog:".*only the lockfile says which version/);
  });

  it('ignored names (exact or glob, local or registry name) and invalid specs are not-applicable', async () => {
    const manifest = parseManifest(
      JSON.stringify({
        dependencies: { '@internal/a': '^1.0.0', lodash: '^4.0.0', pad: 'npm:left-pad@1.3.0', bad: 'not valid!!', jsr: 'jsr:@std/path@^1' },
      }),
    );
    const resolved = await resolveDependencies(manifest, {
      ignore: ['@internal/*', 'left-pad'],
      listVersions: registry({ lodash: { versions: ['4.17.21'], distTags: { latest: '4.17.21' } } }).listVersions,
    });
    assert.deepEqual(outcomes(resolved), [
      '@internal/a → not-applicable:ignored',
      'lodash → lodash@4.17.21 (registry)',
      'pad → not-applicable:ignored',
      'bad → not-applicable:invalid-spec',
      'jsr → not-applicable:invalid-spec',
    ]);
    assert.match(resolved[3].verdict!.reason!.message, /neither a version/);
  });

  it('asks the registry once per package name, with bounded concurrency', async () => {
    const names = Array.from({ length: 30 }, (_, i) => `pkg-${i}`);
    const deps: Record<string, string> = {};
    for (const n of names) deps[n] = '^1.0.0';
    const manifest = parseManifest(
      JSON.stringify({ dependencies: deps, devDependencies: { 'pkg-0': '^1.0.0' }, peerDependencies: { 'pkg-1': '>=1' } }),
    );
    let active = 0;
    let peak = 0;
    const calls: string[] = [];
    const resolved = await resolveDependencies(manifest, {
      concurrency: 4,
      listVersions: async (name) => {
        calls.push(name);
        active++;
        peak = Math.max(peak, active);
        await new Promise((r) => setTimeout(r, 2));
        active--;
        return { versions: ['1.0.0', '1.2.0'], distTags: { latest: '1.2.0' } };
      },
    });
    assert.equal(resolved.length, 32);
    assert.ok(resolved.every((r) => r.version === '1.2.0'));
    assert.equal(calls.length, 30);
    assert.ok(peak <= 4 && peak > 1, `peak concurrency ${peak}`);
  });

  it('never throws: a lockfile whose resolveDirect throws, a listVersions returning junk', async () => {
    const manifest = parseManifest(JSON.stringify({ dependencies: { a: '^1.0.0', b: '^1.0.0' } }));
    const lockfile = {
      kind: 'package-lock' as const,
      path: 'package-lock.json',
      packages: [],
      resolveDirect: () => {
        throw new Error('boom');
      },
    };
    const resolved = await resolveDependencies(manifest, {
      lockfile,
      listVersions: async () => ({ versions: 'nope', distTags: null }) as unknown as Listing,
    });
    assert.deepEqual(
      resolved.map((r) => r.verdict?.reason?.code),
      ['unresolved', 'unresolved'],
    );
    assert.deepEqual(await resolveDependencies({ dependencies: undefined, problems: [] } as never, {}), []);
  });
});

describe('resolve/resolve: pickVersion', () => {
  it('follows npm: latest when it satisfies, else the highest satisfying non-prerelease', () => {
    assert.deepEqual(pickVersion('^1.0.0', ['1.0.0', '1.1.0', '1.2.0'], { latest: '1.1.0' }), { version: '1.1.0' });
    assert.deepEqual(pickVersion('^1.0.0', ['1.0.0', '1.1.0', '1.2.0-rc.0'], { latest: '2.0.0' }), { version: '1.1.0' });
    assert.deepEqual(pickVersion('1.1.0', ['1.0.0', '1.1.0'], {}), { version: '1.1.0' });
    assert.match(pickVersion('1.3.0', ['1.0.0'], {}).why!, /not published/);
    assert.match(pickVersion('^2', [], {}).why!, /lists no versions/);
  });
});

describe('resolve/resolve: lockfileRequests', () => {
  it('splits a lockfile into registry requests (with integrity) and not-applicable verdicts', async () => {
    const lockfile = await readLockfile(fixture('npm-v3-workspaces', 'package-lock.json'));
    const { requests, notApplicable } = lockfileRequests(lockfile);
    assert.equal(requests.length + notApplicable.length, lockfile.packages.length);
    assert.equal(requests.length, 11);
    assert.deepEqual(notApplicable.map((v) => `${v.name}:${v.reason?.code}`).sort(), [
      '@acme/app:workspace',
      '@acme/lib:workspace',
      'local-tar:file',
      'remote-pkg:remote-tarball',
      'shared-utils:directory',
      'tiny-lib:git',
    ]);
    assert.ok(notApplicable.every((v) => v.status === 'not-applicable' && v.resolvedFrom === 'lockfile'));
    assert.deepEqual(
      requests.find((r) => r.name === 'left-pad'),
      {
        name: 'left-pad',
        version: '1.3.0',
        integrity: 'sha512-5M53BsOqcReBM10CEzSaGC4lddbxUMy9v+iLQ8GPQl2d27nb8yuN8GHr8JhtKZe3H3AIIBvsdZDfCqO8lqGa6Q==',
        resolved: 'https://registry.npmjs.org/left-pad/-/left-pad-1.3.0.tgz',
        location: 'node_modules/pad',
      },
    );
  });

  it('gives no integrity for yarn berry packages (checksums are not npm integrity)', () => {
    const lockfile = parseLockfile('yarn-berry', fs.readFileSync(fixture('yarn-berry', 'yarn.lock'), 'utf8'), 'yarn.lock');
    const { requests } = lockfileRequests(lockfile);
    assert.ok(requests.length > 0);
    assert.ok(requests.every((r) => r.integrity === undefined));
  });
});
