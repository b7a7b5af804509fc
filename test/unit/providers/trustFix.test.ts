import { strict as assert } from 'node:assert';
import { findLineFix, lineFixFor } from '../../../src/providers/codeActions/trust';
import { locateDependencies } from '../../../src/providers/locate/manifestLocator';
import type { DependencyState } from '../../../src/providers/state/documentState';
import { packageHistory } from '../../../src/verify/history';
import type { Verdict } from '../../../src/verify/types';
import { invalid } from './fixtures';
import { nuxtPackument, nuxtVerified, verdictOf } from './trustFixtures';

function verifier(verdicts: Record<string, Verdict>) {
  const calls: string[] = [];
  return {
    calls,
    verify: async (version: string): Promise<Verdict> => {
      calls.push(version);
      return (
        verdicts[version] ?? { name: 'nuxt', version, status: 'unavailable', reason: { code: 'network-error', message: 'unreachable' } }
      );
    },
  };
}

const ok = (version: string) => verdictOf('nuxt', version, nuxtVerified(version));

function located(spec: string) {
  const text = `{ "dependencies": { "nuxt": ${JSON.stringify(spec)} } }`;
  return locateDependencies(text).dependencies[0]!;
}

function dep(spec: string, kind: 'range' | 'git' = 'range'): DependencyState {
  const l = located(spec);
  return { dependency: { name: 'nuxt', spec, section: 'dependencies', kind, nameSpan: l.nameSpan, specSpan: l.specSpan } };
}

