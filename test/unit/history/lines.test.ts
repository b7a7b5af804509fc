import { strict as assert } from 'node:assert';
import { earlierInLine, releaseLineOf } from '../../../src/verify/history/lines';
import { packageHistory } from '../../../src/verify/history/evidence';
import { packument } from './helpers';

describe('release lines', () => {
  it('groups by major, by minor for 0.x, by patch for 0.0.x, and pre-releases by channel', () => {
    assert.equal(releaseLineOf('3.19.2').key, '3');
    assert.equal(releaseLineOf('3.19.2').label, '3.x');
    assert.equal(releaseLineOf('0.4.2').key, '0.4');
    assert.equal(releaseLineOf('0.0.7').key, '0.0.7');
    assert.equal(releaseLineOf('4.0.0-alpha.1').key, '4-alpha');
    assert.equal(releaseLineOf('4.0.0-rc.0').key, '4-rc');
    assert.equal(releaseLineOf('4.0.0-0').key, '4-');
    assert.equal(releaseLineOf('4.0.0-alpha.1').prerelease, true);
    assert.notEqual(releaseLineOf('4.0.0-alpha.1').key, releaseLineOf('4.0.0').key, 'pre-releases never share a line with stable versions');
  });

  it('earlier versions are lower in the same line and not published after the version judged', () => {
    const h = packageHistory(
      'p',
      packument('p', {
        '3.0.0': { time: '2024-01-01T00:00:00Z' },
        '3.1.0': { time: '2024-02-01T00:00:00Z' },
        '3.0.5': { time: '2024-06-01T00:00:00Z' }, // a backport published after 3.1.0
        '2.9.0': { time: '2023-01-01T00:00:00Z' },
        '3.2.0-beta.1': { time: '2024-01-15T00:00:00Z' },
        '3.2.0': { time: '2024-03-01T00:00:00Z' },
      }),
    );
    assert.deepEqual(
      earlierInLine(h.versions, '3.1.0', '2024-02-01T00:00:00Z').map((v) => v.version),
      ['3.0.0'],
    );
    assert.deepEqual(
      earlierInLine(h.versions, '3.2.0', '2024-03-01T00:00:00Z').map((v) => v.version),
      ['3.1.0', '3.0.0'],
    );
  });
});
