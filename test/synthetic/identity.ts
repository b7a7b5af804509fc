/**
 * One build described once, rendered two ways: as the signing certificate's Fulcio claims and as the
 * provenance predicate (GitHub Actions: SLSA v1 and npm's SLSA v0.2 layout; GitLab CI: npm's SLSA
 * v0.2 layout). Render the certificate from one description and the predicate from another to make
 * the two disagree in exactly one field.
 */
import { createHash } from 'node:crypto';
import { verifyAttestations, type AttestationInput, type AttestationResult } from '../../src/verify/attestations';
import { parseNpmKeys } from '../../src/verify/trust/keys';
import type { Extension, FulcioExtension } from './pki';
import { createSyntheticSigner, purl, type SignedAttestation, type SyntheticSigner } from './signer';
import { SLSA_PROVENANCE_V02, SLSA_PROVENANCE_V1 } from './types';

export const GITHUB_ISSUER = 'https://token.actions.githubusercontent.com';
export const GITLAB_ISSUER = 'https://gitlab.com';

export type Layout = 'github-v1' | 'github-v0.2' | 'gitlab-v0.2';

export interface BuildIdentity {
  platform: 'github' | 'gitlab';
  issuer: string;
  /** https URL of the source repository / project. */
  repository: string;
  commit: string;
  ref: string;
  /** GitHub: the workflow file; GitLab: the CI configuration file. */
  workflowPath: string;
  /** GitLab: the job name npm states as the entry point. */
  jobName?: string;
  /** GitHub: `<repo>/actions/runs/<id>/attempts/<n>`; GitLab: `<project>/-/jobs/<id>`. */
  run: string;
  runnerEnvironment: string;
  event: string;
  /** The builder id the predicate states. */
  builderId: string;
  /** The signing identity (SAN and build signer URI); default: the workflow / CI config itself. */
  signer?: string;
}

const OID = (n: number): string => `1.3.6.1.4.1.57264.1.${n}`;
const ext = (n: number, value: string, legacy = false): FulcioExtension => ({ oid: OID(n), value, legacy });

export function githubBuild(over: Partial<BuildIdentity> = {}): BuildIdentity {
  const repository = over.repository ?? 'https://github.com/acme/widget';
  return {
    platform: 'github',
    issuer: GITHUB_ISSUER,
    repository,
    commit: '0123456789abcdef0123456789abcdef01234567',
    ref: 'refs/tags/v1.2.3',
    workflowPath: '.github/workflows/release.yml',
    run: `${repository}/actions/runs/4242424242/attempts/1`,
    runnerEnvironment: 'github-hosted',
    event: 'release',
    builderId: 'https://github.com/actions/runner/github-hosted',
    ...over,
  };
}

export function gitlabBuild(over: Partial<BuildIdentity> = {}): BuildIdentity {
  const repository = over.repository ?? 'https://gitlab.com/acme/group/widget';
  return {
    platform: 'gitlab',
    issuer: GITLAB_ISSUER,
    repository,
    commit: '89abcdef0123456789abcdef0123456789abcdef',
    ref: 'refs/heads/main',
    workflowPath: '.gitlab-ci.yml',
    jobName: 'publish',
    run: `${repository}/-/jobs/4316132595`,
    runnerEnvironment: 'gitlab-hosted',
    event: 'push',
    builderId: `${repository}/-/runners/12270835`,
    ...over,
  };
}

/** The workflow identity as Fulcio writes it (build config URI, and the SAN when the workflow signs itself). */
export function workflowUri(b: BuildIdentity): string {
  return b.platform === 'github' ? `${b.repository}/${b.workflowPath}@${b.ref}` : `${b.repository}//${b.workflowPath}@${b.ref}`;
}

