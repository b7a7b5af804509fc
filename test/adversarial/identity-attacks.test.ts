/**
 * Identity attacks on what the verifier shows: validly signed provenance (synthetic Sigstore) whose
 * certificate and statement agree with each other, but claim a builder the signer is not, name a
 * repository on another host, hide a second identity in duplicated certificate extensions, log an
 * entry "in the future", or name repositories and workflows that would be shown as something other
 * than what was signed. Each row must be rejected with its code.
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
import { ext } from '../synthetic/x509';
import { derUtf8String } from '../synthetic/der';

const OID = (n: number): string => `1.3.6.1.4.1.57264.1.${n}`;
const SLSA_GENERATOR =
  'https://github.com/slsa-framework/slsa-github-generator/.github/workflows/builder_nodejs_slsa3.yml@refs/tags/v1.6.0';
const SLSA_DELEGATOR =
  'https://github.com/slsa-framework/slsa-github-generator/.github/workflows/delegator_lowperms-generic_slsa3.yml@refs/tags/v1.6.0';
const MINUTE = 60_000;

type Attack = {
  id: string;
  layouts: Layout[];
  code: string;
  signing: (h: IdentityHarness, layout: Layout) => Omit<IdentitySigning, 'layout'>;
};

const GITHUB: Layout[] = ['github-v1', 'github-v0.2'];
const base = (layout: Layout, over: Partial<BuildIdentity> = {}): BuildIdentity =>
  layout === 'gitlab-v0.2' ? gitlabBuild(over) : githubBuild(over);
/** Both sides agree on `over`. */
const agreed = (over: Partial<BuildIdentity>) => (_h: IdentityHarness, layout: Layout) => ({ predicate: base(layout, over) });
/** A Fulcio extension appended a second time (the first copy is the consistent one). */
const duplicated = (n: number, value: string) => (_h: IdentityHarness, layout: Layout) => ({
  predicate: base(layout),
  rawExtensions: [{ oid: OID(n), value: derUtf8String(value) }],
});

