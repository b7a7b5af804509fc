import { strict as assert } from 'node:assert';
import { RULES, trustFindings, trustPolicy } from '../../../src/providers/diagnostics/rules';
import type { RuleContext } from '../../../src/providers/diagnostics/types';
import { locateDependencies } from '../../../src/providers/locate/manifestLocator';
import {
  dependencyKey,
  type DependencyTrust,
  type DocumentState,
  type TrustPolicyStatus,
} from '../../../src/providers/state/documentState';
import { joinState } from '../../../src/providers/state/view';
import { TrustHistory } from '../../../src/verify/history';
import type { TrustAssessment } from '../../../src/verify/history/types';
import { parsePolicy } from '../../../src/verify/policy';
import type { ManifestDependency, Verdict } from '../../../src/verify/types';
import { deps as historyDeps, packument, verified as verifiedAt } from '../history/helpers';
import { downgradeAssessment } from './trustFixtures';

const TEXT = `{
  "dependencies": {
    "nuxt": "^3.19.0",
    "tool": "1.1.0"
  }
}`;

interface Entry {
  verdict: Verdict;
  trust?: DependencyTrust;
  /** The spec the verdict was for (default: as written). */
  spec?: string;
}

function context(entries: Record<string, Entry>, trustPolicyStatus?: TrustPolicyStatus): RuleContext {
  const located = locateDependencies(TEXT);
  const state: DocumentState = { uri: 'u', fsPath: '/w/package.json', docVersion: 1, running: false, deps: new Map() };
  for (const dep of located.dependencies) {
    const e = entries[dep.name];
    if (!e) continue;
    const dependency: ManifestDependency = {
      name: dep.name,
      spec: e.spec ?? dep.spec!,
      section: dep.section,
      kind: 'range',
      nameSpan: dep.nameSpan,
      specSpan: dep.specSpan,
    };
    state.deps.set(dependencyKey(dep.section, dep.name), { dependency, verdict: e.verdict, ...(e.trust ? { trust: e.trust } : {}) });
  }
  return {
    fileName: 'package.json',
    located,
    deps: joinState(located, state),
    engineProblems: [],
    observations: [],
    ...(trustPolicyStatus ? { trustPolicy: trustPolicyStatus } : {}),
    settings: { noProvenanceSeverity: 'information', attestationRegistry: 'https://registry.npmjs.org' },
  };
}

const done = (verdict: Verdict, assessment: TrustAssessment): DependencyTrust => ({
  id: `${verdict.name}@${verdict.version}`,
  state: 'done',
  assessment,
});
const spanText = (d: { span: { offset: number; length: number } }) => TEXT.slice(d.span.offset, d.span.offset + d.span.length);

/** tool@1.1.0 built by another workflow than 1.0.0 (same repository), on a self-hosted runner. */
async function workflowChange(): Promise<{ verdict: Verdict; assessment: TrustAssessment }> {
  const p = packument('tool', {
    '1.0.0': { time: '2025-01-01T00:00:00Z', provenance: true },
    '1.1.0': { time: '2025-02-01T00:00:00Z', provenance: true },
  });
  const v100 = verifiedAt('tool', '1.0.0');
  const verdict = verifiedAt('tool', '1.1.0', 'https://github.com/o/r', {
    workflowPath: '.github/workflows/other.yml',
    builderKind: 'self-hosted',
  });
  const { deps } = historyDeps({ tool: p }, { 'tool@1.0.0': v100 });
  return { verdict, assessment: await new TrustHistory(deps).assess(verdict) };
}

