import { strict as assert } from 'node:assert';
import { badgeFor } from '../../../src/providers/format/badge';
import { statusBarText, statusBarTooltip, statusBarWarning } from '../../../src/providers/format/status';
import { countStatuses } from '../../../src/providers/state/documentState';
import { facts, invalid, noProvenance, unavailable, verified } from './fixtures';

describe('badges', () => {
  it('gives each status its own text, starting with a fixed glyph', () => {
    assert.deepEqual(badgeFor(verified(), 'full', '1.2.3'), { status: 'verified', text: '✓ owner/repo@abc1234' });
    assert.deepEqual(badgeFor(invalid(), 'full', '1.2.3'), { status: 'invalid', text: '✗ invalid: provenance signature' });
    assert.deepEqual(badgeFor(noProvenance(), 'full', '1.2.3'), { status: 'no-provenance', text: '○ no provenance' });
    assert.deepEqual(badgeFor(undefined, 'full', '1.2.3'), { status: 'pending', text: '…' });
    assert.deepEqual(badgeFor(unavailable('pkg', '1.2.3', 'offline'), 'full'), { status: 'unavailable', text: '? unavailable: offline' });
    assert.deepEqual(
      badgeFor({ name: 'x', version: '', status: 'not-applicable', reason: { code: 'git', message: 'git dependency' } }, 'full'),
      { status: 'not-applicable', text: '· not applicable: git' },
    );
  });

  it('shows the resolved version when the spec is a range', () => {
    assert.equal(badgeFor(verified('pkg', '1.4.1'), 'full', '^1.2.0')?.text, '✓ owner/repo@abc1234 (1.4.1)');
    assert.equal(badgeFor(noProvenance('pkg', '1.4.1'), 'full', '^1.2.0')?.text, '○ no provenance (1.4.1)');
  });

  it('compact shows the glyph only; off shows nothing', () => {
    assert.equal(badgeFor(verified(), 'compact')?.text, '✓');
    assert.equal(badgeFor(invalid(), 'compact')?.text, '✗');
    assert.equal(badgeFor(verified(), 'off'), undefined);
  });

  it('strips control and bidi characters from registry-derived text and shortens non-GitHub hosts', () => {
    const v = verified('pkg', '1.0.0', facts({ sourceRepository: 'https://git.example.com/team/\u202Erepo\n.git' }));
    assert.equal(badgeFor(v, 'full', '1.0.0')?.text, '✓ git.example.com/team/repo@abc1234');
  });

  it('never says verified for a status the engine did not give', () => {
    const odd = { ...verified(), status: 'something-new' } as unknown as Parameters<typeof badgeFor>[0];
    assert.equal(badgeFor(odd, 'full')?.text.startsWith('✓'), false);
    assert.equal(badgeFor(odd, 'compact')?.text, '?');
  });
});

describe('status bar text', () => {
  it('reads verified/total and flags invalid ones', () => {
    const counts = countStatuses(['verified', 'verified', 'invalid', 'no-provenance', 'pending']);
    assert.equal(statusBarText(counts, { running: false, untrusted: false }), '$(error) Provenance 2/5 · 1 invalid');
    assert.equal(
      statusBarText(countStatuses(['verified']), { running: true, untrusted: true }),
      '$(workspace-untrusted) $(sync~spin) Provenance 1/1',
    );
    assert.equal(statusBarWarning(counts), true);
    assert.equal(statusBarWarning(countStatuses(['verified', 'unavailable'])), false);
    assert.match(statusBarTooltip(counts, ['Restricted Mode: …']), /✗ invalid: 1[\s\S]*Restricted Mode/);
  });
});
