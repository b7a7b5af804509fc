import { strict as assert } from 'node:assert';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { lockfileLine } from '../../../src/cli/lockfile-lines';
import { diffLockfiles } from '../../../src/verify/history';
import { readLockfile } from '../../../src/verify/resolve/lockfile';
import type { LockedPackage, Lockfile } from '../../../src/verify/types';
import { REPO_ROOT } from '../../support/realworld';

const FIXTURES = path.join(REPO_ROOT, 'test', 'fixtures', 'resolve');
const LOCKFILES = [
  'npm-v1/package-lock.json',
  'npm-v2-shrinkwrap/npm-shrinkwrap.json',
  'npm-v3-workspaces/package-lock.json',
  'pnpm-v5/pnpm-lock.yaml',
  'pnpm-v6/pnpm-lock.yaml',
  'pnpm-v9/pnpm-lock.yaml',
  'yarn-classic/yarn.lock',
  'yarn-berry/yarn.lock',
  'bun/bun.lock',
];

describe('lockfile lines and lockfile diffs, for every lockfile format', () => {
  for (const rel of LOCKFILES) {
    it(`${rel}: every registry package is found at a line naming it, its version in that entry`, async () => {
      const file = path.join(FIXTURES, rel);
      const text = fs.readFileSync(file, 'utf8');
      const lines = text.split('\n');
      const lf = await readLockfile(file);
      const pkgs = lf.packages.filter((p) => !p.nonRegistry);
      assert.ok(pkgs.length > 0);
      for (const p of pkgs) {
        const n = lockfileLine(text, p);
        assert.ok(n > 1, `${p.name}@${p.version}: line ${n}`);
        const entry = lines.slice(n - 1, n + 30).join('\n');
        assert.ok(entry.includes(p.name), `${p.name}@${p.version} at line ${n}: ${lines[n - 1]}`);
        assert.ok(entry.includes(p.version), `${p.name}@${p.version} at line ${n}: version not in its entry`);
      }
      // A lockfile compared with itself changes nothing; compared with none, everything is added.
      assert.deepEqual(diffLockfiles(lf, lf), []);
      const added = diffLockfiles(undefined, lf);
      assert.equal(added.length, new Set(pkgs.map((p) => `${p.name}@${p.version}`)).size);
      assert.ok(added.every((c) => c.kind === 'added' && !c.from));
    });
  }

  it('pairs a new version with the one it replaces; a second copy of a package pairs with the version gone', () => {
    const lf = (pkgs: LockedPackage[]): Lockfile => ({ kind: 'package-lock', path: 'x', packages: pkgs, resolveDirect: () => undefined });
    const before = lf([
      { name: 'a', version: '1.0.0' },
      { name: 'b', version: '2.0.0' },
      { name: 'b', version: '3.1.0' },
      { name: 'c', version: '1.0.0' },
      { name: 'd', version: '1.0.0', nonRegistry: { kind: 'git', detail: 'github:x/d' } },
    ]);
    const after = lf([
      { name: 'a', version: '1.0.1' },
      { name: 'b', version: '2.0.0' },
      { name: 'b', version: '3.2.0' },
      { name: 'c', version: '0.9.0' },
      { name: 'e', version: '5.0.0' },
      { name: 'd', version: '2.0.0', nonRegistry: { kind: 'git', detail: 'github:x/d' } },
    ]);
    assert.deepEqual(
      diffLockfiles(before, after).map((c) => `${c.name}:${c.from?.version ?? '-'}→${c.to.version}:${c.kind}`),
      ['a:1.0.0→1.0.1:updated', 'b:3.1.0→3.2.0:updated', 'c:1.0.0→0.9.0:updated', 'e:-→5.0.0:added'],
    );
  });
});