describe('trust history in Problems', () => {
  it('a downgrade: one diagnostic on the version string, code = the finding code, severity from the finding, a link to its explanation', async () => {
    const { verdict, assessment } = await downgradeAssessment();
    const found = trustFindings(context({ nuxt: { verdict, trust: done(verdict, assessment) } }));
    assert.equal(found.length, 1);
    const [d] = found;
    assert.equal(d!.code, 'trusted-publisher-lost');
    assert.equal(d!.severity, 'error');
    assert.equal(spanText(d!), '"^3.19.0"');
    assert.match(
      d!.message,
      /^nuxt@3\.19\.3 was published by danielroe without provenance .* 3\.19\.2, the newest earlier 3\.x version with stronger evidence, had trusted publishing/,
    );
    assert.match(d!.target, /^https:\/\/.+#trust-history$/);
    assert.deepEqual(d!.dependency, { section: 'dependencies', name: 'nuxt' });
    // and it is part of the rules the editor runs
    assert.ok(
      RULES.flatMap((r) => r(context({ nuxt: { verdict, trust: done(verdict, assessment) } }))).some(
        (x) => x.code === 'trusted-publisher-lost',
      ),
    );
  });

  it('one diagnostic per finding, each with its own code and severity (workflow changed: warning; self-hosted runner: warning)', async () => {
    const { verdict, assessment } = await workflowChange();
    const found = trustFindings(context({ tool: { verdict, trust: done(verdict, assessment) } }));
    assert.deepEqual(found.map((d) => [d.code, d.severity, spanText(d)]).sort(), [
      ['self-hosted-runner', 'warning', '"1.1.0"'],
      ['workflow-changed', 'warning', '"1.1.0"'],
    ]);
  });

  it('severity from the policy; findings it turns off are not problems; a severity the policy lowers says why', async () => {
    const warn = await downgradeAssessment(parsePolicy('{"severity":{"trusted-publisher-lost":"warning"}}').policy);
    assert.equal(
      trustFindings(context({ nuxt: { verdict: warn.verdict, trust: done(warn.verdict, warn.assessment) } }))[0]?.severity,
      'warning',
    );
    const off = await downgradeAssessment(parsePolicy('{"exclude":[{"package":"nuxt@3.19.3","reason":"agreed"}]}').policy);
    assert.deepEqual(trustFindings(context({ nuxt: { verdict: off.verdict, trust: done(off.verdict, off.assessment) } })), []);
    const old = await downgradeAssessment(parsePolicy('{"downgradeInformationAfterDays": 3}').policy);
    const [d] = trustFindings(context({ nuxt: { verdict: old.verdict, trust: done(old.verdict, old.assessment) } }));
    assert.equal(d?.severity, 'information');
    assert.match(d!.message, /\(published \d+ days ago, more than the policy's 3 days after which a downgrade is information\)$/);
  });

  it('nothing while pending, for a history of another version, or for a spec edited since the verdict', async () => {
    const { verdict, assessment } = await downgradeAssessment();
    assert.deepEqual(trustFindings(context({ nuxt: { verdict, trust: { id: 'nuxt@3.19.3', state: 'pending' } } })), []);
    assert.deepEqual(
      trustFindings(context({ nuxt: { verdict: { ...verdict, version: '3.19.4' }, trust: done(verdict, assessment) } })),
      [],
    );
    assert.deepEqual(trustFindings(context({ nuxt: { verdict, trust: done(verdict, assessment), spec: '^3.18.0' } })), []);
  });

  it('the policy file: a notice when it has errors (not applied) or when Restricted Mode keeps it from applying', () => {
    const [broken, ...rest] = trustPolicy(
      context(
        {},
        {
          path: '/w/.provenance-lens.json',
          errors: ['/w/.provenance-lens.json: exclude[0].reason is required: say why the exclusion is safe'],
          applied: false,
        },
      ),
    );
    assert.equal(rest.length, 0);
    assert.equal(broken!.severity, 'warning');
    assert.equal(broken!.code, 'policy-invalid');
    assert.equal(spanText(broken!), '"dependencies"');
    assert.match(
      broken!.message,
      /^The trust policy \/w\/\.provenance-lens\.json has errors and is not applied \(default severities are used\): .*reason is required/,
    );
    const [restricted] = trustPolicy(
      context(
        {},
        {
          path: '/w/.provenance-lens.json',
          errors: [],
          applied: false,
          notApplied: 'Restricted Mode: the trust policy /w/.provenance-lens.json is not applied.',
        },
      ),
    );
    assert.equal(restricted!.severity, 'information');
    assert.equal(restricted!.code, 'policy-not-applied');
    assert.deepEqual(trustPolicy(context({}, { path: '/w/.provenance-lens.json', errors: [], applied: true })), []);
    assert.deepEqual(trustPolicy(context({})), []);
  });
});
