/**
 * Attacks on the editor's trust history through what it remembers: a judgement made for one verdict of
 * name@version must not be shown for another verdict of the same name@version. When the verdict of an
 * open package.json's dependency changes from `verified` to `no-provenance` (the copy the lockfile now
 * names, or what the registry now serves, has no provenance), the release line's history must be judged
 * again for that verdict: the trusted-publishing judgement of the earlier verdict would hide the downgrade
 * (no ⚠ badge, a hover saying "verified provenance; trusted publishing").
 * @positions pull-request, mirror, local
 */
import { strict as assert } from 'node:assert';
import { trustBadge } from '../../src/providers/format/trust';
import type { DocumentState } from '../../src/providers/state/documentState';
import { currentTrust } from '../../src/providers/state/documentState';
import { TrustTracker, type TrustScope, type TrustService } from '../../src/providers/state/trust';
import type { ProvenanceEngineApi } from '../../src/verify/api';
import type { TrustAssessment } from '../../src/verify/history/types';
import type { Verdict } from '../../src/verify/types';

const REGISTRY = 'https://registry.npmjs.org/';

function verdict(status: 'verified' | 'no-provenance'): Verdict {
  return { name: 'nuxt', version: '3.19.3', status, registry: REGISTRY };
}

/** Judges from the verdict alone, as the real service does: no provenance after trusted publishing is a downgrade. */
const service: TrustService = {
  assess: async (v: Verdict): Promise<TrustAssessment> =>
    v.status === 'verified'
      ? { level: 'trusted-publisher', line: '3.x', findings: [], history: true, notes: [] }
      : {
          level: 'registry-signature',
          line: '3.x',
          history: true,
          notes: [],
          findings: [
            {
              code: 'trusted-publisher-lost',
              severity: 'error',
              message: 'nuxt@3.19.3 has no provenance; 3.19.2 was published through trusted publishing',
              previous: { version: '3.19.2', level: 'trusted-publisher', verification: 'verified' },
            },
          ],
        },
  history: () => Promise.reject(new Error('not needed')),
  setPolicy: () => undefined,
};

function state(v: Verdict): DocumentState {
  return {
    uri: 'file:///w/package.json',
    fsPath: '/w/package.json',
    docVersion: 1,
    running: false,
    deps: new Map([
      [
        'dependencies\u0000nuxt',
        { dependency: { name: 'nuxt', spec: '3.19.3', section: 'dependencies', kind: 'semver' }, verdict: v } as never,
      ],
    ]),
  };
}

describe('adversarial: trust history judged for one verdict, shown for another', () => {
  it('a dependency whose verdict became no-provenance is judged again, and its downgrade shown', async () => {
    const tracker = new TrustTracker({
      enabled: () => true,
      scopeFor: async (): Promise<TrustScope> => ({
        service,
        engine: {} as ProvenanceEngineApi,
        policy: { errors: [], applied: false },
      }),
      notify: () => undefined,
    });
    const before = state(verdict('verified'));
    tracker.track(before);
    await tracker.idle();
    assert.equal(currentTrust(before.deps.get('dependencies\u0000nuxt'))?.assessment?.level, 'trusted-publisher');

    // The next run: the same name@version, now without provenance.
    const after = state(verdict('no-provenance'));
    tracker.track(after);
    await tracker.idle();
    const dep = after.deps.get('dependencies\u0000nuxt')!;
    const trust = currentTrust(dep);
    assert.equal(trust?.assessment?.level, 'registry-signature');
    assert.equal(trust?.assessment?.findings[0]?.code, 'trusted-publisher-lost');
    assert.match(trustBadge(dep.verdict, trust, 'full')?.text ?? '', /trusted publishing lost since 3\.19\.2/);
  });
});
