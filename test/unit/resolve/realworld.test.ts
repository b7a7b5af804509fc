import { strict as assert } from 'node:assert';
import * as fs from 'node:fs';
import * as path from 'node:path';
import YAML from 'yaml';
import { findLockfile, readLockfile } from '../../../src/verify/resolve/lockfile';
import { parseManifest } from '../../../src/verify/resolve/manifest';
import { lockfileRequests, resolveDependencies } from '../../../src/verify/resolve/resolve';
import type { Lockfile } from '../../../src/verify/types';
import { REALWORLD_DIR } from '../../fixture-registry/realworld';

/** The real projects' manifests and lockfiles (the in-repository copy, test/fixtures/realworld/projects). */
const REALWORLD = REALWORLD_DIR;
const PROJECTS = path.join(REALWORLD, 'projects');
const noRegistry = async (name: string): Promise<never> => {
  throw new Error(`the registry must not be asked (${name})`);
};

function requireProject(ctx: Mocha.Context, name: string): string {
  const dir = path.join(PROJECTS, name);
  return dir;
}

describe('resolve: real-world sigstore-js (npm workspaces, package-lock.json v3)', function () {
  let dir: string;
  let lockfile: Lockfile;
  let raw: { packages: Record<string, { name?: string; version?: string; link?: boolean; resolved?: string }> };

  before(async function () {
    dir = requireProject(this, 'sigstore-js');
    lockfile = await readLockfile(path.join(dir, 'package-lock.json'));
    raw = JSON.parse(fs.readFileSync(path.join(dir, 'package-lock.json'), 'utf8'));
  });

  it('lists the transitive closure: every installed copy that differs in resolved or integrity, workspaces as not-applicable', () => {
    const entries = Object.entries(raw.packages);
    assert.equal(entries.length, 1063);
    // Independent count: install paths under node_modules that are not links, de-duplicated by name, version, resolved
    // and integrity (identical copies may be merged; copies that differ are each judged).
    const copies = new Set<string>();
    const ids = new Set<string>();
    for (const [p, e] of entries) {
      if (!p.includes('node_modules/') || e.link) continue;
      const name = e.name ?? p.slice(p.lastIndexOf('node_modules/') + 'node_modules/'.length);
      copies.add(JSON.stringify([name, e.version, e.resolved ?? null, (e as { integrity?: string }).integrity ?? null]));
      ids.add(`${name}@${e.version}`);
    }
    const workspaceFolders = entries.filter(([p]) => p !== '' && !p.includes('node_modules/')).length;
    const { requests, notApplicable } = lockfileRequests(lockfile);
    assert.equal(requests.length, copies.size);
    // 849 name@versions; 5 of them (balanced-match@4.0.4, minimatch@10.2.5, signal-exit@4.1.0, ...) are installed both
    // with a resolved URL and integrity and without (npm omits both for some nested copies): 854 copies to judge.
    assert.equal(ids.size, 849);
    assert.equal(requests.length, 854);
    assert.equal(notApplicable.length, workspaceFolders);
    assert.equal(workspaceFolders, 14);
    assert.ok(notApplicable.every((v) => v.reason?.code === 'workspace'));
    const keys = requests.map((r) => JSON.stringify([r.name, r.version, r.resolved ?? null, r.integrity ?? null]));
    assert.equal(new Set(keys).size, requests.length, 'no identical copies twice');
    // Every request names the install path of (one of) its copies, exactly as the lockfile writes it.
    for (const r of requests) {
      const entry = raw.packages[r.location ?? ''];
      assert.ok(entry && entry.version === r.version, `${r.name}@${r.version} at ${r.location}`);
      assert.equal(entry.resolved, r.resolved);
    }
    const signalExit = requests.filter((r) => r.name === 'signal-exit' && r.version === '4.1.0');
    assert.equal(signalExit.length, 2);
    assert.deepEqual(signalExit.map((r) => r.resolved ?? '(configured registry)').sort(), [
      '(configured registry)',
      'https://registry.npmjs.org/signal-exit/-/signal-exit-4.1.0.tgz',
    ]);
    // Aliased installs are requested under their real names.
    assert.ok(requests.some((r) => r.name === 'react-is' && r.version === '18.3.1'));
    assert.ok(!requests.some((r) => r.name === 'react-is-18'));
    // Integrity and resolved are passed on exactly where the lockfile records them.
    const withIntegrity = new Set([...copies].filter((c) => JSON.parse(c)[3] !== null));
    assert.equal(requests.filter((r) => r.integrity).length, withIntegrity.size);
    assert.equal(requests.filter((r) => r.resolved).length, withIntegrity.size);
  });

  it('root: every direct dependency resolves from the lockfile, in manifest order', async () => {
    const found = await findLockfile(dir);
    assert.equal(found?.path, path.join(dir, 'package-lock.json'));
    assert.equal(found?.importerPath, '');
    const manifest = parseManifest(fs.readFileSync(path.join(dir, 'package.json'), 'utf8'));
    assert.deepEqual(manifest.problems, []);
    assert.deepEqual(manifest.workspaces, ['./packages/*']);
    const resolved = await resolveDependencies(manifest, { lockfile, importerPath: found!.importerPath, listVersions: noRegistry });
    assert.equal(resolved.length, 24);
    assert.deepEqual(
      resolved.map((r) => r.dependency?.name),
      manifest.dependencies.map((d) => d.name),
    );
    for (const r of resolved) {
      assert.equal(r.resolvedFrom, 'lockfile', `${r.dependency?.name}: ${r.verdict?.reason?.message}`);
      assert.equal(r.note, undefined, `${r.dependency?.name}: ${r.note}`);
    }
    const typescript = resolved.find((r) => r.name === 'typescript');
    assert.equal(typescript?.version, raw.packages['node_modules/typescript'].version);
  });

  it('every workspace member: found through the root lockfile; siblings are workspaces, everything else is locked', async () => {
    const members = fs.readdirSync(path.join(dir, 'packages')).filter((m) => fs.existsSync(path.join(dir, 'packages', m, 'package.json')));
    assert.equal(members.length, 14);
    let siblings = 0;
    for (const member of members) {
      const memberDir = path.join(dir, 'packages', member);
      const found = await findLockfile(memberDir);
      assert.equal(found?.path, path.join(dir, 'package-lock.json'), member);
      assert.equal(found?.importerPath, `packages/${member}`);
      const manifest = parseManifest(fs.readFileSync(path.join(memberDir, 'package.json'), 'utf8'));
      const resolved = await resolveDependencies(manifest, { lockfile, importerPath: found!.importerPath, listVersions: noRegistry });
      for (const r of resolved) {
        if (r.verdict) {
          assert.equal(r.verdict.reason?.code, 'workspace', `${member}: ${r.dependency?.name}: ${r.verdict.reason?.message}`);
          siblings++;
        } else {
          assert.equal(r.resolvedFrom, 'lockfile', `${member}: ${r.dependency?.name}`);
        }
      }
    }
    assert.ok(siblings > 10, `${siblings} sibling dependencies`);
  });

  it('packages/cli: the sigstore sibling is the workspace package, not the registry one', async () => {
    const manifest = parseManifest(fs.readFileSync(path.join(dir, 'packages', 'cli', 'package.json'), 'utf8'));
    const resolved = await resolveDependencies(manifest, { lockfile, importerPath: 'packages/cli', listVersions: noRegistry });
    const sigstore = resolved.find((r) => r.dependency?.name === 'sigstore');
    assert.equal(sigstore?.verdict?.status, 'not-applicable');
    assert.equal(sigstore?.verdict?.reason?.code, 'workspace');
    assert.match(sigstore?.verdict?.reason?.message ?? '', /packages\/client/);
    const oclif = resolved.find((r) => r.dependency?.name === '@oclif/core');
    assert.equal(oclif?.resolvedFrom, 'lockfile');
  });
});

