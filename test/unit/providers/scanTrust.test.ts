/**
 * Trust history in Scan Workspace and Export Report: the real TrustHistory service over nuxt's real
 * packument (test/fixtures/realworld) served by the fake engine, with a version added the way a lost
 * provenance would look; the Provenance view's tree (src/providers/scan/tree.ts) rendered against a
 * stand-in `vscode` module; the exports through the shared report formats.
 */
import { strict as assert } from 'node:assert';
import * as fs from 'node:fs';
import Module, { createRequire } from 'node:module';
import * as os from 'node:os';
import * as path from 'node:path';
import { renderReport } from '../../../src/providers/scan/reportFormat';
import { fromDocumentState, type ScanResultItem, type ScanResults } from '../../../src/providers/scan/scanResults';
import { assessScanTrust, type ScanTrustScope } from '../../../src/providers/scan/trust';
import type { TrustPolicyStatus } from '../../../src/providers/state/documentState';
import { PolicyStore } from '../../../src/providers/state/policy';
import type { TrustAssessment } from '../../../src/verify/history/types';
import { parsePolicy } from '../../../src/verify/policy';
import type { Policy } from '../../../src/verify/policy/types';
import type { Verdict } from '../../../src/verify/types';
import type { FakeEngine } from './fakeEngine';
import { nuxtEngine, nuxtPackument, nuxtUnattested, nuxtVerified, REGISTRY, service, verdictOf } from './trustFixtures';

const load = createRequire(__filename);
const NO_POLICY: TrustPolicyStatus = { errors: [], applied: false };

/**
 * nuxt's packument plus 3.18.2, published by a maintainer's token without attestations between 3.18.1
 * (provenance, no trusted publishing) and 3.19.0: provenance lost in the 3.x line.
 */
function lostProvenanceEngine(): FakeEngine {
  const doc = nuxtPackument();
  const base = doc.versions['3.18.1']!;
  const dist = { ...(base.dist as Record<string, unknown>) };
  delete dist.attestations;
  doc.versions['3.18.2'] = {
    ...structuredClone(base),
    version: '3.18.2',
    dist,
    _npmUser: { name: 'someone', email: 'someone@example.com' },
  };
  doc.time['3.18.2'] = '2025-08-10T00:00:00.000Z';
  const engine = nuxtEngine(doc, { 'nuxt@3.18.1': nuxtVerified('3.18.1'), 'nuxt@3.18.0': nuxtVerified('3.18.0') });
  engine.packuments['left-pad'] = { name: 'left-pad', versions: {}, time: {} };
  return engine;
}

const nuxtItem = (manifestPath: string): ScanResultItem => ({
  verdict: verdictOf('nuxt', '3.18.2', nuxtUnattested()),
  occurrence: {
    manifestPath,
    specSpan: { offset: 30, length: 9 },
    region: { startLine: 3, startColumn: 13, endLine: 3, endColumn: 22 },
  },
});

function directResults(): ScanResults {
  return {
    mode: 'direct',
    startedAt: 1000,
    finishedAt: 1500,
    cancelled: false,
    projects: [{ manifestPath: '/w/package.json', mode: 'direct', problems: [] }],
    items: [
      nuxtItem('/w/package.json'),
      {
        verdict: verdictOf('left-pad', '1.3.0', { ...nuxtUnattested() }),
        occurrence: {
          manifestPath: '/w/package.json',
          specSpan: { offset: 50, length: 7 },
          region: { startLine: 4, startColumn: 17, endLine: 4, endColumn: 24 },
        },
      },
      {
        verdict: { name: 'gitdep', version: '', status: 'not-applicable', reason: { code: 'git', message: 'git' } } as Verdict,
        occurrence: { manifestPath: '/w/package.json' },
      },
    ],
  };
}

