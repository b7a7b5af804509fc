/**
 * Hiding a stolen-token publish from trust history behind a pre-release: 3.20.0-0 (or a new channel such as
 * 3.20.0-hotfix.0), moved to `latest`, is the first version of its channel, so it has no earlier version to
 * be a downgrade from. The first pre-release of a channel is judged against the stable versions before it.
 * @positions mirror, pull-request
 */
import { strict as assert } from 'node:assert';
import { TrustHistory } from '../../src/verify/history';
import { deps, noProvenance, packument } from '../unit/history/helpers';

describe('adversarial: a downgrade published as the first pre-release of a channel', () => {
  const p = packument('victim', {
    '3.18.0': { time: '2025-01-01T00:00:00Z', provenance: true, trustedPublisher: true },
    '3.19.0': { time: '2025-02-01T00:00:00Z', provenance: true, trustedPublisher: true },
    '3.20.0-0': { time: '2025-03-01T00:00:00Z' },
    '3.20.0-hotfix.0': { time: '2025-03-02T00:00:00Z' },
    '4.0.0-alpha.0': { time: '2025-03-03T00:00:00Z' },
    '4.0.0-alpha.1': { time: '2025-03-04T00:00:00Z' },
  });

  const lost = async (version: string) => {
    const { deps: d } = deps({ victim: p });
    const t = await new TrustHistory(d).assess(noProvenance('victim', version));
    return t.findings.filter((f) => f.code.endsWith('-lost')).map((f) => `${f.code} ${f.previous?.version}`);
  };

  it('3.20.0-0 and 3.20.0-hotfix.0 without provenance after trusted-published 3.19.0 raise trusted-publisher-lost', async () => {
    assert.deepEqual(await lost('3.20.0-0'), ['trusted-publisher-lost 3.19.0']);
    assert.deepEqual(await lost('3.20.0-hotfix.0'), ['trusted-publisher-lost 3.19.0']);
  });

  it('a channel with earlier versions is still judged within itself, and a new major has no stable line to fall back on', async () => {
    assert.deepEqual(await lost('4.0.0-alpha.0'), []);
    assert.deepEqual(await lost('4.0.0-alpha.1'), []);
  });
});
