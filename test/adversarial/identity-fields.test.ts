/**
 * Identity attacks, field by field: validly signed provenance (synthetic Sigstore: own CA with SCTs,
 * own transparency log) whose certificate and predicate disagree in exactly one field, for each
 * predicate layout and issuer the verifier supports. Every row must be rejected with its code; each
 * layout's consistent build must verify (so a row fails for its one difference, not for the harness).
 *
 * Not every field exists on both sides everywhere: npm's GitLab predicate states neither the CI
 * configuration file nor the runner environment, so GitLab has no workflow or runner rows.
 * @positions mirror
 */
import { strict as assert } from 'node:assert';
import {
  createIdentityHarness,
  githubBuild,
  gitlabBuild,
  type BuildIdentity,
  type IdentityHarness,
  type IdentitySigning,
  type Layout,
} from '../synthetic/identity';
import type { FulcioExtension } from '../synthetic/pki';

const OID = (n: number): string => `1.3.6.1.4.1.57264.1.${n}`;
const OTHER_COMMIT = 'fedcba9876543210fedcba9876543210fedcba98';

type Row = { id: string; layouts: Layout[]; code: string; signing: (base: BuildIdentity) => Omit<IdentitySigning, 'layout'> };

const GITHUB: Layout[] = ['github-v1', 'github-v0.2'];
const ALL: Layout[] = ['github-v1', 'github-v0.2', 'gitlab-v0.2'];

/** The certificate states `over`, the predicate the base build. */
const certSays = (over: (b: BuildIdentity) => Partial<BuildIdentity>) => (base: BuildIdentity) => ({
  predicate: base,
  certificate: { ...base, ...over(base) },
});
/** One certificate extension's value replaced (legacy and current extensions then disagree). */
const certExtension = (n: number, value: string) => (base: BuildIdentity) => ({
  predicate: base,
  editCertificate: (c: { san: string; extensions: FulcioExtension[] }) => ({
    san: c.san,
    extensions: c.extensions.map((e) => (e.oid === OID(n) ? { ...e, value } : e)),
  }),
});
const predicateEnv = (key: string, value: string) => (base: BuildIdentity) => ({
  predicate: base,
  editStatement: (s: Record<string, unknown>) => {
    (s.predicate as { invocation: { environment: Record<string, string> } }).invocation.environment[key] = value;
  },
});