async function judgedDirect(): Promise<{ results: ScanResults; engine: FakeEngine }> {
  const engine = lostProvenanceEngine();
  const svc = service(engine);
  const results = directResults();
  await assessScanTrust(results, { scopeFor: async () => ({ service: svc, status: NO_POLICY }) });
  return { results, engine };
}

const trustOf = (results: ScanResults, name: string): TrustAssessment | undefined =>
  results.items.find((i) => i.verdict.name === name)?.verdict.trust;

describe('scan workspace: trust history', () => {
  it('judges each verified or unattested package with its history and attaches the assessment to its result', async () => {
    const { results, engine } = await judgedDirect();
    const nuxt = trustOf(results, 'nuxt');
    assert.deepEqual(
      nuxt?.findings.map((f) => [f.code, f.severity, f.previous?.version, f.previous?.verification]),
      [['provenance-lost', 'error', '3.18.1', 'verified']],
    );
    assert.match(
      nuxt!.findings[0]!.message,
      /nuxt@3\.18\.2 was published by someone without provenance \(a registry signature only\), but 3\.18\.1/,
    );
    assert.equal(trustOf(results, 'left-pad')?.history, true);
    assert.deepEqual(trustOf(results, 'left-pad')?.findings, []);
    assert.equal(trustOf(results, 'gitdep'), undefined, 'a git dependency is not judged');
    assert.deepEqual(engine.packumentCalls.map((c) => c.name).sort(), ['left-pad', 'nuxt']);
    assert.equal(engine.packumentCalls.find((c) => c.name === 'nuxt')?.registry, REGISTRY);
    assert.deepEqual(results.trust, { state: 'done', judged: 2, total: 2, notes: [], policyNotApplied: false });
  });

  it('lockfile mode: histories only of the packages the package.json names, and of those the policy requires trusted publishing for', async () => {
    const engine = lostProvenanceEngine();
    engine.packuments['is-even'] = { name: 'is-even', versions: {}, time: {} };
    const svc = service(engine);
    const lockfileItem = (name: string, version: string): ScanResultItem => ({
      verdict: verdictOf(name, version, nuxtUnattested()),
      occurrence: { manifestPath: '/w/package.json', lockfilePath: '/w/package-lock.json' },
    });
    const results: ScanResults = {
      mode: 'lockfile',
      startedAt: 0,
      cancelled: false,
      projects: [
        { manifestPath: '/w/package.json', lockfilePath: '/w/package-lock.json', mode: 'lockfile', problems: [], directNames: ['nuxt'] },
      ],
      items: [lockfileItem('nuxt', '3.18.2'), lockfileItem('left-pad', '1.3.0'), lockfileItem('is-even', '1.0.0')],
    };
    const { policy } = parsePolicy('{ "requirements": [{ "packages": ["is-even"], "evidence": "trusted-publisher" }] }');
    await assessScanTrust(results, { scopeFor: async () => ({ service: svc, policy: policy!, status: { errors: [], applied: true } }) });
    assert.deepEqual(
      engine.packumentCalls.map((c) => c.name).sort(),
      ['is-even', 'nuxt'],
      'no packument for a transitive package the policy does not name',
    );
    assert.deepEqual(
      trustOf(results, 'nuxt')?.findings.map((f) => f.code),
      ['provenance-lost'],
    );
    assert.equal(trustOf(results, 'left-pad')?.history, false, 'judged by the rules that need no history');
    assert.deepEqual(
      trustOf(results, 'is-even')?.findings.map((f) => f.code),
      ['evidence-required'],
    );
  });

  it('each folder’s policy applies to its own packages, though they share one service', async () => {
    const engine = lostProvenanceEngine();
    const svc = service(engine);
    const results = directResults();
    results.items.push(nuxtItem('/w/other/package.json'));
    results.projects.push({ manifestPath: '/w/other/package.json', mode: 'direct', problems: [] });
    const { policy: excluding } = parsePolicy(
      '{ "exclude": [{ "package": "nuxt@3.18.x", "reason": "republished from CI", "findings": ["provenance-lost"] }] }',
    );
    const scopes: Record<string, ScanTrustScope> = {
      '/w/package.json': { service: svc, status: NO_POLICY },
      '/w/other/package.json': {
        service: svc,
        policy: excluding!,
        status: { path: '/w/other/.provenance-lens.json', errors: [], applied: true },
      },
    };
    // The service's own policy (set by the editor for whichever folder it judged last) must not leak in.
    svc.setPolicy(excluding);
    await assessScanTrust(results, { scopeFor: async (p) => scopes[p]!, concurrency: 1 });
    const [root, other] = results.items.filter((i) => i.verdict.name === 'nuxt').map((i) => i.verdict.trust!.findings[0]!);
    assert.equal(root?.severity, 'error');
    assert.equal(other?.severity, 'off');
    assert.match(other?.severityNote ?? '', /excluded by the policy \(nuxt@3\.18\.x\): republished from CI/);
  });

  it('Restricted Mode: the scanned folder’s policy file is not applied, and the run says so', async () => {
    const root = fs.mkdtempSync(path.join(os.tmpdir(), 'pl-scan-policy-'));
    try {
      fs.writeFileSync(path.join(root, '.provenance-lens.json'), '{ "severity": { "provenance-lost": "off" } }');
      const manifest = path.join(root, 'package.json');
      fs.writeFileSync(manifest, '{}');
      const judge = async (trusted: boolean) => {
        const store = new PolicyStore({ trusted: () => trusted, policyFile: () => ({}), workspaceFolderOf: () => root });
        const svc = service(lostProvenanceEngine());
        const results = directResults();
        for (const i of results.items) i.occurrence.manifestPath = manifest;
        results.projects[0]!.manifestPath = manifest;
        // what TrustHistoryController.scanScope does
        await assessScanTrust(results, {
          scopeFor: async (p) => {
            const loaded = await store.forManifest(p);
            return { service: svc, status: loaded.status, ...(loaded.policy ? { policy: loaded.policy } : {}) };
          },
        });
        return results;
      };
      const untrusted = await judge(false);
      assert.equal(trustOf(untrusted, 'nuxt')?.findings[0]?.severity, 'error');
      assert.equal(untrusted.trust?.policyNotApplied, true);
      assert.match(untrusted.trust?.notes[0] ?? '', /^Restricted Mode: the trust policy .* is not applied/);
      const trusted = await judge(true);
      assert.equal(trustOf(trusted, 'nuxt')?.findings[0]?.severity, 'off');
      assert.equal(trusted.trust?.policyNotApplied, false);
    } finally {
      fs.rmSync(root, { recursive: true, force: true });
    }
  });

  it('stops when the results are replaced: nothing more is judged or attached', async () => {
    const engine = lostProvenanceEngine();
    const svc = service(engine);
    const results = directResults();
    const controller = new AbortController();
    const state = await assessScanTrust(results, {
      scopeFor: async () => ({ service: svc, status: NO_POLICY }),
      signal: controller.signal,
      concurrency: 1,
      onUpdate: () => {
        if (results.trust?.judged === 1) controller.abort();
      },
    });
    assert.equal(state.state, 'cancelled');
    assert.equal(state.judged, 1);
    assert.equal(results.items.filter((i) => i.verdict.trust).length, 1);
  });
});

