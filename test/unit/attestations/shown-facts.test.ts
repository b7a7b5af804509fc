/**
 * What is shown about a verified build (hover, JSON, links) comes from the certificate or is exactly
 * what was signed: the builder label from the runner environment extension, the signing workflow from
 * the SAN, links that are the signed strings themselves.
 */
import { strict as assert } from 'node:assert';
import type { AttestationResult } from '../../../src/verify/attestations';
import type { ProvenanceFacts, Verdict } from '../../../src/verify/types';
import { toJsonResult } from '../../../src/verify/report';
import { buildHoverMarkdown } from '../../../src/providers/format/hover';
import { createIdentityHarness, githubBuild, gitlabBuild, type IdentityHarness, type IdentitySigning } from '../../synthetic/identity';

const SLSA_GENERATOR =
  'https://github.com/slsa-framework/slsa-github-generator/.github/workflows/builder_nodejs_slsa3.yml@refs/tags/v1.6.0';
const SLSA_DELEGATOR =
  'https://github.com/slsa-framework/slsa-github-generator/.github/workflows/delegator_lowperms-generic_slsa3.yml@refs/tags/v1.6.0';
const OID_RUNNER = '1.3.6.1.4.1.57264.1.11';

function factsOf(result: AttestationResult): ProvenanceFacts {
  if (!result.ok) assert.fail(`${result.code}: ${result.message}`);
  return result.facts;
}

function verdict(facts: ProvenanceFacts): Verdict {
  return { name: '@acme/widget', version: '1.2.3', status: 'verified', facts, resolvedFrom: 'lockfile' };
}

function hover(facts: ProvenanceFacts): string {
  return buildHoverMarkdown({
    name: '@acme/widget',
    spec: '1.2.3',
    documentUri: 'file:///p/package.json',
    section: 'dependencies',
    verdict: verdict(facts),
  });
}

function builderLine(md: string): string {
  const line = md.split('\n').find((l) => l.startsWith('- **Builder:**'));
  assert.ok(line, md);
  return line;
}

describe('attestations: shown facts come from the certificate or are exactly what was signed', function () {
  this.timeout(60000);
  let h: IdentityHarness;
  const verify = async (req: IdentitySigning): Promise<ProvenanceFacts> => factsOf(h.verify([h.publish, await h.sign(req)]));

  before(async () => {
    h = await createIdentityHarness('shown-facts');
  });

  it("npm CLI's builder id (a claim any workflow can write) is not what the hover names as the builder", async () => {
    const facts = await verify({ layout: 'github-v0.2', predicate: githubBuild({ builderId: 'https://github.com/npm/cli@9.4.2' }) });
    assert.equal(facts.builder, 'https://github.com/npm/cli@9.4.2', 'the JSON builder is the checked claim');
    const line = builderLine(hover(facts));
    assert.ok(!line.includes('npm'), line);
    assert.match(line, /GitHub-hosted runner, running the repository’s own workflow/);
  });

  it('a builder id without the hosted/self-hosted suffix is labelled by the certificate (github-hosted), not self-hosted', async () => {
    const facts = await verify({ layout: 'github-v1', predicate: githubBuild({ builderId: 'https://github.com/actions/runner' }) });
    assert.equal(facts.builderKind, 'github-hosted');
    assert.match(builderLine(hover(facts)), /GitHub-hosted runner/);
  });

  it('a "github-hosted" builder id is not a label when the certificate states no runner environment', async () => {
    const facts = await verify({
      layout: 'github-v1',
      predicate: githubBuild(),
      editCertificate: (c) => ({ san: c.san, extensions: c.extensions.filter((e) => e.oid !== OID_RUNNER) }),
    });
    assert.equal(facts.builderKind, 'unknown');
    const line = builderLine(hover(facts));
    assert.ok(!/GitHub-hosted|self-hosted/.test(line), line);
  });

  it('a reusable-workflow build names the signing workflow (certificate), not the builder id it states', async () => {
    const facts = await verify({ layout: 'github-v0.2', predicate: githubBuild({ signer: SLSA_DELEGATOR, builderId: SLSA_GENERATOR }) });
    assert.equal(facts.signerIdentity, SLSA_DELEGATOR);
    const line = builderLine(hover(facts)).replace(/\\(.)/g, '$1'); // the Markdown escapes undone
    assert.ok(line.includes(`running the reusable workflow ${SLSA_DELEGATOR}`), line);
    assert.ok(!line.includes('builder_nodejs'), line);
  });

  it('--json carries the signer identity', async () => {
    const facts = await verify({ layout: 'github-v1', predicate: githubBuild({ signer: SLSA_DELEGATOR, builderId: SLSA_GENERATOR }) });
    const json = JSON.parse(JSON.stringify(toJsonResult({ verdict: verdict(facts) }))) as { facts: Record<string, unknown> };
    assert.equal(json.facts.signerIdentity, SLSA_DELEGATOR);
    assert.equal(json.facts.builder, SLSA_GENERATOR);
  });

  for (const [layout, build] of [
    ['github-v1', githubBuild()],
    ['github-v0.2', githubBuild()],
    ['gitlab-v0.2', gitlabBuild()],
  ] as const) {
    it(`${layout}: every link is the signed strings put together, and a URL parser reads it unchanged`, async () => {
      const facts = await verify({ layout, predicate: build });
      const { links } = facts;
      const sep = build.platform === 'github' ? '' : '/-';
      assert.equal(links.repository, build.repository);
      assert.equal(links.commit, `${build.repository}${sep}/commit/${build.commit}`);
      assert.equal(links.workflow, `${build.repository}${sep}/blob/${build.commit}/${build.workflowPath}`);
      assert.equal(links.run, build.run);
      for (const link of Object.values(links)) assert.equal(new URL(link!).href, link);
      assert.equal(facts.sourceRepository, build.repository);
    });
  }
});