const ROWS: Row[] = [
  // Certificate vs predicate, one field at a time.
  {
    id: 'repository',
    layouts: ALL,
    code: 'identity-mismatch',
    signing: certSays((b) => ({
      repository: b.platform === 'github' ? 'https://github.com/evil/widget' : 'https://gitlab.com/evil/widget',
    })),
  },
  { id: 'ref', layouts: ALL, code: 'identity-mismatch', signing: certSays(() => ({ ref: 'refs/heads/evil' })) },
  {
    id: 'workflow',
    layouts: GITHUB,
    code: 'identity-mismatch',
    signing: certSays(() => ({ workflowPath: '.github/workflows/other.yml' })),
  },
  { id: 'commit', layouts: ALL, code: 'identity-mismatch', signing: certSays(() => ({ commit: OTHER_COMMIT })) },
  {
    id: 'run',
    layouts: ALL,
    code: 'identity-mismatch',
    signing: certSays((b) => ({
      run: b.platform === 'github' ? `${b.repository}/actions/runs/999/attempts/2` : `${b.repository}/-/jobs/1`,
    })),
  },
  {
    id: 'runner environment (builder says github-hosted, certificate self-hosted)',
    layouts: GITHUB,
    code: 'identity-mismatch',
    signing: certSays(() => ({ runnerEnvironment: 'self-hosted' })),
  },
  {
    id: 'runner environment (builder says self-hosted, certificate github-hosted)',
    layouts: GITHUB,
    code: 'identity-mismatch',
    signing: (base) => ({ predicate: { ...base, builderId: 'https://github.com/actions/runner/self-hosted' } }),
  },
  { id: 'trigger event', layouts: ALL, code: 'identity-mismatch', signing: certSays(() => ({ event: 'workflow_dispatch' })) },
  // The certificate's legacy (.1-.6) and current (.8-.21) extensions tell two stories.
  {
    id: 'certificate: legacy issuer (.1) vs issuer (.8)',
    layouts: ['github-v1'],
    code: 'identity-mismatch',
    signing: certExtension(1, 'https://gitlab.com'),
  },
  {
    id: 'certificate: legacy repository (.5) vs source repository (.12)',
    layouts: GITHUB,
    code: 'identity-mismatch',
    signing: certExtension(5, 'evil/widget'),
  },
  {
    id: 'certificate: legacy commit (.3) vs source digest (.13)',
    layouts: GITHUB,
    code: 'identity-mismatch',
    signing: certExtension(3, OTHER_COMMIT),
  },
  {
    id: 'certificate: legacy ref (.6) vs source ref (.14)',
    layouts: GITHUB,
    code: 'identity-mismatch',
    signing: certExtension(6, 'refs/heads/evil'),
  },
  {
    id: 'certificate: legacy trigger (.2) vs build trigger (.20)',
    layouts: GITHUB,
    code: 'identity-mismatch',
    signing: certExtension(2, 'workflow_dispatch'),
  },
  {
    id: 'certificate: build signer URI (.9) vs SAN',
    layouts: ALL,
    code: 'identity-mismatch',
    signing: certExtension(9, 'https://github.com/evil/builder/.github/workflows/b.yml@refs/tags/v1'),
  },
  // npm's v0.2 predicate repeats facts in its environment; the copies must agree.
  {
    id: 'predicate: GITHUB_SHA vs configSource digest',
    layouts: ['github-v0.2'],
    code: 'identity-mismatch',
    signing: predicateEnv('GITHUB_SHA', OTHER_COMMIT),
  },
  {
    id: 'predicate: GITHUB_REPOSITORY vs configSource',
    layouts: ['github-v0.2'],
    code: 'identity-mismatch',
    signing: predicateEnv('GITHUB_REPOSITORY', 'evil/widget'),
  },
  {
    id: 'predicate: GITHUB_REF vs configSource ref',
    layouts: ['github-v0.2'],
    code: 'identity-mismatch',
    signing: predicateEnv('GITHUB_REF', 'refs/heads/evil'),
  },
  {
    id: 'predicate: GITHUB_WORKFLOW_REF vs entry point',
    layouts: ['github-v0.2'],
    code: 'identity-mismatch',
    signing: predicateEnv('GITHUB_WORKFLOW_REF', 'acme/widget/.github/workflows/other.yml@refs/tags/v1.2.3'),
  },
];

const baseFor = (layout: Layout): BuildIdentity => (layout === 'gitlab-v0.2' ? gitlabBuild() : githubBuild());

describe('adversarial: identity, certificate vs predicate field by field', function () {
  this.timeout(60000);
  let h: IdentityHarness;
  before(async () => {
    h = await createIdentityHarness('identity-fields');
  });

  for (const layout of ALL) {
    it(`${layout}: the consistent build verifies (control)`, async () => {
      const result = h.verify([h.publish, await h.sign({ layout, predicate: baseFor(layout) })]);
      assert.ok(result.ok, result.ok ? '' : `${result.code}: ${result.message}`);
    });
  }

  for (const row of ROWS) {
    for (const layout of row.layouts) {
      it(`${layout}: ${row.id} is ${row.code}`, async () => {
        const result = h.verify([h.publish, await h.sign({ layout, ...row.signing(baseFor(layout)) })]);
        assert.equal(result.ok, false, `${layout} ${row.id}: verified, but must be rejected`);
        if (!result.ok) assert.equal(result.code, row.code, result.message);
      });
    }
  }
});
