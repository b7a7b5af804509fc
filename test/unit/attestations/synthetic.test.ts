/**
 * Identity checks with real cryptography: statements signed by a private in-process Sigstore
 * (@sigstore/mock) whose certificates carry the claims each test needs.
 */
import { strict as assert } from 'node:assert';
import { createHash } from 'node:crypto';
import { verifyAttestations, type AttestationInput, type AttestationResult } from '../../../src/verify/attestations';
import {
  GITHUB_ISSUER,
  certExtensions,
  createMockSigstore,
  githubV1Statement,
  publishStatement,
  purl,
  type AttestationEntry,
  type CertClaims,
  type GitHubBuild,
  type MockSigstore,
} from './helpers/mock-sigstore';

const NAME = '@acme/widget';
const VERSION = '1.2.3';
const DIGEST = createHash('sha512').update('synthetic tarball').digest();
const SHA512 = DIGEST.toString('hex');
const INTEGRITY = `sha512-${DIGEST.toString('base64')}`;
const REPO = 'https://github.com/acme/widget';
const COMMIT = createHash('sha1').update('commit').digest('hex');
const WORKFLOW = '.github/workflows/release.yml';
const REF = 'refs/tags/v1.2.3';
const RUN = `${REPO}/actions/runs/123456/attempts/1`;

function build(over: Partial<GitHubBuild> = {}): GitHubBuild {
  return {
    name: NAME,
    version: VERSION,
    sha512: SHA512,
    repository: REPO,
    path: WORKFLOW,
    ref: REF,
    commit: COMMIT,
    run: RUN,
    builder: 'https://github.com/actions/runner/github-hosted',
    event: 'release',
    ...over,
  };
}

function claims(over: Partial<CertClaims> = {}): CertClaims {
  return {
    issuer: GITHUB_ISSUER,
    repository: REPO,
    commit: COMMIT,
    ref: REF,
    workflow: `${REPO}/${WORKFLOW}@${REF}`,
    run: RUN,
    runner: 'github-hosted',
    event: 'release',
    ...over,
  };
}

function expectFailure(result: AttestationResult, code: string): string {
  assert.equal(result.ok, false, `expected ${code}, got a verified result`);
  if (result.ok) throw new Error('unreachable');
  assert.equal(result.code, code, result.message);
  return result.message;
}

