import { strict as assert } from 'node:assert';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { parseManifest } from '../../../src/verify/resolve/manifest';
import { resolveDependencies } from '../../../src/verify/resolve/resolve';
import type { ResolvedDependency } from '../../../src/verify/types';

/** A registry with a few versions; every listing is recorded. */
function registry() {
  const data: Record<string, string[]> = { foo: ['1.0.0', '1.0.1', '1.2.0', '2.0.0', '2.1.0'], evil: ['1.0.0', '2.0.0'], bar: ['3.0.0'] };
  const asked: string[] = [];
  return {
    asked,
    listVersions: async (name: string) => {
      asked.push(name);
      const versions = data[name];
      if (!versions) throw new Error(`404 ${name}`);
      return { versions, distTags: { latest: versions[versions.length - 1] } };
    },
  };
}

/** Write files (path → JSON value or text) into a fresh temporary project. */
function project(files: Record<string, unknown>): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'pl-overrides-'));
  for (const [rel, content] of Object.entries(files)) {
    const file = path.join(dir, rel);
    fs.mkdirSync(path.dirname(file), { recursive: true });
    fs.writeFileSync(file, typeof content === 'string' ? content : JSON.stringify(content, null, 2));
  }
  return dir;
}

async function resolveAt(dir: string, rel = 'package.json'): Promise<ResolvedDependency[]> {
  const manifestPath = path.join(dir, rel);
  const manifest = parseManifest(fs.readFileSync(manifestPath, 'utf8'));
  return resolveDependencies(manifest, { manifestPath, listVersions: registry().listVersions });
}

const outcome = (r: ResolvedDependency | undefined): string =>
  !r ? '(none)' : r.verdict ? `${r.verdict.status}:${r.verdict.reason?.code}` : `${r.name}@${r.version} (${r.resolvedFrom})`;

