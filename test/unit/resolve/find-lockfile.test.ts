import { strict as assert } from 'node:assert';
import { promises as fs } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { findLockfile, lockfileKindOf, readLockfile } from '../../../src/verify/resolve/lockfile';
import { fixture } from './helpers';

describe('resolve/lockfile: findLockfile and readLockfile', () => {
  it('finds the lockfile beside the package.json', async () => {
    const found = await findLockfile(fixture('npm-v1'));
    assert.deepEqual(found, { path: fixture('npm-v1', 'package-lock.json'), kind: 'package-lock', importerPath: '', note: undefined });
    assert.equal((await findLockfile(fixture('pnpm-v9')))?.kind, 'pnpm');
    assert.equal((await findLockfile(fixture('bun')))?.kind, 'bun');
    assert.equal((await findLockfile(fixture('yarn-classic')))?.kind, 'yarn-classic');
    assert.equal((await findLockfile(fixture('yarn-berry')))?.kind, 'yarn-berry', 'yarn.lock content tells berry from classic');
  });

  it('prefers npm-shrinkwrap.json over package-lock.json, as npm does, and says so', async () => {
    const found = await findLockfile(fixture('npm-v2-shrinkwrap'));
    assert.equal(found?.path, fixture('npm-v2-shrinkwrap', 'npm-shrinkwrap.json'));
    assert.equal(found?.kind, 'npm-shrinkwrap');
    assert.match(found?.note ?? '', /using npm-shrinkwrap\.json .* ignoring package-lock\.json/);
  });

  it('picks deterministically among lockfiles of different managers and notes it; packageManager decides when set', async () => {
    const multi = await findLockfile(fixture('find', 'multi'));
    assert.equal(multi?.kind, 'package-lock');
    assert.match(multi?.note ?? '', /Several lockfiles .*using package-lock\.json \(the fixed order.*ignoring yarn\.lock/);
    const pm = await findLockfile(fixture('find', 'multi-pm'));
    assert.equal(pm?.kind, 'yarn-berry');
    assert.match(pm?.note ?? '', /using yarn\.lock \("packageManager" in package\.json names yarn\); ignoring package-lock\.json/);
  });

  it('prefers bun.lock over bun.lockb; offers bun.lockb alone with a note (reading it then fails clearly)', async () => {
    const both = await findLockfile(fixture('find', 'bun-both'));
    assert.equal(both?.path, fixture('find', 'bun-both', 'bun.lock'));
    assert.equal(both?.note, undefined);
    const binary = await findLockfile(fixture('find', 'bun-binary'));
    assert.equal(binary?.path, fixture('find', 'bun-binary', 'bun.lockb'));
    assert.match(binary?.note ?? '', /binary lockfile/);
    await assert.rejects(readLockfile(binary!.path), /not supported/);
  });

  it('walks up from a workspace member to the root lockfile (npm workspaces), with the importer path', async () => {
    const found = await findLockfile(fixture('npm-v3-workspaces', 'packages', 'app'));
    assert.deepEqual(found, {
      path: fixture('npm-v3-workspaces', 'package-lock.json'),
      kind: 'package-lock',
      importerPath: 'packages/app',
      note: undefined,
    });
  });

  it('walks up for pnpm members listed in pnpm-workspace.yaml', async () => {
    const found = await findLockfile(fixture('pnpm-v9', 'packages', 'web'));
    assert.equal(found?.path, fixture('pnpm-v9', 'pnpm-lock.yaml'));
    assert.equal(found?.importerPath, 'packages/web');
  });

  it('does not adopt the lockfile of a folder that does not list the package as a workspace', async () => {
    assert.equal(await findLockfile(fixture('npm-v3-workspaces', 'tools', 'scripts')), undefined);
    // A workspace root without a lockfile stops the search, for itself and for folders it does not list.
    assert.equal(await findLockfile(fixture('find', 'standalone-root')), undefined);
    assert.equal(await findLockfile(fixture('find', 'standalone-root', 'sub')), undefined);
    // No lockfile anywhere that covers it (the repository's own lockfile does not list test fixtures).
    assert.equal(await findLockfile(fixture('find', 'plain')), undefined);
  });

  it('never throws, even for folders that do not exist', async () => {
    assert.equal(await findLockfile(path.join(os.tmpdir(), 'provenance-lens-does-not-exist', 'x')), undefined);
  });

  it('readLockfile names the file when it cannot be read or is not a lockfile', async () => {
    const dir = await fs.mkdtemp(path.join(os.tmpdir(), 'pl-resolve-'));
    try {
      await assert.rejects(
        readLockfile(path.join(dir, 'package-lock.json')),
        new RegExp(`${escape(path.join(dir, 'package-lock.json'))}: could not be read: ENOENT`),
      );
      await fs.writeFile(path.join(dir, 'deps.txt'), 'x');
      await assert.rejects(readLockfile(path.join(dir, 'deps.txt')), /deps\.txt: is not a lockfile this tool knows/);
      await fs.writeFile(path.join(dir, 'package-lock.json'), '{"lockfileVersion": 3, "packages": {');
      await assert.rejects(readLockfile(path.join(dir, 'package-lock.json')), /package-lock\.json: is not valid JSON/);
    } finally {
      await fs.rm(dir, { recursive: true, force: true });
    }
  });

  it('lockfileKindOf maps file names (and yarn.lock content)', () => {
    assert.equal(lockfileKindOf('/a/package-lock.json'), 'package-lock');
    assert.equal(lockfileKindOf('/a/npm-shrinkwrap.json'), 'npm-shrinkwrap');
    assert.equal(lockfileKindOf('/a/pnpm-lock.yaml'), 'pnpm');
    assert.equal(lockfileKindOf('/a/bun.lock'), 'bun');
    assert.equal(lockfileKindOf('/a/yarn.lock', '# yarn lockfile v1\n'), 'yarn-classic');
    assert.equal(lockfileKindOf('/a/yarn.lock', '__metadata:\n  version: 8\n'), 'yarn-berry');
    assert.equal(lockfileKindOf('/a/bun.lockb'), undefined);
    assert.equal(lockfileKindOf('/a/Cargo.lock'), undefined);
  });
});

function escape(s: string): string {
  return s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}