/** What Fulcio would put in the certificate for this build. */
export function certificateFor(b: BuildIdentity): { san: string; extensions: FulcioExtension[] } {
  const config = workflowUri(b);
  const san = b.signer ?? config;
  const extensions: FulcioExtension[] = [ext(1, b.issuer, true)];
  if (b.platform === 'github') {
    const slug = b.repository.replace(/^https:\/\/[^/]+\//, '');
    extensions.push(ext(2, b.event, true), ext(3, b.commit, true), ext(4, 'Release', true), ext(5, slug, true), ext(6, b.ref, true));
  }
  extensions.push(
    ext(8, b.issuer),
    ext(9, san),
    ext(10, b.commit),
    ext(11, b.runnerEnvironment),
    ext(12, b.repository),
    ext(13, b.commit),
    ext(14, b.ref),
    ext(18, config),
    ext(19, b.commit),
    ext(20, b.event),
    ext(21, b.run),
    ext(22, 'public'),
  );
  return { san, extensions };
}

function runParts(run: string): { id: string; attempt: string } {
  const m = /\/runs\/([^/]+)\/attempts\/([^/]+)$/.exec(run);
  return m ? { id: m[1]!, attempt: m[2]! } : { id: run, attempt: '1' };
}

/** The in-toto statement npm (or GitHub) would sign for this build, about one package. */
export function statementFor(
  b: BuildIdentity,
  layout: Layout,
  subject: { name: string; version: string; sha512: string },
): Record<string, unknown> {
  const subjects = [{ name: purl(subject.name, subject.version), digest: { sha512: subject.sha512 } }];
  if (layout === 'github-v1') {
    return {
      _type: 'https://in-toto.io/Statement/v1',
      subject: subjects,
      predicateType: SLSA_PROVENANCE_V1,
      predicate: {
        buildDefinition: {
          buildType: 'https://slsa-framework.github.io/github-actions-buildtypes/workflow/v1',
          externalParameters: { workflow: { ref: b.ref, repository: b.repository, path: b.workflowPath } },
          internalParameters: { github: { event_name: b.event, repository_id: '1', repository_owner_id: '2' } },
          resolvedDependencies: [{ uri: `git+${b.repository}@${b.ref}`, digest: { gitCommit: b.commit } }],
        },
        runDetails: { builder: { id: b.builderId }, metadata: { invocationId: b.run } },
      },
    };
  }
  if (layout === 'github-v0.2') {
    const slug = b.repository.replace(/^https:\/\/[^/]+\//, '');
    const run = runParts(b.run);
    return {
      _type: 'https://in-toto.io/Statement/v0.1',
      subject: subjects,
      predicateType: SLSA_PROVENANCE_V02,
      predicate: {
        buildType: 'https://github.com/npm/cli/gha/v2',
        builder: { id: b.builderId },
        invocation: {
          configSource: { uri: `git+${b.repository}@${b.ref}`, digest: { sha1: b.commit }, entryPoint: b.workflowPath },
          parameters: {},
          environment: {
            GITHUB_EVENT_NAME: b.event,
            GITHUB_REF: b.ref,
            GITHUB_REPOSITORY: slug,
            GITHUB_REPOSITORY_ID: '1',
            GITHUB_REPOSITORY_OWNER_ID: '2',
            GITHUB_RUN_ATTEMPT: run.attempt,
            GITHUB_RUN_ID: run.id,
            GITHUB_SHA: b.commit,
            GITHUB_WORKFLOW_REF: `${slug}/${b.workflowPath}@${b.ref}`,
            GITHUB_WORKFLOW_SHA: b.commit,
          },
        },
        metadata: {
          buildInvocationId: `${run.id}-${run.attempt}`,
          completeness: { parameters: false, environment: false, materials: false },
          reproducible: false,
        },
        materials: [{ uri: `git+${b.repository}@${b.ref}`, digest: { sha1: b.commit } }],
      },
    };
  }
  return {
    _type: 'https://in-toto.io/Statement/v0.1',
    subject: subjects,
    predicateType: SLSA_PROVENANCE_V02,
    predicate: {
      buildType: 'https://github.com/npm/cli/gitlab/v0alpha1',
      builder: { id: b.builderId },
      invocation: {
        configSource: { uri: `git+${b.repository}`, digest: { sha1: b.commit }, entryPoint: b.jobName ?? 'publish' },
        parameters: {
          CI_COMMIT_REF_NAME: b.ref.replace(/^refs\/(?:heads|tags)\//, ''),
          CI_PIPELINE_SOURCE: b.event,
          CI_PROJECT_URL: b.repository,
        },
        environment: { name: 'shared runner', server: b.issuer },
      },
      metadata: { buildInvocationId: b.run, completeness: { parameters: true, environment: true, materials: false }, reproducible: false },
      materials: [{ uri: `git+${b.repository}`, digest: { sha1: b.commit } }],
    },
  };
}

// ---------------------------------------------------------------------------------------------
// A harness: sign with the synthetic Sigstore, judge with the verifier.

export interface IdentitySigning {
  layout: Layout;
  /** What the predicate states. */
  predicate: BuildIdentity;
  /** What the certificate states (default: the same build). */
  certificate?: BuildIdentity;
  /** Rewrite the certificate's claims (e.g. duplicate or drop an extension). */
  editCertificate?: (c: { san: string; extensions: FulcioExtension[] }) => { san: string; extensions: FulcioExtension[] };
  /** Rewrite the statement before it is signed. */
  editStatement?: (s: Record<string, unknown>) => void;
  rawExtensions?: Extension[];
  omitSan?: boolean;
  signedAt?: Date;
  integratedTime?: number;
  rfc3161Only?: boolean;
}

export interface IdentityHarness {
  signer: SyntheticSigner;
  name: string;
  version: string;
  sha512: string;
  integrity: string;
  /** A valid npm publish attestation for the package. */
  publish: SignedAttestation;
  sign(req: IdentitySigning): Promise<SignedAttestation>;
  verify(attestations: SignedAttestation[], over?: Partial<AttestationInput>): AttestationResult;
}

export async function createIdentityHarness(seed = 'identity-attacks'): Promise<IdentityHarness> {
  const signer = await createSyntheticSigner({ seed });
  const name = '@acme/widget';
  const version = '1.2.3';
  const digest = createHash('sha512').update(`synthetic tarball ${seed}`).digest();
  const sha512 = digest.toString('hex');
  const integrity = `sha512-${digest.toString('base64')}`;
  const npmKeys = parseNpmKeys(signer.npmKeys);
  const publish = signer.publish(name, version, sha512);
  return {
    signer,
    name,
    version,
    sha512,
    integrity,
    publish,
    async sign(req) {
      let cert = certificateFor(req.certificate ?? req.predicate);
      if (req.editCertificate) cert = req.editCertificate(cert);
      const statement = statementFor(req.predicate, req.layout, { name, version, sha512 });
      req.editStatement?.(statement);
      return signer.provenance({
        statement,
        san: cert.san,
        extensions: cert.extensions,
        rawExtensions: req.rawExtensions,
        omitSan: req.omitSan,
        signedAt: req.signedAt,
        integratedTime: req.integratedTime,
        rfc3161Only: req.rfc3161Only,
      });
    },
    verify(attestations, over = {}) {
      return verifyAttestations({
        name,
        version,
        integrity,
        document: JSON.parse(JSON.stringify({ attestations })) as unknown,
        trustedRoot: signer.trustedRoot as never,
        npmKeys,
        now: signer.now,
        ...over,
      });
    },
  };
}
