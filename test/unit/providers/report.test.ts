import { strict as assert } from 'node:assert';
import { renderReport } from '../../../src/providers/scan/reportFormat';
import { fromDocumentState, groupResults, type ScanResults } from '../../../src/providers/scan/scanResults';
import { spanToRegion } from '../../../src/verify/report';
import { invalid, noProvenance, unavailable, verified } from './fixtures';

const root = '/w';
const results: ScanResults = {
  mode: 'direct',
  startedAt: 1000,
  finishedAt: 1500,
  cancelled: false,
  projects: [{ manifestPath: '/w/package.json', mode: 'direct', problems: [] }],
  items: [
    {
      verdict: verified('good', '1.0.0'),
      occurrence: {
        manifestPath: '/w/package.json',
        specSpan: { offset: 30, length: 7 },
        region: { startLine: 3, startColumn: 13, endLine: 3, endColumn: 20 },
      },
    },
    {
      verdict: invalid('bad', '2.0.0'),
      occurrence: {
        manifestPath: '/w/packages/x/package.json',
        specSpan: { offset: 40, length: 7 },
        region: { startLine: 4, startColumn: 12, endLine: 4, endColumn: 19 },
      },
    },
    {
      verdict: invalid('bad', '2.0.0'),
      occurrence: {
        manifestPath: '/w/package.json',
        specSpan: { offset: 50, length: 7 },
        region: { startLine: 5, startColumn: 12, endLine: 5, endColumn: 19 },
      },
    },
    { verdict: noProvenance('plain', '3.0.0'), occurrence: { manifestPath: '/w/package.json', lockfilePath: '/w/package-lock.json' } },
    {
      verdict: { ...unavailable('hostile|name', '1.0.0'), reason: { code: 'network-error', message: '| [x](javascript:alert(1)) <b>' } },
      occurrence: { manifestPath: '/w/package.json' },
    },
  ],
};

interface SarifRun {
  tool: { driver: { name: string; rules: { id: string }[] } };
  results: {
    ruleId: string;
    level: string;
    message: { text: string };
    locations: { physicalLocation: { artifactLocation: { uri: string }; region?: Record<string, number> } }[];
  }[];
}

describe('report export', () => {
  it('writes valid SARIF 2.1.0 with relative paths and 1-based regions', () => {
    const sarif = JSON.parse(renderReport(results, 'sarif', { root, toolVersion: '0.1.0', registries: [] })) as {
      version: string;
      $schema: string;
      runs: SarifRun[];
    };
    assert.equal(sarif.version, '2.1.0');
    assert.match(sarif.$schema, /^https:\/\/.*sarif/);
    assert.equal(sarif.runs.length, 1);
    const run = sarif.runs[0];
    assert.equal(run.tool.driver.name, 'Provenance Lens');
    const ruleIds = new Set(run.tool.driver.rules.map((r) => r.id));
    assert.ok(run.results.length >= 2);
    for (const r of run.results) {
      assert.ok(ruleIds.has(r.ruleId), `result names an undeclared rule ${r.ruleId}`);
      assert.ok(['error', 'warning', 'note', 'none'].includes(r.level));
      assert.equal(typeof r.message.text, 'string');
      for (const l of r.locations) {
        assert.ok(!l.physicalLocation.artifactLocation.uri.startsWith('/'), 'absolute path in SARIF');
        assert.ok(!l.physicalLocation.artifactLocation.uri.includes('\\'));
        if (l.physicalLocation.region) for (const n of Object.values(l.physicalLocation.region)) assert.ok(Number.isInteger(n) && n >= 1);
      }
    }
    const bad = run.results.filter((r) => r.level === 'error');
    assert.equal(bad.length, 2);
    assert.deepEqual(bad.map((r) => r.locations[0].physicalLocation.artifactLocation.uri).sort(), [
      'package.json',
      'packages/x/package.json',
    ]);
    assert.ok(!run.results.some((r) => r.message.text.startsWith('good@')), 'verified packages are not problems');
  });

  it('writes the JSON report schema with a summary', () => {
    const json = JSON.parse(renderReport(results, 'json', { root, toolVersion: '0.1.0', registries: [] })) as {
      schemaVersion: number;
      results: unknown[];
      summary: Record<string, number>;
    };
    assert.equal(json.schemaVersion, 1);
    assert.equal(json.results.length, 5);
    assert.equal(json.summary.total, 5);
    assert.equal(json.summary.invalid, 2);
    assert.equal(json.summary.elapsedMs, 500);
  });

  it('escapes registry strings in the Markdown report', () => {
    const md = renderReport(results, 'markdown', { root, toolVersion: '0.1.0', registries: [] });
    assert.match(md, /## Invalid \(2\)/);
    assert.ok(!md.includes('](javascript'), md);
    assert.ok(!md.includes('<b>'), md);
    assert.ok(!/[^\\]\|\s*\[x\]/.test(md));
  });

  it('groups results by status (problems first), merging a package used in several places', () => {
    const groups = groupResults(results.items);
    assert.deepEqual(
      groups.map((g) => g.status),
      ['invalid', 'no-provenance', 'unavailable', 'verified'],
    );
    assert.equal(groups[0].packages.length, 1);
    assert.equal(groups[0].packages[0].occurrences.length, 2);
  });

  it('turns the active package.json into exportable results', () => {
    const text = '{\n  "dependencies": {\n    "good": "1.0.0"\n  }\n}';
    const specSpan = { offset: text.indexOf('"1.0.0"'), length: 7 };
    const r = fromDocumentState(
      { fsPath: '/w/package.json', deps: new Map([['k', { dependency: { specSpan }, verdict: verified('good', '1.0.0') }]]) },
      (span) => spanToRegion(text, span),
    );
    assert.equal(r.items.length, 1);
    assert.deepEqual(r.items[0].occurrence.region, { startLine: 3, startColumn: 13, endLine: 3, endColumn: 20 });
  });
});
