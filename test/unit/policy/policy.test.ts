import { strict as assert } from 'node:assert';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { findPolicyFile, loadPolicy, packageMatches, parsePolicy, POLICY_FILE_NAME } from '../../../src/verify/policy';
import { FINDING_CODES } from '../../../src/verify/history';
import { repositoryKey, repositoryMatches } from '../../../src/verify/history/repository';
import { REPO_ROOT } from '../../support/realworld';

describe('trust policy file', () => {
  it('reads every setting (comments allowed)', () => {
    const { policy, errors } = parsePolicy(`{
      // our scope must come from our org
      "requirements": [{ "packages": ["@myorg/*"], "evidence": "trusted-publisher", "sourceRepositories": ["github.com/myorg/*"] }],
      "allowedSources": { "left-pad": "github.com/left-pad/left-pad" },
      "severity": { "workflow-changed": "error", "self-hosted-runner": "off" },
      "exclude": [{ "package": "@scope/x@<2", "reason": "known manual releases" }, { "package": "semver", "reason": "r", "findings": ["provenance-lost"] }],
      "downgradeInformationAfterDays": 90
    }`);
    assert.deepEqual(errors, []);
    assert.deepEqual(policy?.requirements, [
      { packages: ['@myorg/*'], evidence: 'trusted-publisher', sourceRepositories: ['github.com/myorg/*'] },
    ]);
    assert.deepEqual(policy?.allowedSources, [{ packages: 'left-pad', repositories: ['github.com/left-pad/left-pad'] }]);
    assert.equal(policy?.severity['self-hosted-runner'], 'off');
    assert.deepEqual(
      policy?.exclusions.map((e) => [e.name, e.range]),
      [
        ['@scope/x', '<2'],
        ['semver', '*'],
      ],
    );
    assert.equal(policy?.downgradeInformationAfterDays, 90);
  });

  it('rejects what it does not understand, naming it (a policy with errors is not applied)', () => {
    const r = parsePolicy(
      JSON.stringify({
        severity: { 'provenance-lost': 'fatal', 'made-up': 'error' },
        exclude: [{ package: 'x@not a range!' }],
        requirements: [{ packages: [] }],
        extra: 1,
      }),
      'p.json',
    );
    assert.equal(r.policy, undefined);
    const text = r.errors.join('\n');
    for (const bit of [
      'unknown setting "extra"',
      'severity["provenance-lost"]',
      'unknown finding code "made-up"',
      'exclude[0].package',
      'exclude[0].reason',
      'requirements[0].packages',
    ]) {
      assert.ok(text.includes(bit), `${bit} in:\n${text}`);
    }
    assert.ok(r.errors.every((e) => e.startsWith('p.json: ')));
    assert.match(parsePolicy('{ nope').errors[0]!, /\.provenance-lens\.json: /);
  });

  it('the JSON schema lists exactly the finding codes the rules raise', () => {
    const schema = JSON.parse(fs.readFileSync(path.join(REPO_ROOT, 'schemas', 'policy.schema.json'), 'utf8')) as {
      definitions: { findingCode: { enum: string[] } };
      properties: Record<string, unknown>;
    };
    assert.deepEqual([...schema.definitions.findingCode.enum].sort(), [...FINDING_CODES].sort());
    assert.deepEqual(Object.keys(schema.properties).sort(), [
      '$schema',
      'allowedSources',
      'downgradeInformationAfterDays',
      'exclude',
      'requirements',
      'severity',
    ]);
  });

  it('is found at the project root, never above the repository root', async () => {
    const root = fs.mkdtempSync(path.join(os.tmpdir(), 'pl-policy-'));
    const repo = path.join(root, 'repo');
    const pkg = path.join(repo, 'packages', 'a');
    fs.mkdirSync(path.join(repo, '.git'), { recursive: true });
    fs.mkdirSync(pkg, { recursive: true });
    fs.writeFileSync(path.join(root, POLICY_FILE_NAME), '{}'); // above the repository: ignored
    assert.equal(await findPolicyFile(pkg), undefined);
    fs.writeFileSync(path.join(repo, POLICY_FILE_NAME), JSON.stringify({ severity: { 'workflow-changed': 'off' } }));
    assert.equal(await findPolicyFile(pkg), path.join(repo, POLICY_FILE_NAME));
    const loaded = await loadPolicy({ dir: pkg });
    assert.equal(loaded.policy?.severity['workflow-changed'], 'off');
    assert.equal(loaded.policy?.path, path.join(repo, POLICY_FILE_NAME));
    const lone = fs.mkdtempSync(path.join(os.tmpdir(), 'pl-policy-lone-'));
    assert.equal(await findPolicyFile(path.join(lone)), undefined);
  });

  it('package and repository patterns', () => {
    assert.ok(packageMatches('@myorg/*', '@myorg/a'));
    assert.ok(!packageMatches('@myorg/*', '@myorgx/a'));
    assert.ok(!packageMatches('@myorg/*', 'myorg'));
    assert.ok(packageMatches('left-pad', 'left-pad'));
    assert.ok(!packageMatches('left-pad', 'left-pad2'));
    assert.equal(repositoryKey('git+https://github.com/Nuxt/Nuxt.git'), 'github.com/nuxt/nuxt');
    assert.equal(repositoryKey('git@github.com:o/r.git'), 'github.com/o/r');
    assert.equal(repositoryKey('github:o/r'), 'github.com/o/r');
    assert.equal(repositoryKey('o/r'), 'github.com/o/r');
    assert.equal(repositoryKey('https://github.com/o/r/tree/main/packages/x'), 'github.com/o/r');
    assert.equal(repositoryKey('https://gitlab.com/g/sub/p'), 'gitlab.com/g/sub/p');
    assert.equal(repositoryKey('not a url'), undefined);
    assert.ok(repositoryMatches('github.com/myorg/*', 'https://github.com/MyOrg/tool'));
    assert.ok(!repositoryMatches('github.com/myorg/*', 'https://github.com/myorg-evil/tool'));
    assert.ok(!repositoryMatches('github.com/myorg/*', 'https://gitlab.com/myorg/tool'));
    assert.ok(repositoryMatches('gitlab.com/g/**', 'https://gitlab.com/g/sub/p'));
  });
});
