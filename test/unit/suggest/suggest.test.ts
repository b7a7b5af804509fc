import { strict as assert } from 'node:assert';
import type { ProvenanceEngineApi, VersionInfo } from '../../../src/verify/api';
import { candidateOrder, findSuggestion, rewriteSpec } from '../../../src/verify/suggest';
import type { Verdict, VerdictStatus } from '../../../src/verify/types';

/** The two engine calls a suggestion makes, answered from a table; records what was verified. */
function engineWith(versions: VersionInfo[], statuses: Record<string, VerdictStatus>) {
  const verified: string[] = [];
  const engine = {
    listVersions: async () => ({ versions, distTags: {} }),
    verify: async (r: { name: string; version: string }): Promise<Verdict> => {
      verified.push(r.version);
      return { name: r.name, version: r.version, status: statuses[r.version] ?? 'no-provenance' };
    },
  } as unknown as ProvenanceEngineApi;
  return { engine, verified };
}

const attested = (...vs: string[]): VersionInfo[] => vs.map((version) => ({ version, hasAttestations: true }));

describe('suggest: which version to propose (engine, pure)', () => {
  it('proposes the highest verified version in the range, trying higher ones first', async () => {
    const { engine, verified } = engineWith(attested('1.0.0', '1.2.0', '1.3.0', '2.0.0'), { '1.2.0': 'verified', '2.0.0': 'verified' });
    const s = await findSuggestion(engine, { registryName: 'p', range: '^1.0.0', current: '1.0.0' });
    assert.equal(s.fix?.version, '1.2.0');
    assert.deepEqual(verified.slice(0, 2), ['1.3.0', '1.2.0']);
    assert.equal(s.newestVerified?.version, '2.0.0');
  });

  it('else the nearest newer verified version outside the range', async () => {
    const { engine } = engineWith(attested('1.0.0', '2.0.0', '3.0.0'), { '2.0.0': 'verified', '3.0.0': 'verified' });
    const s = await findSuggestion(engine, { registryName: 'p', range: '~1.0.0', current: '1.0.0' });
    assert.equal(s.fix?.version, '2.0.0');
  });

  it('never proposes an unverified version, and stops after maxFixCandidates', async () => {
    const { engine, verified } = engineWith(attested('1.0.0', '1.1.0', '1.2.0', '1.3.0'), { '1.1.0': 'verified' });
    const s = await findSuggestion(
      engine,
      { registryName: 'p', range: '^1.0.0', current: '1.0.0' },
      { maxFixCandidates: 2, maxNewestCandidates: 0 },
    );
    assert.equal(s.fix, undefined);
    assert.deepEqual(verified, ['1.3.0', '1.2.0']);
  });

  it('skips deprecated, unattested and prerelease versions unless a prerelease is asked for', () => {
    const versions: VersionInfo[] = [
      { version: '1.1.0', hasAttestations: true, deprecated: true },
      { version: '1.2.0', hasAttestations: false },
      { version: '1.3.0-rc.1', hasAttestations: true },
      { version: '1.4.0', hasAttestations: true },
    ];
    assert.deepEqual(candidateOrder({ range: '^1.0.0', current: '1.0.0', versions }), ['1.4.0']);
    assert.deepEqual(candidateOrder({ range: '^1.3.0-rc.0', current: '1.3.0-rc.0', versions }), ['1.4.0', '1.3.0-rc.1']);
  });

  it('keeps ^ and ~ when the range still resolves to the proposed version, else pins it', () => {
    assert.deepEqual(rewriteSpec('^1.0.0', '1.2.0', ['1.0.0', '1.2.0']), { spec: '^1.2.0', keptOperator: true });
    assert.deepEqual(rewriteSpec('npm:real@~1.0.0', '1.0.3', ['1.0.3']), { spec: 'npm:real@~1.0.3', keptOperator: true });
    const pinned = rewriteSpec('^1.0.0', '1.2.0', ['1.2.0', '1.3.0']);
    assert.equal(pinned.spec, '1.2.0');
    assert.equal(pinned.keptOperator, false);
  });
});
