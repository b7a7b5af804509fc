import { strict as assert } from 'node:assert';
import { colours, formatLine, formatSummary } from '../../../src/cli/format';
import type { Verdict } from '../../../src/verify/types';

describe('CLI human output', () => {
  const plain = colours(false);

  it('never passes terminal control sequences from registry strings through', () => {
    const hostile: Verdict = {
      name: 'evil\x1b[2J\x1b]0;pwned\x07',
      version: '1.0.0\r\nverified      fake@1.0.0',
      status: 'invalid',
      reason: { code: 'subject-name-mismatch', message: 'bad \x1b[31mred\u202e txt' },
    };
    const line = formatLine(hostile, plain);
    // eslint-disable-next-line no-control-regex -- control characters are what must not reach the terminal
    assert.ok(!/[\x00-\x08\x0b-\x1f\x7f\u202e]/.test(line), JSON.stringify(line));
    assert.ok(!line.includes('\n'), 'one line per package');
  });

  it('names the repository and short commit of a verified package', () => {
    const v: Verdict = {
      name: 'sigstore',
      version: '1.0.0',
      status: 'verified',
      facts: {
        sourceRepository: 'https://github.com/sigstore/sigstore-js',
        sourceCommit: '06528997c3c8ab9f864fad9a3658446aca7fd86d',
        workflowPath: '.github/workflows/publish.yml',
        builder: 'b',
        builderKind: 'github-hosted',
        issuer: 'https://token.actions.githubusercontent.com',
        transparencyLog: { logIndex: '1' },
        predicateType: 'https://slsa.dev/provenance/v1',
        links: {},
      },
    };
    assert.equal(formatLine(v, plain), 'verified      sigstore@1.0.0  sigstore/sigstore-js@0652899');
  });

  it('spells out a shared reason once, then names it', () => {
    const seen = new Set<string>();
    const v = (name: string): Verdict => ({
      name,
      version: '1.0.0',
      status: 'unavailable',
      registry: 'r',
      reason: { code: 'mirror-stripped', message: 'long explanation' },
    });
    assert.match(formatLine(v('a'), plain, seen), /mirror-stripped: long explanation/);
    assert.match(formatLine(v('b'), plain, seen), /mirror-stripped \(as above\)$/);
  });

  it('summarises with the elapsed time and the trust source', () => {
    const s = formatSummary(
      { total: 1, verified: 1, 'no-provenance': 0, invalid: 0, unavailable: 0, 'not-applicable': 0, elapsedMs: 1234 },
      { source: 'seed', note: 'TUF refresh failed' },
    );
    assert.match(
      s,
      /^1 package: 1 verified, 0 invalid, 0 without provenance, 0 unavailable, 0 not applicable — in 1\.23s\ntrust: seed — TUF refresh failed$/,
    );
  });
});
