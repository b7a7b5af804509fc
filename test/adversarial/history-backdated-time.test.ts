/**
 * A registry `time` that lies: the packument's time[version] is unsigned. Backdated, it would put a
 * downgrade past the policy's downgradeInformationAfterDays (an error becomes information) and drop the
 * earlier versions "published after it" from the comparison. When the version's provenance verified, the
 * transparency log's signed integratedTime is its publish time.
 * @positions mirror
 */
import { strict as assert } from 'node:assert';
import { TrustHistory } from '../../src/verify/history';
import { parsePolicy } from '../../src/verify/policy';
import { deps, packument, verified } from '../unit/history/helpers';

describe('adversarial: a backdated registry time on a version with verified provenance', () => {
  it('the signed time decides the downgrade age and which versions came before', async () => {
    const p = packument('victim', {
      '3.18.0': { time: '2025-06-01T00:00:00Z', provenance: true, trustedPublisher: true },
      '3.19.0': { time: '2025-07-01T00:00:00Z', provenance: true, trustedPublisher: true },
      '3.20.0': { time: '2019-01-01T00:00:00Z', provenance: true }, // backdated; no trusted publisher
    });
    const { deps: d } = deps({ victim: p }, { 'victim@3.19.0': verified('victim', '3.19.0') });
    const policy = parsePolicy(JSON.stringify({ downgradeInformationAfterDays: 365 })).policy!;
    const now = { ...verified('victim', '3.20.0'), publishTime: '2025-12-20T00:00:00Z' };
    const t = await new TrustHistory(d, { policy }).assess(now);
    const f = t.findings.find((x) => x.code === 'trusted-publisher-lost');
    assert.ok(f, JSON.stringify(t));
    assert.equal(f.previous?.version, '3.19.0');
    assert.equal(f.severity, 'error', f.severityNote);
  });
});