describe('quick fix for a trust downgrade: the newest version of the line that keeps its evidence', () => {
  it('nuxt 3.19.3 lost trusted publishing: 3.19.2, verified first; never a 4.x version, never a pre-release', async () => {
    const history = packageHistory('nuxt', nuxtPackument({ downgrade: true }));
    const v = verifier({ '3.19.2': ok('3.19.2') });
    const fix = await findLineFix({ history, current: '3.19.3', lost: 'trusted-publisher', verify: v.verify });
    assert.equal(fix?.version, '3.19.2');
    assert.equal(fix?.level, 'trusted-publisher');
    assert.equal(fix?.line, '3.x');
    assert.deepEqual(v.calls, ['3.19.2']);
  });

  it('a newer version of the line published through trusted publishing again wins over the older one', async () => {
    const history = packageHistory('nuxt', nuxtPackument({ downgrade: true, restored: true }));
    const v = verifier({ '3.19.4': ok('3.19.4'), '3.19.2': ok('3.19.2') });
    assert.equal((await findLineFix({ history, current: '3.19.3', lost: 'trusted-publisher', verify: v.verify }))?.version, '3.19.4');
  });

  it('a candidate whose provenance does not verify, or that is deprecated, is passed over; at most three are verified', async () => {
    const history = packageHistory('nuxt', nuxtPackument({ downgrade: true }));
    const v = verifier({ '3.19.2': invalid('nuxt', '3.19.2'), '3.19.1': ok('3.19.1') });
    assert.equal((await findLineFix({ history, current: '3.19.3', lost: 'trusted-publisher', verify: v.verify }))?.version, '3.19.1');
    const d = verifier({ '3.19.2': ok('3.19.2'), '3.19.1': ok('3.19.1') });
    assert.equal(
      (await findLineFix({ history, current: '3.19.3', lost: 'trusted-publisher', verify: d.verify, deprecated: new Set(['3.19.2']) }))
        ?.version,
      '3.19.1',
    );
    assert.deepEqual(d.calls, ['3.19.1']);
    const none = verifier({});
    assert.equal(await findLineFix({ history, current: '3.19.3', lost: 'trusted-publisher', verify: none.verify }), undefined);
    assert.deepEqual(
      none.calls,
      ['3.19.2', '3.19.1', '3.19.0'],
      'only versions the registry records with trusted publishing, newest first, three at most',
    );
  });

  it('a candidate built from another repository than the line’s verified evidence is not proposed (a fork keeps "provenance", not the source)', async () => {
    const history = packageHistory('nuxt', nuxtPackument({ downgrade: true }));
    const fork = verdictOf('nuxt', '3.19.2', {
      ...nuxtVerified('3.19.2'),
      facts: { ...nuxtVerified('3.19.2').facts!, sourceRepository: 'https://github.com/evil/nuxt' },
    });
    const v = verifier({ '3.19.2': fork, '3.19.1': ok('3.19.1') });
    const fix = await findLineFix({
      history,
      current: '3.19.3',
      lost: 'trusted-publisher',
      source: 'git+https://github.com/nuxt/nuxt.git',
      verify: v.verify,
    });
    assert.equal(fix?.version, '3.19.1');
    assert.equal(fix?.sameSource, true);
    assert.equal(lineFixFor(located('3.19.3'), dep('3.19.3'), fix!)?.title, 'Use 3.19.1 — keeps trusted publishing in 3.x');
    // without a verified source to compare with, the title names where the proposed version was built
    const unchecked = await findLineFix({ history, current: '3.19.3', lost: 'trusted-publisher', verify: v.verify });
    assert.equal(unchecked?.version, '3.19.2');
    assert.equal(
      lineFixFor(located('3.19.3'), dep('3.19.3'), unchecked!)?.title,
      'Use 3.19.2 — keeps trusted publishing in 3.x (built from evil/nuxt)',
    );
  });

  it('provenance lost: versions with provenance count, without needing trusted publishing', async () => {
    const history = packageHistory('nuxt', nuxtPackument({ downgrade: true }));
    const v = verifier({ '3.19.2': ok('3.19.2') });
    const fix = await findLineFix({ history, current: '3.19.3', lost: 'provenance', verify: v.verify });
    assert.equal(fix?.version, '3.19.2');
    assert.equal(fix?.level, 'trusted-publisher', 'it keeps what it has: trusted publishing');
  });

  it('the edit keeps ^/~ only when the range still resolves to the chosen version, and the title says what it keeps', async () => {
    const downgraded = packageHistory('nuxt', nuxtPackument({ downgrade: true }));
    const fix = (await findLineFix({
      history: downgraded,
      current: '3.19.3',
      lost: 'trusted-publisher',
      source: 'https://github.com/nuxt/nuxt',
      verify: verifier({ '3.19.2': ok('3.19.2') }).verify,
    }))!;
    // ^3.19.2 would still install 3.19.3: pinned exactly
    assert.deepEqual(lineFixFor(located('^3.19.0'), dep('^3.19.0'), fix), {
      located: located('^3.19.0'),
      newSpec: '3.19.2',
      title: 'Use 3.19.2 — keeps trusted publishing in 3.x (pinned exactly)',
    });
    assert.equal(lineFixFor(located('3.19.3'), dep('3.19.3'), fix)?.title, 'Use 3.19.2 — keeps trusted publishing in 3.x');
    const restored = packageHistory('nuxt', nuxtPackument({ downgrade: true, restored: true }));
    const newer = (await findLineFix({
      history: restored,
      current: '3.19.3',
      lost: 'trusted-publisher',
      source: 'https://github.com/nuxt/nuxt',
      verify: verifier({ '3.19.4': ok('3.19.4') }).verify,
    }))!;
    assert.equal(lineFixFor(located('^3.19.0'), dep('^3.19.0'), newer)?.title, 'Use ^3.19.4 — keeps trusted publishing in 3.x');
    assert.equal(lineFixFor(located('~3.19.3'), dep('~3.19.3'), newer)?.newSpec, '~3.19.4');
    // nothing to rewrite, or not a registry range
    assert.equal(lineFixFor(located('^3.19.4'), dep('^3.19.4'), newer), undefined);
    assert.equal(lineFixFor(located('github:nuxt/nuxt'), dep('github:nuxt/nuxt', 'git'), newer), undefined);
  });
});