describe('export report: trust findings', () => {
  it('JSON results carry trust with the finding', async () => {
    const { results } = await judgedDirect();
    const json = JSON.parse(renderReport(results, 'json', { root: '/w', toolVersion: '0.1.0', registries: [] })) as {
      results: {
        name: string;
        trust?: { level: string; line: string; findings: { code: string; severity: string; previous?: { version: string } }[] };
      }[];
    };
    const nuxt = json.results.find((r) => r.name === 'nuxt');
    assert.equal(nuxt?.trust?.line, '3.x');
    assert.equal(nuxt?.trust?.level, 'registry-signature');
    assert.deepEqual(
      nuxt?.trust?.findings.map((f) => [f.code, f.severity, f.previous?.version]),
      [['provenance-lost', 'error', '3.18.1']],
    );
  });

  it('SARIF has a result per finding, its code as rule, its severity as level, at the dependency', async () => {
    const { results } = await judgedDirect();
    const sarif = JSON.parse(renderReport(results, 'sarif', { root: '/w', toolVersion: '0.1.0', registries: [] })) as {
      runs: {
        tool: { driver: { rules: { id: string; helpUri: string }[] } };
        results: {
          ruleId: string;
          level: string;
          message: { text: string };
          properties: Record<string, string>;
          locations: { physicalLocation: { artifactLocation: { uri: string }; region?: { startLine: number } } }[];
        }[];
      }[];
    };
    const run = sarif.runs[0]!;
    const finding = run.results.filter((r) => r.properties.finding === 'provenance-lost');
    assert.equal(finding.length, 1);
    // The shared renderer (the CLI's too) names finding rules trust/<code>, apart from the reason codes.
    assert.equal(finding[0]!.ruleId, 'trust/provenance-lost');
    assert.equal(finding[0]!.level, 'error');
    assert.match(finding[0]!.message.text, /^nuxt@3\.18\.2 was published by someone without provenance/);
    assert.equal(finding[0]!.locations[0]!.physicalLocation.artifactLocation.uri, 'package.json');
    assert.equal(finding[0]!.locations[0]!.physicalLocation.region?.startLine, 3);
    assert.match(run.tool.driver.rules.find((r) => r.id === 'trust/provenance-lost')?.helpUri ?? '', /#finding-provenance-lost$/);
  });

  it('Markdown lists the findings', async () => {
    const { results } = await judgedDirect();
    const md = renderReport(results, 'markdown', { root: '/w', toolVersion: '0.1.0', registries: [] });
    assert.match(
      md,
      /## Trust findings\n\n\| Package \| Finding \| Severity \| Message \|\n\| --- \| --- \| --- \| --- \|\n\| nuxt@3\.18\.2 \| provenance-lost \| error \|/,
    );
  });

  it('from the active package.json: the trust history the editor judged for the current verdict, not a stale one', async () => {
    const { results } = await judgedDirect();
    const assessment = trustOf(results, 'nuxt')!;
    const verdict = verdictOf('nuxt', '3.18.2', nuxtUnattested());
    const span = { offset: 30, length: 9 };
    const state = (id: string) => ({
      fsPath: '/w/package.json',
      deps: new Map([['dependencies\u0000nuxt', { dependency: { specSpan: span }, verdict, trust: { id, assessment } }]]),
    });
    const region = () => ({ startLine: 3, startColumn: 13, endLine: 3, endColumn: 22 });
    assert.equal(fromDocumentState(state('nuxt@3.18.2'), region).items[0]?.verdict.trust, assessment);
    assert.equal(fromDocumentState(state('nuxt@3.18.1'), region).items[0]?.verdict.trust, undefined);
    assert.equal(verdict.trust, undefined, 'the state’s verdict is left as it is');
  });
});

/** A stand-in `vscode` with what the results tree uses. */
function fakeVscode() {
  class TreeItem {
    id?: string;
    description?: string;
    tooltip?: { value: string };
    iconPath?: { id: string; color?: { id: string } };
    command?: { command: string; arguments: unknown[] };
    contextValue?: string;
    constructor(
      readonly label: string,
      readonly collapsibleState: number,
    ) {}
  }
  class EventEmitter {
    readonly event = () => ({ dispose() {} });
    fire() {}
    dispose() {}
  }
  return {
    TreeItem,
    TreeItemCollapsibleState: { None: 0, Collapsed: 1, Expanded: 2 },
    ThemeIcon: class {
      constructor(
        readonly id: string,
        readonly color?: { id: string },
      ) {}
    },
    ThemeColor: class {
      constructor(readonly id: string) {}
    },
    MarkdownString: class {
      value = '';
      appendText(text: string) {
        this.value += text;
        return this;
      }
    },
    EventEmitter,
    workspace: { asRelativePath: (p: string) => path.relative('/w', p), isTrusted: true },
    window: { createTreeView: () => ({ message: undefined, dispose() {} }) },
  };
}

describe('scan workspace: the Provenance view shows trust findings', () => {
  type Resolver = (request: string, ...rest: unknown[]) => string;
  const mod = Module as unknown as { _resolveFilename: Resolver };
  const originalResolve = mod._resolveFilename;
  const stubPath = path.join(__dirname, '__vscode-stub-scan-trust__.js');
  let cachedBefore: Set<string>;

  beforeEach(() => {
    cachedBefore = new Set(Object.keys(require.cache));
    mod._resolveFilename = function (this: unknown, request: string, ...rest: unknown[]) {
      return request === 'vscode' ? stubPath : originalResolve.call(this, request, ...rest);
    };
    require.cache[stubPath] = { id: stubPath, filename: stubPath, loaded: true, exports: fakeVscode() } as unknown as NodeJS.Module;
  });

  afterEach(() => {
    mod._resolveFilename = originalResolve;
    for (const key of Object.keys(require.cache)) if (!cachedBefore.has(key)) delete require.cache[key];
    delete require.cache[stubPath];
  });

  interface Item {
    label: string;
    collapsibleState: number;
    description?: string;
    tooltip?: { value: string };
    iconPath?: { id: string; color?: { id: string } };
    command?: { command: string; arguments: unknown[] };
  }
  type Tree = { set(r: ScanResults): void; refresh(): void; getChildren(n?: unknown): unknown[]; getTreeItem(n: unknown): Item };
  const newTree = (): Tree => {
    const { ResultsTree } = load('../../../src/providers/scan/tree') as { ResultsTree: new () => Tree };
    return new ResultsTree();
  };

  it('the downgraded package is marked, under "Trust findings" and under its status, with the finding as its child', async () => {
    const { results } = await judgedDirect();
    const tree = newTree();
    tree.set(results);
    const top = tree.getChildren();
    const labels = top.map((n) => tree.getTreeItem(n).label);
    assert.deepEqual(labels, ['Trust findings (1)', 'No provenance (2)', 'Not applicable (1)']);
    const group = tree.getTreeItem(top[0]);
    assert.equal(group.collapsibleState, 2, 'expanded');
    assert.equal(group.iconPath?.color?.id, 'problemsErrorIcon.foreground');

    const [flagged] = tree.getChildren(top[0]);
    const pkg = tree.getTreeItem(flagged);
    assert.equal(pkg.label, 'nuxt@3.18.2');
    assert.match(pkg.description ?? '', /^⚠ provenance-lost · ○ /);
    assert.equal(pkg.iconPath?.id, 'warning');
    assert.equal(pkg.iconPath?.color?.id, 'provenanceLens.downgradeForeground');
    assert.equal(pkg.collapsibleState, 1, 'collapsed, with its findings inside');
    const children = tree.getChildren(flagged).map((n) => tree.getTreeItem(n));
    assert.deepEqual(
      children.map((c) => [c.label, c.description, c.iconPath?.id]),
      [['provenance-lost', 'error', 'error']],
    );
    assert.match(children[0]!.tooltip?.value ?? '', /^nuxt@3\.18\.2 was published by someone without provenance .* but 3\.18\.1/);
    assert.equal(children[0]!.command?.command, 'provenanceLens.revealResult');

    // Under its status too, and left-pad (judged, no finding) is not marked.
    const noProvenance = tree.getChildren(top[1]).map((n) => tree.getTreeItem(n));
    assert.deepEqual(
      noProvenance.map((i) => [i.label, i.description?.startsWith('⚠ provenance-lost') ?? false]),
      [
        ['left-pad@1.3.0', false],
        ['nuxt@3.18.2', true],
      ],
    );
  });

  it('while judging, the group says how far; a finding the policy turned off is listed, not marked', async () => {
    const tree = newTree();
    const results = directResults();
    results.trust = { state: 'pending', judged: 0, total: 2, notes: [], policyNotApplied: false };
    tree.set(results);
    const group = () => tree.getTreeItem(tree.getChildren()[0]);
    assert.equal(group().label, 'Trust findings (0)');
    assert.equal(group().description, 'judging 0 of 2…');

    const { policy } = parsePolicy('{ "severity": { "provenance-lost": "off" } }');
    const svc = service(lostProvenanceEngine());
    await assessScanTrust(results, {
      scopeFor: async () => ({ service: svc, policy: policy as Policy, status: { errors: [], applied: true } }),
    });
    tree.refresh();
    assert.equal(group().label, 'Trust findings (0)');
    assert.equal(group().description, 'none in 2 judged');
    const nuxtNode = tree.getChildren(tree.getChildren()[1]).find((n) => tree.getTreeItem(n).label === 'nuxt@3.18.2')!;
    assert.doesNotMatch(tree.getTreeItem(nuxtNode).description ?? '', /⚠/);
    assert.deepEqual(
      tree.getChildren(nuxtNode).map((n) => [tree.getTreeItem(n).label, tree.getTreeItem(n).description]),
      [['provenance-lost', 'off (not a problem)']],
    );
  });

  it('the view judges its results after showing them; new results stop it, a policy change judges again', async () => {
    const { ResultsView } = load('../../../src/providers/scan/resultsView') as typeof import('../../../src/providers/scan/resultsView');
    const view = new ResultsView();
    const engine = lostProvenanceEngine();
    const svc = service(engine);
    const current: { policy?: Policy } = {};
    const judgeOf =
      (results: ScanResults) =>
      async (signal: AbortSignal, onUpdate: () => void): Promise<void> => {
        await assessScanTrust(results, {
          scopeFor: async () => ({ service: svc, status: NO_POLICY, ...(current.policy ? { policy: current.policy } : {}) }),
          signal,
          onUpdate,
        });
      };
    // (read through a function: the assertions would narrow `first.trust` for the compiler)
    const stateOf = (r: ScanResults) => r.trust?.state;
    const first = directResults();
    view.show(first, judgeOf(first));
    assert.equal(stateOf(first), undefined, 'shown before anything is judged');
    assert.equal(view.judgingTrust(), false);
    view.judgeTrust();
    assert.equal(view.judgingTrust(), true);
    await view.trustSettled();
    assert.equal(view.judgingTrust(), false);
    assert.equal(stateOf(first), 'done');
    const tree = view.tree as unknown as Tree;
    assert.equal(tree.getTreeItem(tree.getChildren()[0]).label, 'Trust findings (1)');

    // the policy changed: judged again with it
    current.policy = parsePolicy('{ "severity": { "provenance-lost": "warning" } }').policy;
    view.rejudgeTrust(true);
    assert.equal(trustOf(first, 'nuxt'), undefined, 'the old findings are dropped at once');
    await view.trustSettled();
    assert.equal(trustOf(first, 'nuxt')?.findings[0]?.severity, 'warning');
    view.rejudgeTrust(false);
    assert.equal(stateOf(first), undefined);
    assert.equal(tree.getChildren().length, 2, 'no trust group once trust history is turned off');

    // new results while the previous ones are being judged: the previous judgement stops
    const second = directResults();
    view.show(first, judgeOf(first));
    view.judgeTrust();
    const pending = view.trustSettled();
    view.show(second, judgeOf(second));
    await pending;
    assert.notEqual(stateOf(first), 'done');
    view.dispose();
  });
});