const ATTACKS: Attack[] = [
  // A builder the certificate contradicts.
  {
    id: "the repository's own workflow claims slsa-github-generator's builder id",
    layouts: GITHUB,
    code: 'identity-mismatch',
    signing: agreed({ builderId: SLSA_GENERATOR }),
  },
  {
    id: "the repository's own workflow claims a builder on another host",
    layouts: GITHUB,
    code: 'identity-mismatch',
    signing: agreed({ builderId: 'https://builder.evil.example/hardened@v1' }),
  },
  {
    id: "the repository's own workflow claims a workflow of another repository as builder",
    layouts: GITHUB,
    code: 'identity-mismatch',
    signing: agreed({ builderId: 'https://github.com/evil/builder/.github/workflows/b.yml@refs/tags/v1.2.3' }),
  },
  {
    id: 'a reusable workflow signs, the provenance claims a builder from another repository',
    layouts: GITHUB,
    code: 'identity-mismatch',
    signing: agreed({ signer: 'https://github.com/evil/builder/.github/workflows/b.yml@refs/tags/v1', builderId: SLSA_GENERATOR }),
  },
  {
    id: 'a reusable workflow signs, the provenance claims its builder at another ref',
    layouts: GITHUB,
    code: 'identity-mismatch',
    signing: agreed({ signer: SLSA_DELEGATOR, builderId: SLSA_GENERATOR.replace('v1.6.0', 'v1.9.0') }),
  },
  {
    id: 'a reusable workflow signs on a self-hosted runner, the builder says github-hosted',
    layouts: GITHUB,
    code: 'identity-mismatch',
    signing: agreed({
      signer: SLSA_DELEGATOR,
      runnerEnvironment: 'self-hosted',
      builderId: 'https://github.com/actions/runner/github-hosted',
    }),
  },
  {
    id: 'GitLab: the builder is not a runner of the project',
    layouts: ['gitlab-v0.2'],
    code: 'identity-mismatch',
    signing: agreed({ builderId: 'https://gitlab.com/evil/widget/-/runners/1' }),
  },

  // A GitHub identity naming a repository on another host.
  {
    id: 'GitHub issuer, repository on github.com.evil.example',
    layouts: GITHUB,
    code: 'identity-mismatch',
    signing: agreed({
      repository: 'https://github.com.evil.example/acme/widget',
      run: 'https://github.com.evil.example/acme/widget/actions/runs/1/attempts/1',
      signer: 'https://github.com/acme/widget/.github/workflows/release.yml@refs/tags/v1.2.3',
    }),
  },
  {
    id: 'GitHub issuer, repository on gitlab.com',
    layouts: GITHUB,
    code: 'identity-mismatch',
    signing: agreed({
      repository: 'https://gitlab.com/acme/widget',
      run: 'https://gitlab.com/acme/widget/actions/runs/1/attempts/1',
      signer: 'https://github.com/acme/widget/.github/workflows/release.yml@refs/tags/v1.2.3',
    }),
  },
  {
    id: 'GitHub issuer, repository over http',
    layouts: ['github-v1'],
    code: 'identity-mismatch',
    signing: agreed({
      repository: 'http://github.com/acme/widget',
      run: 'http://github.com/acme/widget/actions/runs/1/attempts/1',
      signer: 'https://github.com/acme/widget/.github/workflows/release.yml@refs/tags/v1.2.3',
    }),
  },
  {
    // npm's v0.2 layout states the source as a git+https URI; anything else cannot be read.
    id: 'GitHub issuer, repository over http (git+http source URI)',
    layouts: ['github-v0.2'],
    code: 'malformed-attestation',
    signing: agreed({
      repository: 'http://github.com/acme/widget',
      run: 'http://github.com/acme/widget/actions/runs/1/attempts/1',
      signer: 'https://github.com/acme/widget/.github/workflows/release.yml@refs/tags/v1.2.3',
    }),
  },
  {
    id: 'GitHub issuer, signer on github.com.evil.example',
    layouts: GITHUB,
    code: 'identity-mismatch',
    signing: agreed({ signer: 'https://github.com.evil.example/acme/widget/.github/workflows/release.yml@refs/tags/v1.2.3' }),
  },
  {
    id: 'GitLab issuer, project on github.com',
    layouts: ['gitlab-v0.2'],
    code: 'identity-mismatch',
    signing: agreed({
      repository: 'https://github.com/acme/widget',
      run: 'https://github.com/acme/widget/-/jobs/1',
      builderId: 'https://github.com/acme/widget/-/runners/1',
    }),
  },

  // Duplicated certificate extensions: the first copy agrees with the provenance, the second does not.
  {
    id: 'a second subjectAltName extension',
    layouts: GITHUB,
    code: 'untrusted-certificate',
    signing: (_h, layout) => ({
      predicate: base(layout),
      rawExtensions: [ext.subjectAltNameUri('https://github.com/evil/widget/.github/workflows/release.yml@refs/tags/v1.2.3')],
    }),
  },
  {
    id: 'a subjectAltName with two URIs',
    layouts: GITHUB,
    code: 'untrusted-certificate',
    signing: (_h, layout) => ({
      predicate: base(layout),
      omitSan: true,
      rawExtensions: [
        ext.subjectAltNameUris([
          'https://github.com/acme/widget/.github/workflows/release.yml@refs/tags/v1.2.3',
          'https://github.com/evil/widget/.github/workflows/release.yml@refs/tags/v1.2.3',
        ]),
      ],
    }),
  },
  {
    id: 'a second issuer extension (.8)',
    layouts: [...GITHUB, 'gitlab-v0.2'],
    code: 'untrusted-certificate',
    signing: duplicated(8, 'https://accounts.google.com'),
  },
  { id: 'a second build signer URI (.9)', layouts: GITHUB, code: 'untrusted-certificate', signing: duplicated(9, SLSA_DELEGATOR) },
  { id: 'a second runner environment (.11)', layouts: GITHUB, code: 'untrusted-certificate', signing: duplicated(11, 'self-hosted') },
  {
    id: 'a second source repository (.12)',
    layouts: [...GITHUB, 'gitlab-v0.2'],
    code: 'untrusted-certificate',
    signing: duplicated(12, 'https://github.com/evil/widget'),
  },
  {
    id: 'a second source digest (.13)',
    layouts: GITHUB,
    code: 'untrusted-certificate',
    signing: duplicated(13, 'fedcba9876543210fedcba9876543210fedcba98'),
  },
  {
    id: 'a second build config URI (.18)',
    layouts: GITHUB,
    code: 'untrusted-certificate',
    signing: duplicated(18, 'https://github.com/evil/widget/.github/workflows/release.yml@refs/tags/v1.2.3'),
  },
  {
    id: 'a second run invocation URI (.21)',
    layouts: GITHUB,
    code: 'untrusted-certificate',
    signing: duplicated(21, 'https://github.com/acme/widget/actions/runs/1/attempts/1'),
  },

  // A transparency-log entry integrated in the future (certificate issued then, too).
  {
    id: 'log entry integrated two hours from now',
    layouts: [...GITHUB, 'gitlab-v0.2'],
    code: 'invalid-transparency-log',
    signing: (h, layout) => ({ predicate: base(layout), signedAt: new Date(h.signer.now.getTime() + 120 * MINUTE) }),
  },
  {
    id: 'log entry integrated ten minutes from now (beyond the clock-skew allowance)',
    layouts: ['github-v1'],
    code: 'invalid-transparency-log',
    signing: (h, layout) => ({ predicate: base(layout), signedAt: new Date(h.signer.now.getTime() + 10 * MINUTE) }),
  },

  // Strings that would be shown as something other than what was signed (both sides agree on them).
  ...(
    [
      ['repository with an encoded slash and dot segment', 'https://github.com/acme/widget%2F..'],
      ['repository with a dot segment', 'https://github.com/acme/..'],
      ['repository with a fragment', 'https://github.com/acme/widget#readme'],
      ['repository with a query', 'https://github.com/acme/widget?tab=x'],
      ['repository with a trailing slash', 'https://github.com/acme/widget/'],
      ['repository with a backslash', 'https://github.com/acme\\widget'],
      ['repository with a .git suffix', 'https://github.com/acme/widget.git'],
    ] as const
  ).map(([id, repository]): Attack => ({
    id,
    layouts: GITHUB,
    code: 'malformed-attestation',
    signing: agreed({ repository, run: 'https://github.com/acme/widget/actions/runs/1/attempts/1' }),
  })),
  ...(
    [
      ['workflow path with dot segments', '.github/workflows/../../evil.yml'],
      ['workflow path with an encoded dot segment', '.github/workflows/%2e%2e/evil.yml'],
      ['workflow path with a fragment', '.github/workflows/release.yml#x'],
      ['workflow path with a query', '.github/workflows/release.yml?x=1'],
      ['workflow path with a backslash', '.github/workflows\\release.yml'],
      ['workflow path with a space', '.github/workflows/release .yml'],
      ['workflow path starting with ./', './.github/workflows/release.yml'],
      ['absolute workflow path', '/.github/workflows/release.yml'],
      ['workflow path with an empty segment', '.github//workflows/release.yml'],
    ] as const
  ).map(([id, workflowPath]): Attack => ({ id, layouts: GITHUB, code: 'malformed-attestation', signing: agreed({ workflowPath }) })),
  {
    id: 'ref with a dot-dot component',
    layouts: GITHUB,
    code: 'malformed-attestation',
    signing: agreed({ ref: 'refs/tags/../../heads/evil' }),
  },
  {
    id: 'run URL with a dot segment',
    layouts: ['github-v1'],
    code: 'malformed-attestation',
    signing: agreed({ run: 'https://github.com/acme/widget/actions/runs/1/../../../../evil/attempts/1' }),
  },
  {
    id: 'GitLab: project with a dot segment',
    layouts: ['gitlab-v0.2'],
    code: 'malformed-attestation',
    signing: agreed({
      repository: 'https://gitlab.com/acme/../evil',
      run: 'https://gitlab.com/acme/../evil/-/jobs/1',
      builderId: 'https://gitlab.com/acme/../evil/-/runners/1',
    }),
  },
  {
    id: 'GitLab: project with an encoded slash',
    layouts: ['gitlab-v0.2'],
    code: 'malformed-attestation',
    signing: agreed({
      repository: 'https://gitlab.com/acme/widget%2F..',
      run: 'https://gitlab.com/acme/widget%2F../-/jobs/1',
      builderId: 'https://gitlab.com/acme/widget%2F../-/runners/1',
    }),
  },
  {
    id: 'GitLab: job name with dot segments',
    layouts: ['gitlab-v0.2'],
    code: 'malformed-attestation',
    signing: agreed({ jobName: '../../evil' }),
  },
];

