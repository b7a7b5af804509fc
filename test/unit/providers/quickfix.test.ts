import { strict as assert } from 'node:assert';
import { fixFor, wantsVersionFix } from '../../../src/providers/codeActions/versionFix';
import { compareProvenance } from '../../../src/providers/format/relation';
import { candidateOrder, newestFirstAttested, rewriteSpec } from '../../../src/verify/suggest';
import type { ManifestDependency, Verdict } from '../../../src/verify/types';
import { noProvenance, verified } from './fixtures';
import type { VersionInfo } from '../../../src/verify/api';
import { facts } from './fixtures';

const v = (version: string, hasAttestations = true, deprecated = false): VersionInfo => ({ version, hasAttestations, deprecated });

describe('quick-fix version choice', () => {
  const versions = [v('2.1.0'), v('2.0.0', false), v('1.5.0', false), v('1.4.0'), v('1.3.0'), v('1.2.0'), v('1.1.0'), v('2.2.0-beta.1')];

  it('tries versions in the range highest first, then newer ones nearest first', () => {
    assert.deepEqual(candidateOrder({ range: '^1.2.0', current: '1.5.0', versions }), ['1.4.0', '1.3.0', '1.2.0', '2.1.0']);
  });

  it('falls back to the nearest newer version when nothing in range has attestations', () => {
    const only = [v('3.0.0'), v('2.5.0'), v('2.0.0', false), v('1.9.0', false)];
    assert.deepEqual(candidateOrder({ range: '~1.9.0', current: '1.9.0', versions: only }), ['2.5.0', '3.0.0']);
  });

  it('skips deprecated versions and prereleases (unless already on a prerelease)', () => {
    const list = [v('1.3.0', true, true), v('1.2.0'), v('1.4.0-rc.1')];
    assert.deepEqual(candidateOrder({ range: '^1.0.0', current: '1.1.0', versions: list }), ['1.2.0']);
    assert.deepEqual(candidateOrder({ range: '^1.4.0-rc.0', current: '1.4.0-rc.0', versions: list }), ['1.4.0-rc.1']);
  });

  it('uses the current version as the floor for tags', () => {
    assert.deepEqual(candidateOrder({ range: 'latest', current: '1.3.0', versions }), ['1.4.0', '2.1.0']);
  });

  it('lists attested versions newest first for "newest verified"', () => {
    assert.deepEqual(newestFirstAttested(versions), ['2.1.0', '1.4.0', '1.3.0', '1.2.0', '1.1.0']);
  });
});

describe('quick-fix spec rewrite', () => {
  const known = ['1.2.0', '1.3.0', '1.4.0', '1.5.0', '2.0.0'];

  it('keeps ^ and ~ when the new range still resolves to the chosen version', () => {
    assert.deepEqual(rewriteSpec('^1.2.0', '1.5.0', known), { spec: '^1.5.0', keptOperator: true });
    assert.deepEqual(rewriteSpec('~1.4.0', '1.4.0', ['1.4.0', '1.5.0']), { spec: '~1.4.0', keptOperator: true });
  });

  it('keeps an exact version exact (and = / v prefixes)', () => {
    assert.deepEqual(rewriteSpec('1.2.0', '1.4.0', known), { spec: '1.4.0', keptOperator: true });
    assert.deepEqual(rewriteSpec('=1.2.0', '1.4.0', known), { spec: '=1.4.0', keptOperator: true });
  });

  it('pins exactly when keeping the operator would still allow a newer unverified version', () => {
    const r = rewriteSpec('^1.2.0', '1.4.0', known);
    assert.equal(r.spec, '1.4.0');
    assert.equal(r.keptOperator, false);
    assert.match(r.note ?? '', /1\.5\.0/);
  });

  it('keeps npm: alias prefixes and pins complex ranges', () => {
    assert.deepEqual(rewriteSpec('npm:@scope/real@^1.2.0', '1.5.0', known), { spec: 'npm:@scope/real@^1.5.0', keptOperator: true });
    assert.equal(rewriteSpec('>=1.0.0 <2', '1.4.0', known).spec, '1.4.0');
    assert.equal(rewriteSpec('1.x', '1.4.0', known).spec, '1.4.0');
  });
});