describe('resolve/overrides: what is installed without a lockfile', () => {
  const dirs: string[] = [];
  const make = (files: Record<string, unknown>) => {
    const d = project(files);
    dirs.push(d);
    return d;
  };
  after(() => {
    for (const d of dirs) fs.rmSync(d, { recursive: true, force: true });
  });

  describe('npm overrides', () => {
    it('an override that swaps a root dependency for another package is refused by npm (EOVERRIDE): nothing is verified', async () => {
      const dir = make({ 'package.json': { name: 'app', dependencies: { foo: '^1.0.0' }, overrides: { foo: 'npm:evil@1.0.0' } } });
      const [foo] = await resolveAt(dir);
      assert.equal(outcome(foo), 'unavailable:unresolved');
      assert.match(foo.verdict!.reason!.message, /EOVERRIDE/);
      assert.match(foo.note ?? '', /override "foo": "npm:evil@1\.0\.0"/);
    });

    it("a workspace member's dependency gets the root override: the swapped package is what is verified, and the note says so", async () => {
      const dir = make({
        'package.json': { name: 'root', workspaces: ['packages/*'], overrides: { foo: 'npm:evil@1.0.0' } },
        'packages/app/package.json': { name: 'app', dependencies: { foo: '^1.0.0', bar: '^3.0.0' } },
      });
      const [foo, bar] = await resolveAt(dir, 'packages/app/package.json');
      assert.equal(outcome(foo), 'evil@1.0.0 (exact-spec)');
      assert.equal(foo.dependency?.name, 'foo');
      assert.match(
        foo.note ?? '',
        /override applies: npm "overrides" in the workspace root's package\.json .*replaces "\^1\.0\.0".*\(evil, not foo\)/,
      );
      assert.equal(outcome(bar), 'bar@3.0.0 (registry)');
      assert.equal(bar.note, undefined);
    });

    it('another version, an object with ".", a key range that does not intersect, and "$name" references', async () => {
      const dir = make({
        'package.json': {
          name: 'root',
          workspaces: ['packages/*'],
          dependencies: { bar: '^3.0.0' },
          overrides: { 'foo@^1.0.0': { '.': '1.0.1' }, 'evil@2': '2.0.0', bar: '$bar' },
        },
        'packages/app/package.json': { name: 'app', dependencies: { foo: '^1.0.0', evil: '^1.0.0', bar: '*' } },
      });
      const [foo, evil, bar] = await resolveAt(dir, 'packages/app/package.json');
      assert.equal(outcome(foo), 'foo@1.0.1 (exact-spec)');
      assert.equal(outcome(evil), 'evil@1.0.0 (registry)', 'evil@2 does not intersect ^1.0.0: no override');
      assert.equal(evil.note, undefined);
      assert.equal(outcome(bar), 'bar@3.0.0 (registry)');
      assert.match(bar.note ?? '', /"bar": "\$bar"/);
    });

    it('"$name" on the root itself is the dependency\'s own spec: no conflict, resolved as written', async () => {
      const dir = make({ 'package.json': { name: 'app', dependencies: { foo: '^1.0.0' }, overrides: { foo: '$foo' } } });
      const [foo] = await resolveAt(dir);
      assert.equal(outcome(foo), 'foo@1.2.0 (registry)');
      assert.equal(foo.note, undefined);
    });

    it("without the manifest path, the manifest's own overrides still count (as the project root)", async () => {
      const manifest = parseManifest(JSON.stringify({ dependencies: { foo: '^1.0.0' }, overrides: { foo: '2.0.0' } }));
      const [foo] = await resolveDependencies(manifest, { listVersions: registry().listVersions });
      assert.equal(outcome(foo), 'unavailable:unresolved');
    });
  });

  describe('pnpm overrides', () => {
    it('pnpm.overrides replaces the version of a root dependency; pnpm-workspace.yaml overrides win', async () => {
      const dir = make({
        'package.json': {
          name: 'app',
          packageManager: 'pnpm@9.15.0',
          dependencies: { foo: '^1.0.0', bar: '^3.0.0' },
          pnpm: { overrides: { foo: '1.0.1', bar: 'npm:evil@1.0.0' } },
        },
      });
      const [foo, bar] = await resolveAt(dir);
      assert.equal(outcome(foo), 'foo@1.0.1 (exact-spec)');
      assert.match(foo.note ?? '', /"pnpm\.overrides" in package\.json \("foo": "1\.0\.1"\)/);
      assert.equal(outcome(bar), 'evil@1.0.0 (exact-spec)');

      const ws = make({
        'package.json': { name: 'app', dependencies: { foo: '^1.0.0' }, pnpm: { overrides: { foo: '1.0.1' } } },
        'pnpm-workspace.yaml': 'packages:\n  - packages/*\noverrides:\n  foo: npm:evil@2.0.0\n',
      });
      const [foo2] = await resolveAt(ws);
      assert.equal(outcome(foo2), 'evil@2.0.0 (exact-spec)');
      assert.match(foo2.note ?? '', /pnpm-workspace\.yaml/);
    });

    it('selectors apply only to ranges inside them; "-" removes the dependency', async () => {
      const dir = make({
        'package.json': {
          name: 'app',
          packageManager: 'pnpm@10.0.0',
          dependencies: { foo: '^2.0.0', bar: '^3.0.0' },
          pnpm: { overrides: { 'foo@^1': '1.0.1', bar: '-' } },
        },
      });
      const [foo, bar] = await resolveAt(dir);
      assert.equal(outcome(foo), 'foo@2.1.0 (registry)');
      assert.equal(outcome(bar), 'unavailable:unresolved');
      assert.match(bar.verdict!.reason!.message, /removes bar .*not installed/);
    });
  });

  describe('yarn resolutions', () => {
    it("yarn berry applies resolutions to the project's own dependencies", async () => {
      const dir = make({
        'package.json': {
          name: 'app',
          packageManager: 'yarn@4.5.0',
          dependencies: { foo: '^1.0.0' },
          resolutions: { foo: 'npm:evil@1.0.0' },
        },
      });
      const [foo] = await resolveAt(dir);
      assert.equal(outcome(foo), 'evil@1.0.0 (exact-spec)');
      assert.match(foo.note ?? '', /yarn "resolutions"/);
    });

    it("yarn 1 does not apply them to the root's own dependencies, but does to a workspace member's", async () => {
      const root = make({
        'package.json': {
          name: 'root',
          private: true,
          packageManager: 'yarn@1.22.22',
          workspaces: ['packages/*'],
          dependencies: { foo: '^1.0.0' },
          resolutions: { '**/foo': '1.0.1' },
        },
        'packages/app/package.json': { name: 'app', dependencies: { foo: '^1.0.0' } },
      });
      assert.equal(outcome((await resolveAt(root))[0]), 'foo@1.2.0 (registry)');
      assert.equal(outcome((await resolveAt(root, 'packages/app/package.json'))[0]), 'foo@1.0.1 (exact-spec)');
    });

    it('no lockfile and no packageManager: when the package managers would disagree, nothing is guessed', async () => {
      const dir = make({ 'package.json': { name: 'app', dependencies: { foo: '^1.0.0' }, resolutions: { foo: '1.0.1' } } });
      const [foo] = await resolveAt(dir);
      assert.equal(outcome(foo), 'unavailable:unresolved');
      assert.match(foo.verdict!.reason!.message, /depends on the package manager/);
    });
  });
});
