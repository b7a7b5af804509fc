import { strict as assert } from 'node:assert';
import { escapeMarkdown } from '../../../src/verify/format/markdown';
import { spanToRegion, toSarif } from '../../../src/verify/report';

describe('report formats', () => {
  it('escapes markdown control characters in registry strings', () => {
    const hostile = '[x](javascript:alert(1)) <img src=x>';
    const out = escapeMarkdown(hostile);
    assert.ok(!out.includes('](javascript'), out);
    assert.ok(/(^|[^\\])[<>[\]()]/.test(out) === false, `unescaped markup in ${out}`);
  });

  it('maps a span to a 1-based SARIF region', () => {
    const text = '{\n  "dependencies": {\n    "a": "^1.0.0"\n  }\n}\n';
    const offset = text.indexOf('"^1.0.0"');
    assert.deepEqual(spanToRegion(text, { offset, length: 8 }), { startLine: 3, startColumn: 10, endLine: 3, endColumn: 18 });
  });

  it('reports invalid packages as SARIF errors and leaves verified ones out', () => {
    const sarif = toSarif(
      [
        {
          verdict: {
            name: 'a',
            version: '1.0.0',
            status: 'invalid',
            reason: { code: 'subject-digest-mismatch', message: 'digest differs' },
          },
          file: 'package.json',
        },
        { verdict: { name: 'b', version: '1.0.0', status: 'verified' } },
      ],
      { toolVersion: '0.0.0' },
    ) as { version: string; runs: { results: { level: string; ruleId: string }[] }[] };
    assert.equal(sarif.version, '2.1.0');
    assert.equal(sarif.runs[0].results.length, 1);
    assert.equal(sarif.runs[0].results[0].level, 'error');
    assert.equal(sarif.runs[0].results[0].ruleId, 'invalid/subject-digest-mismatch');
  });
});