describe('provenance comparison for the fix title', () => {
  it('says whether repository and workflow are the same', () => {
    assert.equal(compareProvenance(facts(), facts(), '1.2.3'), 'same repository and workflow as 1.2.3');
    assert.equal(
      compareProvenance(facts(), facts({ sourceRepository: 'https://github.com/other/repo' }), '1.2.3'),
      'different repository from 1.2.3',
    );
    assert.equal(
      compareProvenance(facts(), facts({ workflowPath: '.github/workflows/other.yml' }), '1.2.3'),
      'same repository as 1.2.3, different workflow',
    );
    // SLSA v0.2 style workflow paths compare equal to v1 ones.
    assert.equal(
      compareProvenance(facts(), facts({ workflowPath: 'owner/repo/.github/workflows/release.yml@refs/tags/v1' }), '1.0.0'),
      'same repository and workflow as 1.0.0',
    );
  });
  it('compares repositories as the trust history does: one repository however it is written, a fork is another', () => {
    for (const same of ['https://github.com/Owner/Repo', 'git+https://github.com/owner/repo.git', 'https://github.com/owner/repo/']) {
      assert.equal(compareProvenance(facts(), facts({ sourceRepository: same }), '1.0.0'), 'same repository and workflow as 1.0.0', same);
    }
    for (const other of ['https://github.com/fork/repo', 'https://gitlab.com/owner/repo', 'https://github.com/owner/repo2']) {
      assert.equal(compareProvenance(facts(), facts({ sourceRepository: other }), '1.0.0'), 'different repository from 1.0.0', other);
    }
  });
});

describe('quick-fix action', () => {
  const span = { offset: 0, length: 8 };
  const dep = (kind: ManifestDependency['kind'], spec: string) => ({
    dependency: {
      name: 'p',
      spec,
      section: 'dependencies' as const,
      kind,
      registryName: 'p',
      registrySpec: spec,
      nameSpan: span,
      specSpan: span,
    },
    verdict: noProvenance('p', '1.2.0'),
  });
  const suggestion = {
    name: 'p',
    versions: [v('1.3.0'), v('1.2.0', false)],
    attestedCount: 1,
    checkedWithoutSuccess: 0,
    fix: { version: '1.3.0', verdict: verified('p', '1.3.0') },
  };

  it('names the new spec and where it was built', () => {
    const fix = fixFor(
      { section: 'dependencies', name: 'p', spec: '^1.2.0', nameSpan: span, specSpan: span },
      dep('range', '^1.2.0'),
      suggestion,
    );
    assert.equal(fix?.newSpec, '^1.3.0');
    assert.equal(fix?.title, 'Use ^1.3.0 — verified provenance (built from owner/repo by release.yml)');
  });

  it('offers nothing for catalog:/workspace: specs or when the spec would not change', () => {
    assert.equal(
      fixFor(
        { section: 'dependencies', name: 'p', spec: 'catalog:', nameSpan: span, specSpan: span },
        dep('catalog', 'catalog:'),
        suggestion,
      ),
      undefined,
    );
    assert.equal(
      fixFor({ section: 'dependencies', name: 'p', spec: '^1.3.0', nameSpan: span, specSpan: span }, dep('range', '^1.3.0'), suggestion),
      undefined,
    );
  });
});

describe('which verdicts a version quick fix answers', () => {
  const v = (status: Verdict['status'], code?: string): Verdict =>
    ({ name: 'p', version: '1.0.0', status, ...(code ? { reason: { code, message: '' } } : {}) }) as Verdict;

  it('offers another version for invalid provenance and for none, never for a stale lockfile or anything unchecked', () => {
    assert.equal(wantsVersionFix(v('invalid', 'subject-digest-mismatch')), true);
    assert.equal(wantsVersionFix(v('no-provenance', 'not-advertised')), true);
    assert.equal(wantsVersionFix(v('invalid', 'lockfile-integrity-mismatch')), false);
    assert.equal(wantsVersionFix(v('unavailable', 'timeout')), false);
    assert.equal(wantsVersionFix(v('verified')), false);
    assert.equal(wantsVersionFix(undefined), false);
  });
});