describe('adversarial: identity attacks on what is shown', function () {
  this.timeout(60000);
  let h: IdentityHarness;
  before(async () => {
    h = await createIdentityHarness('identity-attacks');
  });

  for (const a of ATTACKS) {
    for (const layout of a.layouts) {
      it(`${layout}: ${a.id} is ${a.code}`, async () => {
        const result = h.verify([h.publish, await h.sign({ layout, ...a.signing(h, layout) })]);
        assert.equal(result.ok, false, `${layout} ${a.id}: verified, but must be rejected`);
        if (!result.ok) assert.equal(result.code, a.code, result.message);
      });
    }
  }

  it('a publish attestation logged in the future is invalid-transparency-log', async () => {
    const future = h.signer.publish(h.name, h.version, h.sha512, Math.floor(h.signer.now.getTime() / 1000) + 7200);
    const result = h.verify([future, await h.sign({ layout: 'github-v1', predicate: githubBuild() })]);
    assert.equal(result.ok, false);
    if (!result.ok) assert.equal(result.code, 'invalid-transparency-log', result.message);
  });

  describe('controls: legitimate variants of the same shapes verify', () => {
    const verifies = async (req: IdentitySigning): Promise<void> => {
      const result = h.verify([h.publish, await h.sign(req)]);
      assert.ok(result.ok, result.ok ? '' : `${result.code}: ${result.message}`);
    };
    it('a reusable workflow (slsa-github-generator) naming its own builder at its own ref', () =>
      verifies({ layout: 'github-v0.2', predicate: githubBuild({ signer: SLSA_DELEGATOR, builderId: SLSA_GENERATOR }) }));
    it('npm publishing from inside a reusable workflow (runner builder id)', () =>
      verifies({
        layout: 'github-v1',
        predicate: githubBuild({ signer: 'https://github.com/acme/shared/.github/workflows/publish.yml@refs/heads/main' }),
      }));
    it("npm CLI's first layout (builder https://github.com/npm/cli@9.4.2)", () =>
      verifies({ layout: 'github-v0.2', predicate: githubBuild({ builderId: 'https://github.com/npm/cli@9.4.2' }) }));
    it('a repository named .github', () =>
      verifies({
        layout: 'github-v1',
        predicate: githubBuild({
          repository: 'https://github.com/acme/.github',
          run: 'https://github.com/acme/.github/actions/runs/7/attempts/1',
        }),
      }));
    it('a log entry within the clock-skew allowance', () =>
      verifies({ layout: 'github-v1', predicate: githubBuild(), signedAt: new Date(h.signer.now.getTime() + 2 * MINUTE) }));
    it('a GitLab job name with a space', () => verifies({ layout: 'gitlab-v0.2', predicate: gitlabBuild({ jobName: 'publish npm' }) }));
  });
});