describe('resolve: real-world vscode-npmx (pnpm-lock.yaml 9.0)', function () {
  let dir: string;
  let lockfile: Lockfile;
  let raw: {
    importers: Record<string, Record<string, Record<string, { specifier: string; version: string }>>>;
    packages: Record<string, unknown>;
  };

  before(async function () {
    dir = requireProject(this, 'vscode-npmx');
    lockfile = await readLockfile(path.join(dir, 'pnpm-lock.yaml'));
    raw = YAML.parse(fs.readFileSync(path.join(dir, 'pnpm-lock.yaml'), 'utf8'));
  });

  it('lists every package of the packages section, all from the registry with integrity', () => {
    const { requests, notApplicable } = lockfileRequests(lockfile);
    assert.equal(requests.length, Object.keys(raw.packages).length);
    assert.equal(notApplicable.length, 0);
    assert.ok(requests.every((r) => r.integrity?.startsWith('sha512-')));
    // 726 packages keys, 726 copies: pnpm 9 keys packages by name@version (peers live in snapshots), so no version has
    // two copies; no entry has resolution.tarball, so every copy comes from the configured registry (no resolved).
    assert.equal(requests.length, 726);
    assert.deepEqual(requests.map((r) => r.location).sort(), Object.keys(raw.packages).sort());
    assert.ok(requests.every((r) => r.resolved === undefined));
    // The root has only devDependencies, so everything is dev.
    assert.ok(lockfile.packages.every((p) => p.dev === true));
  });

  it('root importer: every devDependency resolves to the importer version (peer suffix removed)', async () => {
    const found = await findLockfile(dir);
    assert.equal(found?.kind, 'pnpm');
    const manifest = parseManifest(fs.readFileSync(path.join(dir, 'package.json'), 'utf8'));
    const resolved = await resolveDependencies(manifest, { lockfile, importerPath: '', listVersions: noRegistry });
    const importer = raw.importers['.'].devDependencies;
    assert.equal(resolved.length, Object.keys(importer).length);
    for (const r of resolved) {
      const name = r.dependency!.name;
      assert.equal(r.resolvedFrom, 'lockfile', name);
      assert.equal(r.version, importer[name].version.replace(/\(.*$/, ''), name);
      assert.ok(r.integrity?.startsWith('sha512-'), name);
    }
    assert.equal(resolved.find((r) => r.name === 'vitest')?.version, '4.0.18');
  });

  it('playground: its own pnpm workspace root, not an importer of the repository lockfile', async () => {
    assert.deepEqual(Object.keys(raw.importers), ['.'], 'the lockfile has only the root importer');
    const playground = path.join(dir, 'playground');
    assert.ok(fs.existsSync(path.join(playground, 'pnpm-workspace.yaml')));
    assert.equal(await findLockfile(playground), undefined);
    const manifest = parseManifest(fs.readFileSync(path.join(playground, 'package.json'), 'utf8'));
    assert.deepEqual(
      manifest.dependencies.map((d) => `${d.name}:${d.kind}`),
      [
        '@deno/doc:invalid',
        '@prismicio/client:range',
        'nuxt:alias',
        'array-includes:range',
        'axios:range',
        'is-number:range',
        'lodash:catalog',
      ],
    );
    // Even when handed the parent lockfile, nothing resolves from it: the importer is not there.
    const asked: string[] = [];
    const resolved = await resolveDependencies(manifest, {
      lockfile,
      importerPath: 'playground',
      listVersions: async (name) => {
        asked.push(name);
        return { versions: ['1.0.0', '7.21.0-canary.147e3f2'], distTags: { latest: '1.0.0' } };
      },
    });
    assert.deepEqual(
      resolved.map((r) => r.verdict?.reason?.code ?? r.resolvedFrom),
      ['invalid-spec', 'registry', 'registry', 'registry', 'registry', 'registry', 'unresolved'],
    );
    assert.equal(resolved[1].version, '7.21.0-canary.147e3f2');
    assert.equal(resolved[2].name, '4.3.0', 'npm and pnpm read npm:4.3.0 as the package named "4.3.0"');
    assert.ok(!asked.includes('lodash'), 'catalog: is not resolved from the registry');
  });
});