describe('attestations: identity checks on synthetic Sigstore bundles', function () {
  this.timeout(60000);
  let sigstore: MockSigstore;
  let publish: AttestationEntry;

  const run = (attestations: AttestationEntry[], over: Partial<AttestationInput> = {}): AttestationResult =>
    verifyAttestations({
      name: NAME,
      version: VERSION,
      integrity: INTEGRITY,
      document: { attestations },
      trustedRoot: sigstore.trustedRoot,
      npmKeys: [sigstore.npmKey],
      ...over,
    });

  const provenance = (b: GitHubBuild, c: CertClaims, san?: string): Promise<AttestationEntry> =>
    sigstore.provenance(githubV1Statement(b), san ?? c.signer ?? c.workflow, certExtensions(c));

  before(async () => {
    sigstore = await createMockSigstore();
    publish = await sigstore.publish(publishStatement(NAME, VERSION, SHA512));
  });

  it('verifies a consistent GitHub Actions provenance and reports exactly what it states', async () => {
    const result = run([publish, await provenance(build(), claims())], { publishTime: new Date('2024-05-01T00:00:00Z') });
    assert.ok(result.ok, result.ok ? '' : result.message);
    assert.equal(result.publishAttestation, true);
    assert.deepEqual(result.facts, {
      sourceRepository: REPO,
      sourceCommit: COMMIT,
      ref: REF,
      workflowPath: WORKFLOW,
      runInvocation: RUN,
      builder: 'https://github.com/actions/runner/github-hosted',
      builderKind: 'github-hosted',
      triggerEvent: 'release',
      issuer: GITHUB_ISSUER,
      signerIdentity: `${REPO}/${WORKFLOW}@${REF}`,
      transparencyLog: result.facts.transparencyLog,
      publishTime: '2024-05-01T00:00:00.000Z',
      predicateType: 'https://slsa.dev/provenance/v1',
      links: {
        repository: REPO,
        commit: `${REPO}/commit/${COMMIT}`,
        workflow: `${REPO}/blob/${COMMIT}/${WORKFLOW}`,
        run: RUN,
      },
    });
    // A private Rekor is not the public-good instance: no search.sigstore.dev link.
    assert.match(result.facts.transparencyLog.logIndex, /^\d+$/);
    assert.equal(result.facts.transparencyLog.url, undefined);
    assert.ok(result.facts.transparencyLog.integratedTime && !Number.isNaN(Date.parse(result.facts.transparencyLog.integratedTime)));
  });

  it('accepts provenance without a publish attestation, and says so', async () => {
    const result = run([await provenance(build(), claims())]);
    assert.ok(result.ok);
    assert.equal(result.publishAttestation, false);
  });

  it('rejects a provenance whose repository differs from the certificate', async () => {
    const msg = expectFailure(
      run([publish, await provenance(build({ repository: 'https://github.com/evil/widget' }), claims())]),
      'identity-mismatch',
    );
    assert.match(msg, /evil\/widget/);
  });

  it('rejects a provenance whose commit differs from the certificate', async () => {
    const other = createHash('sha1').update('other').digest('hex');
    expectFailure(run([publish, await provenance(build({ commit: other }), claims())]), 'identity-mismatch');
  });

  it('rejects a provenance whose workflow differs from the certificate build config', async () => {
    expectFailure(run([publish, await provenance(build({ path: '.github/workflows/other.yml' }), claims())]), 'identity-mismatch');
  });

  it('rejects a provenance whose ref differs from the certificate', async () => {
    expectFailure(run([publish, await provenance(build(), claims({ ref: 'refs/heads/main' }))]), 'identity-mismatch');
  });

  it('rejects a provenance whose run differs from the certificate', async () => {
    expectFailure(run([publish, await provenance(build({ run: `${REPO}/actions/runs/999/attempts/1` }), claims())]), 'identity-mismatch');
  });

  it('rejects a provenance claiming a GitHub-hosted runner when the certificate says self-hosted', async () => {
    expectFailure(run([publish, await provenance(build(), claims({ runner: 'self-hosted' }))]), 'identity-mismatch');
  });

  it('reports a self-hosted runner as such', async () => {
    const result = run([
      publish,
      await provenance(build({ builder: 'https://github.com/actions/runner/self-hosted' }), claims({ runner: 'self-hosted' })),
    ]);
    assert.ok(result.ok);
    assert.equal(result.facts.builderKind, 'self-hosted');
  });

  it('rejects a provenance whose trigger event differs from the certificate', async () => {
    expectFailure(run([publish, await provenance(build({ event: 'push' }), claims())]), 'identity-mismatch');
  });

  it('rejects an issuer that is neither GitHub Actions nor GitLab', async () => {
    const msg = expectFailure(
      run([publish, await provenance(build(), claims({ issuer: 'https://accounts.google.com' }))]),
      'unsupported-issuer',
    );
    assert.match(msg, /accounts\.google\.com/);
  });

  it('accepts a reusable-workflow signer only for a builder from that workflow’s repository and ref', async () => {
    const signer = 'https://github.com/builders/slsa/.github/workflows/signer.yml@refs/tags/v2.0.0';
    const ok = run([
      publish,
      await provenance(
        build({ builder: 'https://github.com/builders/slsa/.github/workflows/builder.yml@refs/tags/v2.0.0' }),
        claims({ signer }),
      ),
    ]);
    assert.ok(ok.ok, ok.ok ? '' : ok.message);
    assert.equal(ok.facts.signerIdentity, signer);
    assert.equal(ok.facts.workflowPath, WORKFLOW);

    const bad = run([
      publish,
      await provenance(build({ builder: 'https://github.com/someone/else/.github/workflows/b.yml@refs/tags/v2.0.0' }), claims({ signer })),
    ]);
    expectFailure(bad, 'identity-mismatch');
  });

  it('rejects a certificate without a build config when the signer is not the stated workflow', async () => {
    const c = claims();
    const ext = certExtensions(c).filter((e) => e.oid !== '1.3.6.1.4.1.57264.1.18');
    const entry = await sigstore.provenance(
      githubV1Statement(build()),
      'https://github.com/acme/widget/.github/workflows/other.yml@refs/tags/v1.2.3',
      ext,
    );
    expectFailure(run([publish, entry]), 'identity-mismatch');
  });

  it('refuses signed repository and workflow strings that would be shown as something else than what was signed', async () => {
    // Certificate and provenance agree on them; they are refused, never normalised or shown.
    const path = '.github/workflows/../../x.yml';
    const msg = expectFailure(
      run([publish, await provenance(build({ path }), claims({ workflow: `${REPO}/${path}@${REF}` }))]),
      'malformed-attestation',
    );
    assert.match(msg, /workflow path/);

    const odd = 'https://github.com/acme/widget%2F..';
    const r2 = run([
      publish,
      await provenance(
        build({ repository: odd, run: `${odd}/actions/runs/1/attempts/1` }),
        claims({ repository: odd, workflow: `${odd}/${WORKFLOW}@${REF}`, run: `${odd}/actions/runs/1/attempts/1` }),
      ),
    ]);
    assert.match(expectFailure(r2, 'malformed-attestation'), /source repository/);
  });

  it('fails closed on a signed attestation of an unknown type', async () => {
    const statement = { ...githubV1Statement(build()), predicateType: 'https://example.com/some-new-predicate/v1' };
    const entry = await sigstore.provenance(statement, `${REPO}/${WORKFLOW}@${REF}`, certExtensions(claims()));
    const msg = expectFailure(run([publish, await provenance(build(), claims()), entry]), 'malformed-attestation');
    assert.match(msg, /some-new-predicate/);
  });

  it('rejects a signed subject that is not the exact purl (unencoded scope)', async () => {
    const statement = githubV1Statement(build());
    statement.subject = [{ name: `pkg:npm/${NAME}@${VERSION}`, digest: { sha512: SHA512 } }];
    const entry = await sigstore.provenance(statement, `${REPO}/${WORKFLOW}@${REF}`, certExtensions(claims()));
    expectFailure(run([publish, entry]), 'subject-name-mismatch');
  });

  it('rejects a statement with more than one subject', async () => {
    const statement = githubV1Statement(build());
    statement.subject = [
      { name: purl(NAME, VERSION), digest: { sha512: SHA512 } },
      { name: purl('other', '1.0.0'), digest: { sha512: SHA512 } },
    ];
    const entry = await sigstore.provenance(statement, `${REPO}/${WORKFLOW}@${REF}`, certExtensions(claims()));
    expectFailure(run([publish, entry]), 'subject-name-mismatch');
  });

  it('rejects a publish attestation whose signed predicate names another version', async () => {
    const wrong = await sigstore.publish(
      publishStatement(NAME, VERSION, SHA512, { name: NAME, version: '9.9.9', registry: 'https://registry.npmjs.org' }),
    );
    expectFailure(run([wrong, await provenance(build(), claims())]), 'predicate-mismatch');
  });

  it('judges the registry key at the signing time of the publish attestation', async () => {
    const entry = await provenance(build(), claims());
    const expired = { ...sigstore.npmKey, validUntil: new Date(Date.now() - 86400_000) };
    expectFailure(run([publish, entry], { npmKeys: [expired] }), 'expired-registry-key');
    const notYet = { ...sigstore.npmKey, validFrom: new Date(Date.now() + 86400_000) };
    expectFailure(run([publish, entry], { npmKeys: [notYet] }), 'expired-registry-key');
    const signaturesOnly = { ...sigstore.npmKey, usage: 'npm:signatures' as const };
    expectFailure(run([publish, entry], { npmKeys: [signaturesOnly] }), 'unknown-registry-key');
    const unspecified = { keyId: sigstore.npmKey.keyId, publicKey: sigstore.npmKey.publicKey };
    assert.ok(run([publish, entry], { npmKeys: [unspecified] }).ok);
  });

  it('does not trust a certificate from a CA outside the trusted root', async () => {
    const other = await createMockSigstore();
    const foreign = await other.provenance(githubV1Statement(build()), `${REPO}/${WORKFLOW}@${REF}`, certExtensions(claims()));
    // The foreign bundle's log entry is also unknown here; the certificate is checked first.
    expectFailure(run([publish, foreign]), 'untrusted-certificate');
  });

  it('rejects a log entry from a log outside the trusted root', async () => {
    const other = await createMockSigstore();
    const foreign = await other.provenance(githubV1Statement(build()), `${REPO}/${WORKFLOW}@${REF}`, certExtensions(claims()));
    const root = structuredClone(sigstore.trustedRoot) as Record<string, unknown>;
    root.certificateAuthorities = [
      ...(root.certificateAuthorities as unknown[]),
      ...(other.trustedRoot.certificateAuthorities as unknown[]),
    ];
    root.ctlogs = [...(root.ctlogs as unknown[]), ...(other.trustedRoot.ctlogs as unknown[])];
    expectFailure(run([publish, foreign], { trustedRoot: root }), 'invalid-transparency-log');
    root.tlogs = [...(root.tlogs as unknown[]), ...(other.trustedRoot.tlogs as unknown[])];
    assert.ok(run([publish, foreign], { trustedRoot: root }).ok);
  });

  describe('GitLab', () => {
    const GL_REPO = 'https://gitlab.com/acme/group/widget';
    const JOB = `${GL_REPO}/-/jobs/4316132595`;

    function gitlabStatement(over: { repository?: string; refName?: string; job?: string } = {}): Record<string, unknown> {
      const repository = over.repository ?? GL_REPO;
      return {
        _type: 'https://in-toto.io/Statement/v0.1',
        subject: [{ name: purl(NAME, VERSION), digest: { sha512: SHA512 } }],
        predicateType: 'https://slsa.dev/provenance/v0.2',
        predicate: {
          buildType: 'https://github.com/npm/cli/gitlab/v0alpha1',
          builder: { id: `${repository}/-/runners/12270835` },
          invocation: {
            configSource: { uri: `git+${repository}`, digest: { sha1: COMMIT }, entryPoint: 'deploy' },
            parameters: { CI_COMMIT_REF_NAME: over.refName ?? 'main', CI_PIPELINE_SOURCE: 'push', CI_PROJECT_URL: repository },
            environment: { name: 'shared runner', server: 'https://gitlab.com' },
          },
          metadata: {
            buildInvocationId: over.job ?? JOB,
            completeness: { parameters: true, environment: true, materials: false },
            reproducible: false,
          },
          materials: [{ uri: `git+${repository}`, digest: { sha1: COMMIT } }],
        },
      };
    }

    function gitlabCert(
      issuer = 'https://gitlab.com',
      repository = GL_REPO,
      runner = 'gitlab-hosted',
    ): { san: string; ext: { oid: string; value: string; legacy?: boolean }[] } {
      const config = `${repository}//.gitlab-ci.yml@refs/heads/main`;
      return {
        san: config,
        ext: certExtensions({
          issuer,
          repository,
          commit: COMMIT,
          ref: 'refs/heads/main',
          workflow: config,
          run: `${repository}/-/jobs/4316132595`,
          runner,
          event: 'push',
        }),
      };
    }

    it('verifies npm’s GitLab provenance and builds GitLab links', async () => {
      const { san, ext } = gitlabCert();
      const result = run([publish, await sigstore.provenance(gitlabStatement(), san, ext)]);
      assert.ok(result.ok, result.ok ? '' : result.message);
      const f = result.facts;
      assert.equal(f.sourceRepository, GL_REPO);
      assert.equal(f.sourceCommit, COMMIT);
      assert.equal(f.ref, 'refs/heads/main');
      assert.equal(f.workflowPath, 'deploy');
      assert.equal(f.runInvocation, JOB);
      assert.equal(f.builder, `${GL_REPO}/-/runners/12270835`);
      assert.equal(f.builderKind, 'gitlab-hosted');
      assert.equal(f.triggerEvent, 'push');
      assert.equal(f.issuer, 'https://gitlab.com');
      assert.deepEqual(f.links, {
        repository: GL_REPO,
        commit: `${GL_REPO}/-/commit/${COMMIT}`,
        workflow: `${GL_REPO}/-/blob/${COMMIT}/.gitlab-ci.yml`,
        run: JOB,
      });
    });

    it('rejects GitLab provenance that disagrees with its certificate', async () => {
      const { san, ext } = gitlabCert();
      expectFailure(run([publish, await sigstore.provenance(gitlabStatement({ refName: 'release' }), san, ext)]), 'identity-mismatch');
      expectFailure(
        run([publish, await sigstore.provenance(gitlabStatement({ job: `${GL_REPO}/-/jobs/1` }), san, ext)]),
        'identity-mismatch',
      );
      expectFailure(
        run([publish, await sigstore.provenance(gitlabStatement({ repository: 'https://gitlab.com/evil/widget' }), san, ext)]),
        'identity-mismatch',
      );
    });

    it('accepts a self-managed GitLab only when its issuer is configured', async () => {
      const issuer = 'https://gitlab.example.org';
      const repository = `${issuer}/acme/widget`;
      const { san, ext } = gitlabCert(issuer, repository, 'self-hosted');
      const entry = await sigstore.provenance(gitlabStatement({ repository, job: `${repository}/-/jobs/4316132595` }), san, ext);
      expectFailure(run([publish, entry]), 'unsupported-issuer');
      const result = run([publish, entry], { gitlabIssuers: [issuer] });
      assert.ok(result.ok, result.ok ? '' : result.message);
      assert.equal(result.facts.builderKind, 'gitlab-self-managed');
      // Links are only built for github.com and gitlab.com.
      assert.deepEqual(result.facts.links, {});
    });
  });
});
