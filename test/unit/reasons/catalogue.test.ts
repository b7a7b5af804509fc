import { strict as assert } from 'node:assert';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { STATUS_LABEL, shortReason } from '../../../src/providers/format/reasons';
import { DEFAULT_SEVERITY, FINDING_CODES, TRUST_RULES } from '../../../src/verify/history';
import {
  FINDINGS,
  README_URL,
  REASONS,
  REASON_CODES,
  STATUSES,
  findingDocsUrl,
  reasonDocsUrl,
} from '../../../src/verify/reasons/catalogue';
import { FINDING_TABLE, README_BLOCKS, REASON_TABLE, readBlock, writeBlocks } from '../../../src/verify/reasons/readme';
import { toSarif } from '../../../src/verify/report';
import type { Verdict } from '../../../src/verify/types';

const README = fs.readFileSync(path.join(__dirname, '..', '..', '..', 'README.md'), 'utf8');

/** The rows of a generated README table as cells (Markdown as written). */
function rows(block: string | undefined): string[][] {
  assert.ok(block, 'the README has the generated block');
  return block
    .split('\n')
    .filter((l) => l.startsWith('| ') && !l.startsWith('| ---') && !l.startsWith('| Code '))
    .map((l) => l.slice(2, -2).split(' | '));
}

describe('reason-code catalogue', () => {
  it('README tables are the catalogue, exactly (else: npm run docs:reasons)', () => {
    assert.equal(writeBlocks(README), README, 'README.md is out of date: run npm run docs:reasons');
    for (const block of README_BLOCKS) assert.equal(readBlock(README, block.name), block.render());
  });

  it('every reason code has its README row: anchor, code, verdict, label and meaning', () => {
    const table = rows(readBlock(README, REASON_TABLE.name));
    assert.deepEqual(
      table.map(([code]) => code),
      REASON_CODES.map((c) => `<a id="reason-${c}"></a>\`${c}\``),
    );
    for (const [first, status, label, meaning] of table) {
      const code = /`([^`]+)`$/.exec(first)![1] as keyof typeof REASONS;
      assert.deepEqual({ status, label, meaning }, { ...REASONS[code] }, code);
      // The link the editor, the CLI and SARIF give points at this row.
      assert.equal(reasonDocsUrl(code), `${README_URL}#reason-${code}`);
    }
  });

  it('every finding code has its README row, and every rule raises only catalogued codes', () => {
    const table = rows(readBlock(README, FINDING_TABLE.name));
    assert.deepEqual(
      table.map(([first, severity, meaning]) => [/`([^`]+)`$/.exec(first)![1], severity, meaning]),
      Object.entries(FINDINGS).map(([code, f]) => [code, f.severity, f.meaning]),
    );
    assert.deepEqual([...FINDING_CODES].sort(), Object.keys(FINDINGS).sort());
    assert.equal(new Set(TRUST_RULES.flatMap((r) => r.codes)).size, FINDING_CODES.length, 'one rule per finding code');
    for (const [code, f] of Object.entries(FINDINGS)) assert.equal(DEFAULT_SEVERITY[code as keyof typeof FINDINGS], f.severity, code);
    assert.equal(findingDocsUrl('workflow-changed'), `${README_URL}#finding-workflow-changed`);
  });

  it('unknown codes link to the section and are labelled by the code itself', () => {
    assert.equal(reasonDocsUrl('no-provenance'), `${README_URL}#reason-codes`);
    assert.equal(reasonDocsUrl('__proto__'), `${README_URL}#reason-codes`);
    assert.equal(findingDocsUrl('toString'), `${README_URL}#trust-history`);
    assert.equal(shortReason('some-new-code'), 'some new code');
    assert.equal(shortReason('constructor'), 'constructor');
    assert.equal(shortReason('mirror-stripped'), REASONS['mirror-stripped'].label);
  });

  it('the editor and the reports use the catalogue titles for statuses', () => {
    for (const [status, entry] of Object.entries(STATUSES)) assert.equal(STATUS_LABEL[status as keyof typeof STATUSES], entry.title);
    assert.equal(STATUS_LABEL.pending, 'Pending');
  });

  it('SARIF rules carry the meaning and the per-code link of each reason and finding', () => {
    const verdict: Verdict = {
      name: 'a',
      version: '1.0.0',
      status: 'invalid',
      reason: { code: 'subject-digest-mismatch', message: 'digest differs' },
      trust: {
        level: 'provenance',
        line: '1.x',
        findings: [{ code: 'workflow-changed', severity: 'error', message: 'other workflow' }],
        history: true,
        notes: [],
      },
    };
    const sarif = toSarif([{ verdict, file: 'package.json' }], { toolVersion: '0.0.0' }) as {
      runs: {
        tool: {
          driver: {
            rules: { id: string; helpUri: string; fullDescription?: { text: string }; help?: { text: string; markdown: string } }[];
          };
        };
      }[];
    };
    const rules = sarif.runs[0].tool.driver.rules;
    assert.deepEqual(
      rules.map((r) => [r.id, r.helpUri]),
      [
        ['invalid/subject-digest-mismatch', `${README_URL}#reason-subject-digest-mismatch`],
        ['trust/workflow-changed', `${README_URL}#finding-workflow-changed`],
      ],
    );
    assert.equal(rules[0].fullDescription?.text, "a statement's sha512 differs from the tarball's dist.integrity");
    assert.match(rules[0].help?.markdown ?? '', /`dist\.integrity`/);
    assert.equal(rules[1].fullDescription?.text, FINDINGS['workflow-changed'].meaning);
  });
});
