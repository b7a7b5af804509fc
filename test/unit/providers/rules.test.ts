import { strict as assert } from 'node:assert';
import { locateDependencies } from '../../../src/providers/locate/manifestLocator';
import { joinState } from '../../../src/providers/state/view';
import { dependencyKey, type DocumentState } from '../../../src/providers/state/documentState';
import {
  RULES,
  invalidProvenance,
  manifestProblems,
  mirrorStripsProvenance,
  noProvenance,
  unavailableNotice,
} from '../../../src/providers/diagnostics/rules';
import type { RuleContext } from '../../../src/providers/diagnostics/types';
import type { ManifestDependency, RegistryObservation, Verdict } from '../../../src/verify/types';
import { invalid, noProvenance as noProv, unavailable, verified } from './fixtures';

const TEXT = `{
  "dependencies": {
    "good": "^1.0.0",
    "bad": "1.0.0",
    "plain": "~2.0.0",
    "off1": "1.0.0",
    "off2": "1.0.0"
  }
}`;

function context(
  verdicts: Record<string, Verdict>,
  options: {
    text?: string;
    observations?: RegistryObservation[];
    severity?: RuleContext['settings']['noProvenanceSeverity'];
    attestationRegistry?: string;
  } = {},
): RuleContext {
  const text = options.text ?? TEXT;
  const located = locateDependencies(text);
  const state: DocumentState = { uri: 'u', fsPath: '/w/package.json', docVersion: 1, running: false, deps: new Map() };
  for (const dep of located.dependencies) {
    const verdict = verdicts[dep.name];
    if (!verdict) continue;
    const dependency: ManifestDependency = {
      name: dep.name,
      spec: dep.spec!,
      section: dep.section,
      kind: 'range',
      nameSpan: dep.nameSpan,
      specSpan: dep.specSpan,
    };
    state.deps.set(dependencyKey(dep.section, dep.name), { dependency, verdict });
  }
  return {
    fileName: 'package.json',
    located,
    deps: joinState(located, state),
    engineProblems: [],
    observations: options.observations ?? [],
    settings: {
      noProvenanceSeverity: options.severity ?? 'information',
      attestationRegistry: options.attestationRegistry ?? 'https://registry.npmjs.org',
    },
  };
}

const verdicts = {
  good: verified('good', '1.2.0'),
  bad: invalid('bad', '1.0.0'),
  plain: noProv('plain', '2.0.1'),
  off1: unavailable('off1', '1.0.0', 'offline'),
  off2: unavailable('off2', '1.0.0', 'network-error'),
};

describe('diagnostic rules', () => {
  it('invalid → one error on the version string naming package, version and what failed', () => {
    const [d, ...rest] = invalidProvenance(context(verdicts));
    assert.equal(rest.length, 0);
    assert.equal(d.severity, 'error');
    assert.equal(TEXT.slice(d.span.offset, d.span.offset + d.span.length), '"1.0.0"');
    assert.match(d.message, /^bad@1\.0\.0: provenance check failed \(invalid-provenance-signature\)/);
    assert.equal(d.code, 'invalid-provenance-signature');
    assert.ok(d.target.startsWith('https://'));
  });

  it('no provenance → the configured severity, or nothing for "none"', () => {
    const [d] = noProvenance(context(verdicts));
    assert.equal(d.severity, 'information');
    assert.match(d.message, /plain@2\.0\.1 was published without provenance/);
    assert.equal(noProvenance(context(verdicts, { severity: 'warning' }))[0].severity, 'warning');
    assert.deepEqual(noProvenance(context(verdicts, { severity: 'none' })), []);
  });

  it('unavailable → a single information notice for the file, none per package', () => {
    const found = unavailableNotice(context(verdicts));
    assert.equal(found.length, 1);
    assert.equal(found[0].severity, 'information');
    assert.equal(TEXT.slice(found[0].span.offset, found[0].span.offset + found[0].span.length), '"dependencies"');
    assert.match(
      found[0].message,
      /Provenance of 2 dependencies could not be checked \(offline: 1, network error: 1\); nothing is claimed about them/,
    );
    const all = RULES.flatMap((rule) => rule(context(verdicts)));
    assert.ok(
      !all.some((d) => /off1|off2/.test(TEXT.slice(d.span.offset, d.span.offset + d.span.length))),
      'a per-package diagnostic for an unavailable dependency',
    );
  });

  it('a registry that strips provenance → one warning with the fix, unless attestations come from elsewhere', () => {
    const observations = [{ registry: 'https://mirror.example/', stripsProvenance: true, versionsSeen: 5, versionsWithSignatures: 0 }];
    const [d] = mirrorStripsProvenance(context(verdicts, { observations, attestationRegistry: '' }));
    assert.equal(d.severity, 'warning');
    assert.match(d.message, /provenanceLens\.attestationRegistry/);
    assert.deepEqual(mirrorStripsProvenance(context(verdicts, { observations })), []);
    const stripped = { ...verdicts, off1: unavailable('off1', '1.0.0', 'mirror-stripped') };
    assert.equal(mirrorStripsProvenance(context(stripped, { observations })).length, 1);
  });

  it('stale verdicts (spec edited since) produce no diagnostics', () => {
    const ctx = context(verdicts);
    const edited = TEXT.replace('"bad": "1.0.0"', '"bad": "1.0.1"');
    const located = locateDependencies(edited);
    const deps = ctx.deps.map((d) => ({ ...d, located: located.dependencies.find((x) => x.name === d.located.name)! }));
    for (const d of deps) d.stale = d.state?.dependency.spec !== d.located.spec;
    assert.deepEqual(invalidProvenance({ ...ctx, located, deps }), []);
  });

  it('malformed package.json → a clear warning, and what can be read still works', () => {
    const broken = '{\n  "dependencies": {\n    "bad": "1.0.0",\n    "oops": \n  }\n}';
    const ctx = context({ bad: invalid('bad', '1.0.0') }, { text: broken });
    const problems = manifestProblems(ctx);
    assert.ok(problems.length >= 1);
    assert.match(problems[0].message, /not valid JSON/);
    assert.equal(invalidProvenance(ctx).length, 1);
  });
});
