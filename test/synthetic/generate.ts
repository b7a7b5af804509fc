/**
 * Synthetic npm provenance data, generated in-process and offline, for the situations the recorded
 * real-world data (test/fixtures/realworld) does not cover.
 *
 * Everything is genuinely signed against its own trust:
 * - a Fulcio-like CA (ECDSA P-384 root → intermediate → 10-minute leaf certificates with the real
 *   Fulcio OID extensions and an embedded SCT from an RFC 6962 CT log key),
 * - a Rekor-like transparency log (one RFC 6962 tree, signed checkpoints, inclusion proofs and signed
 *   entry timestamps; `dsse` 0.0.1 entries for provenance, `intoto` 0.0.2 for publish attestations),
 * - @sigstore/mock's in-process TSA, listed in the trusted root (no bundle carries an RFC 3161 timestamp),
 * - npm registry ECDSA P-256 keys (one active, one expired, one the registry does not publish).
 *
 * The result is a Sigstore TrustedRoot, npm keys in both published formats, and one case per scenario:
 * the version document, a real tarball, the attestations endpoint body, and the exact expected verdict.
 * Nothing here uses the network or nock (the mock pieces are imported from their own modules, so
 * @sigstore/mock's nock-based HTTP handlers are never loaded).
 */
import { X509Certificate, createHash, randomBytes, sign } from 'node:crypto';
import { initializeTSA } from '@sigstore/mock/dist/timestamp/tsa';
import * as semver from 'semver';
import { SeededRandom, npmKeyId } from './der';
import { dsseEnvelope, dsseLogBody, dsseSign, intotoLogBody, isoSeconds, purl } from './dsse';
import {
  createCTLog,
  createCertificateAuthority,
  deriveKeyPair,
  type CertificateAuthority,
  type EcKeyPair,
  type FulcioExtension,
} from './pki';
import { writeFixtures, type SyntheticFixtureFiles } from './fixtures';
import { createTarball, sha1Hex, sriSha512, unpackedSize, type TarFile } from './tar';
import { TransparencyLog } from './tlog';
import {
  BUNDLE_V02_MEDIA_TYPE,
  BUNDLE_V03_MEDIA_TYPE,
  PUBLISH_PREDICATE_REGISTRY,
  PUBLISH_PREDICATE_TYPE,
  SLSA_PROVENANCE_V02,
  SLSA_PROVENANCE_V1,
  SYNTHETIC_REGISTRY,
  type AttestationsBody,
  type RegistryNpmKeys,
  type SigstoreBundleJSON,
  type SyntheticCase,
  type SyntheticData,
  type SyntheticExpected,
  type SyntheticPackument,
  type SyntheticVersionDoc,
  type TlogEntryJSON,
  type TrustedRootJSON,
  type TufNpmKeys,
} from './types';
import type { ProvenanceFacts } from '../../src/verify/types';

export * from './types';
export { toFixturePackages, type SyntheticFixturePackage, type SyntheticFixtureVersion } from './registry';

export interface GenerateOptions {
  /** Same seed → same keys, key ids, tarballs, integrities, commits and log indexes. Default: random. */
  seed?: string;
  /** The generation time (default now); signing times lie 30 to ~23 days before it. */
  now?: Date | string | number;
  /** The cases to generate instead of the fixed scenario list (large worlds: ./world.ts). */
  scenarios?: SyntheticScenario[];
  /** Time between consecutive cases' signing (default 6 h; each case gets a jitter of up to half of it, at most 1 h). */
  spacingMs?: number;
}

const SECOND = 1000;
const HOUR = 3600 * SECOND;
const DAY = 24 * HOUR;

export const GITHUB_ACTIONS_ISSUER = 'https://token.actions.githubusercontent.com';
export const GITLAB_ISSUER = 'https://gitlab.com';
export const BUILDKITE_ISSUER = 'https://agent.buildkite.com';
const INTOTO_STATEMENT_V1 = 'https://in-toto.io/Statement/v1';
const INTOTO_STATEMENT_V01 = 'https://in-toto.io/Statement/v0.1';
const GITHUB_BUILD_TYPE = 'https://slsa-framework.github.io/github-actions-buildtypes/workflow/v1';
const GITLAB_BUILD_TYPE = 'https://github.com/npm/cli/gitlab/v0alpha1';
const TLOG_HOST = 'rekor.synthetic.test';
const FULCIO_URL = 'https://fulcio.synthetic.test';
const CTLOG_URL = 'https://ctfe.synthetic.test';
const TSA_URL = 'https://timestamp.synthetic.test/api/v1/timestamp';
const CA_ORGANIZATION = 'synthetic.sigstore.test';

// ---------------------------------------------------------------------------------------------
// Scenario descriptions
// ---------------------------------------------------------------------------------------------

type GithubBuild = {
  kind: 'github';
  /** owner/repo as the provenance predicate states it. */
  repository: string;
  /** owner/repo in the certificate, when it differs from the predicate's (identity mismatch). */
  certRepository?: string;
  workflowPath?: string;
  ref?: string;
  event?: string;
  runner?: 'github-hosted' | 'self-hosted';
};
type GitlabBuild = { kind: 'gitlab'; project: string };
type BuildkiteBuild = { kind: 'buildkite'; organization: string; pipeline: string; repository: string };
type BuildSpec = GithubBuild | GitlabBuild | BuildkiteBuild;

type NpmKeyName = 'current' | 'expired' | 'unknown';

/** One case to generate (see SCENARIOS for examples); `GenerateOptions.scenarios` takes a list of them. */
export type SyntheticScenario = CaseSpec;
export type SyntheticBuildSpec = BuildSpec;

interface CaseSpec {
  id: string;
  description: string;
  name: string;
  version: string;
  /** The CI build that produced provenance; absent → the version has no provenance. */
  build?: BuildSpec;
  /** How the attestations endpoint answers: with this version's own attestations (default when
   * there is a build), 404, or with another case's attestations. */
  serve?: 'own' | '404' | { fromCase: string };
  /** Advertise dist.attestations (default: whenever something other than nothing is expected). */
  advertise?: boolean;
  registrySignature?: { key: NpmKeyName; tamper?: boolean };
  provenance?: {
    /** Subject purl names this package instead. */
    subjectName?: string;
    /** Subject digest is that of another build of the tarball. */
    otherDigest?: boolean;
    ca?: 'trusted' | 'rogue';
    tamper?: 'signature' | 'tlog-proof' | 'malformed';
  };
  publish?: { key?: NpmKeyName; tamper?: 'signature'; predicateVersion?: string; bundle?: 'v0.2' | 'v0.3' };
  expected: Omit<SyntheticExpected, 'facts'>;
  sigstore: SyntheticCase['sigstore'];
}

const VERIFIED = { status: 'verified', registrySignature: 'valid' } as const;
const BOTH_VALID = { publish: 'valid', provenance: 'valid' } as const;
const gh = (repository: string, extra: Omit<GithubBuild, 'kind' | 'repository'> = {}): GithubBuild => ({
  kind: 'github',
  repository,
  ...extra,
});
const invalid = (code: NonNullable<SyntheticExpected['code']>): Omit<SyntheticExpected, 'facts'> => ({
  status: 'invalid',
  code,
  registrySignature: 'valid',
});

/** Every scenario, in publish order. */
const SCENARIOS: CaseSpec[] = [
  {
    id: 'github-hosted-verified',
    description: 'Built on a GitHub-hosted runner: SLSA provenance v1, npm publish attestation and registry signature all verify.',
    name: 'synth-basic',
    version: '1.0.0',
    build: gh('synth-org/synth-basic'),
    expected: VERIFIED,
    sigstore: BOTH_VALID,
  },
  {
    id: 'scoped-verified',
    description:
      'A scoped package (subject pkg:npm/%40synth-scope/widget@2.3.1), built from a tag; publish attestation in a v0.2 bundle as the registry serves it.',
    name: '@synth-scope/widget',
    version: '2.3.1',
    build: gh('synth-scope/widget', { ref: 'refs/tags/v2.3.1', workflowPath: '.github/workflows/publish.yml', event: 'release' }),
    publish: { bundle: 'v0.2' },
    expected: VERIFIED,
    sigstore: BOTH_VALID,
  },
  {
    id: 'no-provenance',
    description: 'Published without provenance: signed by the registry, no dist.attestations.',
    name: 'synth-plain',
    version: '1.0.0',
    expected: { status: 'no-provenance', registrySignature: 'valid' },
    sigstore: {},
  },
  {
    id: 'attestations-404',
    description: 'dist.attestations is advertised but the attestations endpoint answers 404.',
    name: 'synth-missing',
    version: '1.0.0',
    build: gh('synth-org/synth-missing'),
    serve: '404',
    expected: invalid('attestations-missing'),
    sigstore: {},
  },
  {
    id: 'subject-digest-mismatch',
    description:
      "The provenance statement's sha512 subject digest is that of another build, not dist.integrity (the publish attestation is correct).",
    name: 'synth-digest',
    version: '1.0.0',
    build: gh('synth-org/synth-digest'),
    provenance: { otherDigest: true },
    expected: invalid('subject-digest-mismatch'),
    sigstore: BOTH_VALID,
  },
  {
    id: 'subject-name-mismatch',
    description:
      'The provenance statement is for pkg:npm/synth-impostor@1.0.0 (right digest, wrong name; the publish attestation is correct).',
    name: 'synth-name',
    version: '1.0.0',
    build: gh('synth-org/synth-name'),
    provenance: { subjectName: 'synth-impostor' },
    expected: invalid('subject-name-mismatch'),
    sigstore: BOTH_VALID,
  },
  {
    id: 'foreign-attestations',
    description:
      "The attestations endpoint serves synth-basic@1.0.0's genuine attestations for this package (every subject names synth-basic, with its digest).",
    name: 'synth-victim',
    version: '1.0.0',
    build: gh('synth-org/synth-victim'),
    serve: { fromCase: 'github-hosted-verified' },
    expected: invalid('subject-name-mismatch'),
    sigstore: BOTH_VALID,
  },
  {
    id: 'unknown-registry-key',
    description: 'No provenance; dist.signatures is signed by a key the registry does not publish.',
    name: 'synth-unknown-key',
    version: '1.0.0',
    registrySignature: { key: 'unknown' },
    expected: { status: 'invalid', code: 'unknown-registry-key', registrySignature: 'unknown-key' },
    sigstore: {},
  },
  {
    id: 'expired-registry-key',
    description: "No provenance; dist.signatures is signed by a published key whose validity ended before the version's publish time.",
    name: 'synth-expired-key',
    version: '1.0.0',
    registrySignature: { key: 'expired' },
    expected: { status: 'invalid', code: 'expired-registry-key', registrySignature: 'expired-key' },
    sigstore: {},
  },
  {
    id: 'invalid-registry-signature',
    description: 'Valid provenance, but the dist.signatures entry (active key) does not verify over name@version:integrity.',
    name: 'synth-bad-registry-sig',
    version: '1.0.0',
    build: gh('synth-org/synth-bad-registry-sig'),
    registrySignature: { key: 'current', tamper: true },
    expected: { status: 'invalid', code: 'invalid-registry-signature', registrySignature: 'invalid' },
    sigstore: BOTH_VALID,
  },
  {
    id: 'untrusted-ca',
    description: 'The provenance signing certificate comes from a look-alike CA (same names, other keys) that is not in the trusted root.',
    name: 'synth-rogue-ca',
    version: '1.0.0',
    build: gh('synth-org/synth-rogue-ca'),
    provenance: { ca: 'rogue' },
    expected: invalid('untrusted-certificate'),
    sigstore: { publish: 'valid', provenance: 'CERTIFICATE_ERROR' },
  },
  {
    id: 'gitlab-verified',
    description:
      'Built on GitLab.com CI: SLSA provenance v0.2 as npm generates it on GitLab (builder id <project>/-/runners/<id>), issuer https://gitlab.com.',
    name: 'synth-gitlab',
    version: '1.0.0',
    build: { kind: 'gitlab', project: 'synth-group/synth-gitlab' },
    publish: { bundle: 'v0.2' },
    expected: VERIFIED,
    sigstore: BOTH_VALID,
  },
  {
    id: 'self-hosted-verified',
    description:
      'Built on a self-hosted GitHub Actions runner (builder https://github.com/actions/runner/self-hosted, runner environment self-hosted).',
    name: 'synth-self-hosted',
    version: '1.0.0',
    build: gh('synth-org/synth-self-hosted', { runner: 'self-hosted' }),
    expected: VERIFIED,
    sigstore: BOTH_VALID,
  },
  {
    id: 'identity-mismatch',
    description:
      "The certificate's source repository (and SAN) is synth-evil/synth-identity; the provenance predicate claims synth-org/synth-identity.",
    name: 'synth-identity',
    version: '1.0.0',
    build: gh('synth-org/synth-identity', { certRepository: 'synth-evil/synth-identity' }),
    expected: invalid('identity-mismatch'),
    sigstore: BOTH_VALID,
  },
  {
    id: 'invalid-provenance-signature',
    description: "The provenance envelope's payload was altered after signing (commit changed); the log entry records it as served.",
    name: 'synth-bad-provenance-sig',
    version: '1.0.0',
    build: gh('synth-org/synth-bad-provenance-sig'),
    provenance: { tamper: 'signature' },
    expected: invalid('invalid-provenance-signature'),
    sigstore: { publish: 'valid', provenance: 'SIGNATURE_ERROR' },
  },
  {
    id: 'invalid-publish-signature',
    description: "The npm publish attestation's DSSE signature (active registry key) does not verify; provenance is valid.",
    name: 'synth-bad-publish-sig',
    version: '1.0.0',
    build: gh('synth-org/synth-bad-publish-sig'),
    publish: { tamper: 'signature' },
    expected: invalid('invalid-publish-signature'),
    sigstore: { publish: 'SIGNATURE_ERROR', provenance: 'valid' },
  },
  {
    id: 'publish-unknown-key',
    description: 'The npm publish attestation is signed by (and names) a key the registry does not publish; dist.signatures is fine.',
    name: 'synth-publish-unknown-key',
    version: '1.0.0',
    build: gh('synth-org/synth-publish-unknown-key'),
    publish: { key: 'unknown' },
    expected: invalid('unknown-registry-key'),
    sigstore: { publish: 'PUBLIC_KEY_ERROR', provenance: 'valid' },
  },
  {
    id: 'predicate-mismatch',
    description: 'The npm publish attestation has the right subject but its predicate says version 9.9.9.',
    name: 'synth-predicate',
    version: '1.0.0',
    build: gh('synth-org/synth-predicate'),
    publish: { predicateVersion: '9.9.9' },
    expected: invalid('predicate-mismatch'),
    sigstore: BOTH_VALID,
  },
  {
    id: 'invalid-transparency-log',
    description: "The provenance bundle's inclusion proof has a corrupted hash (signed entry timestamp and signature are fine).",
    name: 'synth-bad-tlog',
    version: '1.0.0',
    build: gh('synth-org/synth-bad-tlog'),
    provenance: { tamper: 'tlog-proof' },
    expected: invalid('invalid-transparency-log'),
    sigstore: { publish: 'valid', provenance: 'TLOG_INCLUSION_PROOF_ERROR' },
  },
  {
    id: 'unsupported-issuer',
    description:
      'Provenance signed with a Buildkite OIDC identity (issuer https://agent.buildkite.com): genuine, but neither GitHub Actions nor GitLab.',
    name: 'synth-buildkite',
    version: '1.0.0',
    build: { kind: 'buildkite', organization: 'synth-org', pipeline: 'synth-buildkite', repository: 'synth-org/synth-buildkite' },
    expected: invalid('unsupported-issuer'),
    sigstore: BOTH_VALID,
  },
  {
    id: 'malformed-attestation',
    description:
      'The provenance bundle has no verification material (no certificate, no log entry): it cannot be loaded as a Sigstore bundle.',
    name: 'synth-malformed',
    version: '1.0.0',
    build: gh('synth-org/synth-malformed'),
    provenance: { tamper: 'malformed' },
    expected: invalid('malformed-attestation'),
    sigstore: { publish: 'valid', provenance: 'malformed' },
  },
  // One package's history, for the editor's "nearest verified version" quick fix.
  {
    id: 'evolving-1.0.0',
    description: 'synth-evolving history: 1.0.0 verified from synth-org/synth-evolving (publish attestation in a v0.2 bundle).',
    name: 'synth-evolving',
    version: '1.0.0',
    build: gh('synth-org/synth-evolving', { ref: 'refs/tags/v1.0.0' }),
    publish: { bundle: 'v0.2' },
    expected: VERIFIED,
    sigstore: BOTH_VALID,
  },
  {
    id: 'evolving-1.1.0',
    description: 'synth-evolving history: 1.1.0 published without provenance.',
    name: 'synth-evolving',
    version: '1.1.0',
    expected: { status: 'no-provenance', registrySignature: 'valid' },
    sigstore: {},
  },
  {
    id: 'evolving-1.2.0',
    description: 'synth-evolving history: 1.2.0 verified, but built from a different repository (synth-fork/synth-evolving).',
    name: 'synth-evolving',
    version: '1.2.0',
    build: gh('synth-fork/synth-evolving', { ref: 'refs/tags/v1.2.0' }),
    expected: VERIFIED,
    sigstore: BOTH_VALID,
  },
  {
    id: 'evolving-2.0.0',
    description: 'synth-evolving history: 2.0.0 verified from synth-org/synth-evolving again.',
    name: 'synth-evolving',
    version: '2.0.0',
    build: gh('synth-org/synth-evolving', { ref: 'refs/tags/v2.0.0' }),
    expected: VERIFIED,
    sigstore: BOTH_VALID,
  },
  {
    id: 'evolving-2.1.0',
    description: "synth-evolving history: 2.1.0 (latest) is invalid: its provenance's subject digest is another build's.",
    name: 'synth-evolving',
    version: '2.1.0',
    build: gh('synth-org/synth-evolving', { ref: 'refs/tags/v2.1.0' }),
    provenance: { otherDigest: true },
    expected: invalid('subject-digest-mismatch'),
    sigstore: BOTH_VALID,
  },
];

// ---------------------------------------------------------------------------------------------
// Generation
// ---------------------------------------------------------------------------------------------

interface NpmKey {
  keyId: string;
  pair: EcKeyPair;
  start: Date;
  end?: Date;
}

interface Context {
  seed: string;
  rand: SeededRandom;
  ca: CertificateAuthority;
  rogueCa: CertificateAuthority;
  tlog: TransparencyLog;
  npm: Record<NpmKeyName, NpmKey>;
}

interface BuildMaterial {
  statement(subject: { name: string; digest: { sha512: string } }[]): Record<string, unknown>;
  predicateType: string;
  san: string;
  extensions: FulcioExtension[];
  /** Facts before the transparency log entry and publish time are known. */
  facts: Partial<ProvenanceFacts>;
  /** package.json repository URL. */
  repositoryUrl: string;
}

const iso = (ms: number): string => new Date(ms).toISOString();
export { purl };

function ext(oid: number, value: string, legacy = false): FulcioExtension {
  return { oid: `1.3.6.1.4.1.57264.1.${oid}`, value, legacy };
}

function materialize(build: BuildSpec, rand: SeededRandom): BuildMaterial {
  switch (build.kind) {
    case 'github': {
      const server = 'https://github.com';
      const repo = build.repository;
      const certRepo = build.certRepository ?? repo;
      const workflowPath = build.workflowPath ?? '.github/workflows/release.yml';
      const ref = build.ref ?? 'refs/heads/main';
      const event = build.event ?? 'push';
      const runner = build.runner ?? 'github-hosted';
      const commit = rand.hex(20);
      const runId = rand.digits(11);
      const repoId = rand.digits(9);
      const ownerId = rand.digits(8);
      const certRepoId = certRepo === repo ? repoId : rand.digits(9);
      const certOwnerId = certRepo === repo ? ownerId : rand.digits(8);
      const invocation = `${server}/${repo}/actions/runs/${runId}/attempts/1`;
      const san = `${server}/${certRepo}/${workflowPath}@${ref}`;
      const builder = `https://github.com/actions/runner/${runner}`;
      return {
        predicateType: SLSA_PROVENANCE_V1,
        san,
        repositoryUrl: `git+${server}/${repo}.git`,
        statement: (subject) => ({
          _type: INTOTO_STATEMENT_V1,
          subject,
          predicateType: SLSA_PROVENANCE_V1,
          predicate: {
            buildDefinition: {
              buildType: GITHUB_BUILD_TYPE,
              externalParameters: { workflow: { ref, repository: `${server}/${repo}`, path: workflowPath } },
              internalParameters: { github: { event_name: event, repository_id: repoId, repository_owner_id: ownerId } },
              resolvedDependencies: [{ uri: `git+${server}/${repo}@${ref}`, digest: { gitCommit: commit } }],
            },
            runDetails: { builder: { id: builder }, metadata: { invocationId: invocation } },
          },
        }),
        extensions: [
          ext(1, GITHUB_ACTIONS_ISSUER, true),
          ext(2, event, true),
          ext(3, commit, true),
          ext(4, 'Release', true),
          ext(5, certRepo, true),
          ext(6, ref, true),
          ext(8, GITHUB_ACTIONS_ISSUER),
          ext(9, san),
          ext(10, commit),
          ext(11, runner),
          ext(12, `${server}/${certRepo}`),
          ext(13, commit),
          ext(14, ref),
          ext(15, certRepoId),
          ext(16, `${server}/${certRepo.split('/')[0]}`),
          ext(17, certOwnerId),
          ext(18, san),
          ext(19, commit),
          ext(20, event),
          ext(21, `${server}/${certRepo}/actions/runs/${runId}/attempts/1`),
          ext(22, 'public'),
        ],
        facts: {
          sourceRepository: `${server}/${repo}`,
          sourceCommit: commit,
          ref,
          workflowPath,
          runInvocation: invocation,
          builder,
          builderKind: runner === 'self-hosted' ? 'self-hosted' : 'github-hosted',
          triggerEvent: event,
          issuer: GITHUB_ACTIONS_ISSUER,
          signerIdentity: san,
          predicateType: SLSA_PROVENANCE_V1,
        },
      };
    }
    case 'gitlab': {
      // As npm's CLI generates it on GitLab CI (in-toto v0.1, SLSA v0.2), with the certificate
      // Fulcio issues for a GitLab.com ID token.
      const server = 'https://gitlab.com';
      const project = build.project;
      const group = project.slice(0, project.lastIndexOf('/'));
      const projectUrl = `${server}/${project}`;
      const ref = 'refs/heads/main';
      const configPath = '.gitlab-ci.yml';
      const commit = rand.hex(20);
      const jobId = rand.digits(10);
      const pipelineId = rand.digits(10);
      const runnerId = rand.digits(8);
      const projectId = rand.digits(8);
      const namespaceId = rand.digits(8);
      const userId = rand.digits(7);
      const jobUrl = `${projectUrl}/-/jobs/${jobId}`;
      const san = `${projectUrl}//${configPath}@${ref}`;
      const builder = `${projectUrl}/-/runners/${runnerId}`;
      return {
        predicateType: SLSA_PROVENANCE_V02,
        san,
        repositoryUrl: `git+${projectUrl}.git`,
        statement: (subject) => ({
          _type: INTOTO_STATEMENT_V01,
          subject,
          predicateType: SLSA_PROVENANCE_V02,
          predicate: {
            buildType: GITLAB_BUILD_TYPE,
            builder: { id: builder },
            invocation: {
              configSource: { uri: `git+${projectUrl}`, digest: { sha1: commit }, entryPoint: 'publish' },
              parameters: {
                CI: 'true',
                CI_API_V4_URL: `${server}/api/v4`,
                CI_DEPENDENCY_PROXY_DIRECT_GROUP_IMAGE_PREFIX: `gitlab.com:443/${group}/dependency_proxy/containers`,
                GITLAB_CI: 'true',
                GITLAB_FEATURES: '',
                GITLAB_USER_ID: userId,
                GITLAB_USER_LOGIN: 'synth-bot',
                RUNNER_GENERATE_ARTIFACTS_METADATA: 'false',
              },
              environment: {
                name: '3-blue.saas-linux-small-amd64.runners-manager.gitlab.com/default',
                architecture: 'amd64',
                server,
                project,
                job: { id: jobId },
                pipeline: { id: pipelineId, ref: configPath },
              },
            },
            metadata: {
              buildInvocationId: jobUrl,
              completeness: { parameters: true, environment: true, materials: false },
              reproducible: false,
            },
            materials: [{ uri: `git+${projectUrl}`, digest: { sha1: commit } }],
          },
        }),
        extensions: [
          ext(1, GITLAB_ISSUER, true),
          ext(8, GITLAB_ISSUER),
          ext(9, san),
          ext(10, commit),
          ext(11, 'gitlab-hosted'),
          ext(12, projectUrl),
          ext(13, commit),
          ext(14, ref),
          ext(15, projectId),
          ext(16, `${server}/${group}`),
          ext(17, namespaceId),
          ext(18, san),
          ext(19, commit),
          ext(20, 'push'),
          ext(21, jobUrl),
          ext(22, 'public'),
        ],
        facts: {
          sourceRepository: projectUrl,
          sourceCommit: commit,
          // From the certificate (source repository ref, build trigger): the v0.2 predicate has neither.
          ref,
          triggerEvent: 'push',
          // "As the provenance states it": configSource.entryPoint, the job name.
          workflowPath: 'publish',
          runInvocation: jobUrl,
          builder,
          builderKind: 'gitlab-hosted',
          issuer: GITLAB_ISSUER,
          signerIdentity: san,
          predicateType: SLSA_PROVENANCE_V02,
        },
      };
    }
    case 'buildkite': {
      const repoUrl = `https://github.com/${build.repository}`;
      const pipelineUrl = `https://buildkite.com/${build.organization}/${build.pipeline}`;
      const commit = rand.hex(20);
      const invocation = `${pipelineUrl}/builds/${rand.int(100, 9999)}`;
      const builder = `https://buildkite.com/${build.organization}`;
      return {
        predicateType: SLSA_PROVENANCE_V1,
        san: pipelineUrl,
        repositoryUrl: `git+${repoUrl}.git`,
        statement: (subject) => ({
          _type: INTOTO_STATEMENT_V1,
          subject,
          predicateType: SLSA_PROVENANCE_V1,
          predicate: {
            buildDefinition: {
              buildType: 'https://buildkite.com/synthetic/buildtypes/pipeline/v1',
              externalParameters: { pipeline: pipelineUrl, repository: repoUrl },
              resolvedDependencies: [{ uri: `git+${repoUrl}@refs/heads/main`, digest: { gitCommit: commit } }],
            },
            runDetails: { builder: { id: builder }, metadata: { invocationId: invocation } },
          },
        }),
        extensions: [
          ext(1, BUILDKITE_ISSUER, true),
          ext(8, BUILDKITE_ISSUER),
          ext(9, pipelineUrl),
          ext(11, 'self-hosted'),
          ext(12, repoUrl),
          ext(13, commit),
          ext(20, 'webhook'),
          ext(21, invocation),
        ],
        facts: {
          sourceRepository: repoUrl,
          sourceCommit: commit,
          builder,
          issuer: BUILDKITE_ISSUER,
          signerIdentity: pipelineUrl,
          predicateType: SLSA_PROVENANCE_V1,
        },
      };
    }
  }
}

interface BuiltPackage {
  tarball: Buffer;
  integrity: string;
  files: TarFile[];
}

function buildPackage(name: string, version: string, description: string, repositoryUrl: string | undefined, nonce: string): BuiltPackage {
  const manifest: Record<string, unknown> = { name, version, description, main: 'index.js', license: 'MIT' };
  if (repositoryUrl) manifest.repository = { type: 'git', url: repositoryUrl };
  const files: TarFile[] = [
    { path: 'package/package.json', content: JSON.stringify(manifest, null, 2) + '\n' },
    {
      path: 'package/index.js',
      content: `'use strict';\n// Synthetic package for Provenance Lens tests.\nmodule.exports = ${JSON.stringify({ name, version, build: nonce })};\n`,
    },
    { path: 'package/README.md', content: `# ${name}\n\n${description}\n` },
  ];
  const tarball = createTarball(files);
  return { tarball, integrity: sriSha512(tarball), files };
}

function registrySign(key: NpmKey, name: string, version: string, integrity: string): string {
  return sign('sha256', Buffer.from(`${name}@${version}:${integrity}`, 'utf8'), key.pair.privateKey).toString('base64');
}

async function signProvenance(
  ctx: Context,
  caseId: string,
  material: BuildMaterial,
  subject: { name: string; digest: { sha512: string } },
  signedAt: number,
  opts: NonNullable<CaseSpec['provenance']>,
): Promise<{ bundle: SigstoreBundleJSON; entry: TlogEntryJSON }> {
  const leafKey = deriveKeyPair(ctx.seed, `leaf/${caseId}`, 'P-256');
  const ca = opts.ca === 'rogue' ? ctx.rogueCa : ctx.ca;
  const serialNumber = '4' + ctx.rand.hex(19).slice(1);
  const cert = await ca.issueLeaf({
    publicKey: leafKey.spki,
    san: material.san,
    extensions: material.extensions,
    notBefore: new Date(signedAt),
    serialNumber,
  });
  const statement = material.statement([subject]);
  const signedPayload = Buffer.from(JSON.stringify(statement), 'utf8');
  const signature = dsseSign(leafKey.privateKey, signedPayload);
  let servedPayload = signedPayload;
  if (opts.tamper === 'signature') {
    // The payload was changed after signing: another commit.
    const altered = JSON.parse(JSON.stringify(statement)) as {
      predicate: { buildDefinition: { resolvedDependencies: { digest: { gitCommit: string } }[] } };
    };
    altered.predicate.buildDefinition.resolvedDependencies[0]!.digest.gitCommit = ctx.rand.hex(20);
    servedPayload = Buffer.from(JSON.stringify(altered), 'utf8');
  }
  const envelope = dsseEnvelope(servedPayload, signature);
  const body = dsseLogBody(envelope, servedPayload, signature, cert);
  const entry = ctx.tlog.append('dsse', '0.0.1', body, Math.floor(signedAt / SECOND) + 3);
  if (opts.tamper === 'tlog-proof') {
    const h = Buffer.from(entry.inclusionProof.hashes[0]!, 'base64');
    h[h.length - 1]! ^= 0x01;
    entry.inclusionProof.hashes[0] = h.toString('base64');
  }
  const bundle: SigstoreBundleJSON = {
    mediaType: BUNDLE_V03_MEDIA_TYPE,
    verificationMaterial: {
      certificate: { rawBytes: cert.toString('base64') },
      tlogEntries: [entry],
      timestampVerificationData: { rfc3161Timestamps: [] },
    },
    dsseEnvelope: envelope,
  };
  if (opts.tamper === 'malformed') {
    delete bundle.verificationMaterial.certificate;
    bundle.verificationMaterial.tlogEntries = [];
  }
  return { bundle, entry };
}

function signPublishAttestation(
  ctx: Context,
  name: string,
  version: string,
  sha512Hex: string,
  integratedTime: number,
  opts: NonNullable<CaseSpec['publish']>,
): SigstoreBundleJSON {
  const key = ctx.npm[opts.key ?? 'current'];
  const statement = {
    _type: INTOTO_STATEMENT_V01,
    subject: [{ name: purl(name, version), digest: { sha512: sha512Hex } }],
    predicateType: PUBLISH_PREDICATE_TYPE,
    predicate: { name, version: opts.predicateVersion ?? version, registry: PUBLISH_PREDICATE_REGISTRY },
  };
  const payload = Buffer.from(JSON.stringify(statement), 'utf8');
  // A bad signature: made by the right key, but over a different statement.
  const signed =
    opts.tamper === 'signature'
      ? Buffer.from(JSON.stringify({ ...statement, predicate: { ...statement.predicate, version: '0.0.0-tampered' } }))
      : payload;
  const sig = dsseSign(key.pair.privateKey, signed);
  const envelope = dsseEnvelope(payload, sig, key.keyId);
  const body = intotoLogBody(envelope, payload, key.keyId, key.pair.spki, sig);
  const entry = ctx.tlog.append('intoto', '0.0.2', body, integratedTime);
  return {
    mediaType: opts.bundle === 'v0.2' ? BUNDLE_V02_MEDIA_TYPE : BUNDLE_V03_MEDIA_TYPE,
    verificationMaterial: {
      publicKey: { hint: key.keyId },
      tlogEntries: [entry],
      timestampVerificationData: { rfc3161Timestamps: [] },
    },
    dsseEnvelope: envelope,
  };
}

function escapedName(name: string): string {
  return name.replace('/', '%2f');
}

function tarballUrl(name: string, version: string): string {
  const base = name.startsWith('@') ? name.slice(name.indexOf('/') + 1) : name;
  return `${SYNTHETIC_REGISTRY}/${name}/-/${base}-${version}.tgz`;
}

function attestationsUrl(name: string, version: string): string {
  return `${SYNTHETIC_REGISTRY}/-/npm/v1/attestations/${escapedName(name)}@${version}`;
}

async function buildCase(
  ctx: Context,
  spec: CaseSpec,
  publishedCases: Map<string, SyntheticCase>,
  signedAt: number,
): Promise<SyntheticCase> {
  const { name, version } = spec;
  const material = spec.build ? materialize(spec.build, ctx.rand) : undefined;
  const description = `Synthetic package for Provenance Lens: ${spec.id}.`;
  const pkg = buildPackage(name, version, description, material?.repositoryUrl, ctx.rand.hex(8));
  const sha512Hex = Buffer.from(pkg.integrity.slice('sha512-'.length), 'base64').toString('hex');
  const publishMs = signedAt + 7 * SECOND + ctx.rand.int(0, 999);
  const time = iso(publishMs);

  // Registry signature over name@version:integrity.
  const sigSpec = spec.registrySignature ?? { key: 'current' as const };
  const sigKey = ctx.npm[sigSpec.key];
  const signedIntegrity = sigSpec.tamper ? buildPackage(name, version, description, undefined, ctx.rand.hex(8)).integrity : pkg.integrity;
  const signatures = [{ keyid: sigKey.keyId, sig: registrySign(sigKey, name, version, signedIntegrity) }];

  let attestations: AttestationsBody | null = null;
  let facts: Partial<ProvenanceFacts> | undefined;
  if (material) {
    const provOpts = spec.provenance ?? {};
    const digest = provOpts.otherDigest
      ? createHash('sha512')
          .update(buildPackage(name, version, description, material.repositoryUrl, ctx.rand.hex(8)).tarball)
          .digest('hex')
      : sha512Hex;
    const subject = { name: purl(provOpts.subjectName ?? name, version), digest: { sha512: digest } };
    const { bundle: provenance, entry } = await signProvenance(ctx, spec.id, material, subject, signedAt, provOpts);
    const publish = signPublishAttestation(ctx, name, version, sha512Hex, Math.floor(signedAt / SECOND) + 6, spec.publish ?? {});
    attestations = {
      attestations: [
        { predicateType: PUBLISH_PREDICATE_TYPE, bundle: publish },
        { predicateType: material.predicateType, bundle: provenance },
      ],
    };
    facts = {
      ...material.facts,
      transparencyLog: { logIndex: entry.logIndex, integratedTime: iso(Number(entry.integratedTime) * SECOND) },
      publishTime: time,
    };
  }
  const serve = spec.serve ?? 'own';
  if (serve === '404') {
    attestations = null;
  } else if (typeof serve === 'object') {
    const other = publishedCases.get(serve.fromCase);
    if (!other?.attestations) throw new Error(`synthetic: ${spec.id} serves attestations of unknown case ${serve.fromCase}`);
    attestations = JSON.parse(JSON.stringify(other.attestations)) as AttestationsBody;
  }

  const advertise = spec.advertise ?? Boolean(material);
  const versionDoc: SyntheticVersionDoc = {
    name,
    version,
    description,
    main: 'index.js',
    license: 'MIT',
    ...(material ? { repository: { type: 'git' as const, url: material.repositoryUrl } } : {}),
    dist: {
      integrity: pkg.integrity,
      shasum: sha1Hex(pkg.tarball),
      tarball: tarballUrl(name, version),
      fileCount: pkg.files.length,
      unpackedSize: unpackedSize(pkg.files),
      signatures,
      ...(advertise && material
        ? { attestations: { url: attestationsUrl(name, version), provenance: { predicateType: material.predicateType } } }
        : {}),
    },
  };

  const expected: SyntheticExpected = { ...spec.expected };
  if (spec.expected.status === 'verified') expected.facts = facts;
  return {
    id: spec.id,
    description: spec.description,
    name,
    version,
    integrity: pkg.integrity,
    tarball: pkg.tarball,
    versionDoc,
    time,
    attestations,
    expected,
    sigstore: spec.sigstore,
  };
}

function makeNpmKey(seed: string, label: string, start: Date, end?: Date): NpmKey {
  const pair = deriveKeyPair(seed, `npm/${label}`, 'P-256');
  return { keyId: npmKeyId(pair.spki), pair, start, ...(end ? { end } : {}) };
}

function buildPackuments(cases: SyntheticCase[]): Record<string, SyntheticPackument> {
  const out: Record<string, SyntheticPackument> = {};
  for (const c of cases) {
    const p = (out[c.name] ??= { name: c.name, 'dist-tags': { latest: c.version }, versions: {}, time: {} });
    p.versions[c.version] = c.versionDoc;
    p.time[c.version] = c.time;
    if (semver.gt(c.version, p['dist-tags'].latest)) p['dist-tags'].latest = c.version;
  }
  for (const p of Object.values(out)) {
    const times = Object.values(p.time).sort();
    p.time = { created: times[0]!, modified: times[times.length - 1]!, ...p.time };
  }
  return out;
}

/** Generate the whole synthetic data set (well under a second). */
export async function generateSyntheticData(options: GenerateOptions = {}): Promise<SyntheticData> {
  const seed = options.seed ?? randomBytes(8).toString('hex');
  const now = options.now !== undefined ? new Date(options.now) : new Date();
  if (Number.isNaN(now.getTime())) throw new Error('synthetic: invalid "now"');
  const rand = new SeededRandom(seed);
  // Signing times start 30 days back, on a whole second.
  const base = Math.floor((now.getTime() - 30 * DAY) / SECOND) * SECOND;
  const trustStart = new Date(base - 400 * DAY);
  const trustEnd = new Date(base + 10 * 365 * DAY);

  const ct = createCTLog(seed);
  const ca = await createCertificateAuthority({
    seed,
    label: 'fulcio',
    organization: CA_ORGANIZATION,
    notBefore: trustStart,
    notAfter: trustEnd,
    ctLog: ct,
  });
  // A look-alike CA: same names, different keys, not in the trusted root.
  const rogueCa = await createCertificateAuthority({
    seed,
    label: 'rogue-fulcio',
    organization: CA_ORGANIZATION,
    notBefore: trustStart,
    notAfter: trustEnd,
    ctLog: ct,
  });
  const tlogKey = deriveKeyPair(seed, 'rekor', 'P-256');
  const tlog = new TransparencyLog(
    TLOG_HOST,
    tlogKey.privateKey,
    tlogKey.spki,
    rand,
    rand.digits(18),
    rand.int(100_000_000, 400_000_000),
    rand.int(1000, 3000),
  );
  const tsaKey = deriveKeyPair(seed, 'tsa', 'P-256');
  const tsa = await initializeTSA({ privateKey: tsaKey.privateKey, publicKey: tsaKey.publicKey });
  const tsaStart = new Date(new X509Certificate(tsa.rootCertificate).validFrom);

  const npm: Record<NpmKeyName, NpmKey> = {
    current: makeNpmKey(seed, 'current', new Date(base - 365 * DAY)),
    expired: makeNpmKey(seed, 'expired', new Date(base - 3 * 365 * DAY), new Date(base - 60 * DAY)),
    unknown: makeNpmKey(seed, 'unknown', new Date(base - 365 * DAY)),
  };
  const ctx: Context = { seed, rand, ca, rogueCa, tlog, npm };

  const packages: SyntheticCase[] = [];
  const byId = new Map<string, SyntheticCase>();
  const spacing = options.spacingMs ?? 6 * HOUR;
  const jitter = Math.max(0, Math.min(3599, Math.floor(spacing / SECOND / 2)));
  for (const [i, spec] of (options.scenarios ?? SCENARIOS).entries()) {
    const signedAt = base + i * spacing + rand.int(0, jitter) * SECOND;
    const c = await buildCase(ctx, spec, byId, signedAt);
    packages.push(c);
    byId.set(c.id, c);
  }

  const tlogInstance = (url: string, spki: Buffer, start: Date) => ({
    baseUrl: url,
    hashAlgorithm: 'SHA2_256' as const,
    publicKey: {
      rawBytes: spki.toString('base64'),
      keyDetails: 'PKIX_ECDSA_P256_SHA_256' as const,
      validFor: { start: isoSeconds(start.getTime()) },
    },
    logId: { keyId: createHash('sha256').update(spki).digest('base64') },
  });
  const trustedRoot: TrustedRootJSON = {
    mediaType: 'application/vnd.dev.sigstore.trustedroot+json;version=0.1',
    tlogs: [tlogInstance(tlog.baseUrl, tlog.spki, trustStart)],
    certificateAuthorities: [
      {
        subject: { organization: CA_ORGANIZATION, commonName: 'sigstore' },
        uri: FULCIO_URL,
        certChain: { certificates: [{ rawBytes: ca.intermediateDer.toString('base64') }, { rawBytes: ca.rootDer.toString('base64') }] },
        validFor: { start: isoSeconds(trustStart.getTime()) },
      },
    ],
    ctlogs: [tlogInstance(CTLOG_URL, ct.spki, trustStart)],
    timestampAuthorities: [
      {
        subject: { organization: 'sigstore.mock', commonName: 'tsa' },
        uri: TSA_URL,
        certChain: {
          certificates: [{ rawBytes: tsa.intCertificate.toString('base64') }, { rawBytes: tsa.rootCertificate.toString('base64') }],
        },
        validFor: { start: isoSeconds(tsaStart.getTime()) },
      },
    ],
  };

  const published = [npm.current, npm.expired];
  const npmKeys: TufNpmKeys = {
    keys: published.flatMap((k) =>
      (['npm:signatures', 'npm:attestations'] as const).map((keyUsage) => ({
        keyId: k.keyId,
        keyUsage,
        publicKey: {
          rawBytes: k.pair.spki.toString('base64'),
          keyDetails: 'PKIX_ECDSA_P256_SHA_256' as const,
          validFor: { start: k.start.toISOString(), ...(k.end ? { end: k.end.toISOString() } : {}) },
        },
      })),
    ),
  };
  const registryKeys: RegistryNpmKeys = {
    keys: published.map((k) => ({
      expires: k.end ? k.end.toISOString() : null,
      keyid: k.keyId,
      keytype: 'ecdsa-sha2-nistp256',
      scheme: 'ecdsa-sha2-nistp256',
      key: k.pair.spki.toString('base64'),
    })),
  };

  return {
    seed,
    generatedAt: now.toISOString(),
    registry: SYNTHETIC_REGISTRY,
    trustedRoot,
    npmKeys,
    registryKeys,
    packages,
    packuments: buildPackuments(packages),
    keyIds: { current: npm.current.keyId, expired: npm.expired.keyId, unknown: npm.unknown.keyId },
  };
}

/**
 * Write the data set (generated with `options` when not given) under `dir`, for the CLI's
 * `--trusted-root` / `--npm-keys` and a fixture registry. See ./fixtures.ts for the layout.
 */
export async function writeSyntheticFixtures(dir: string, data?: SyntheticData | GenerateOptions): Promise<SyntheticFixtureFiles> {
  const resolved = data && 'packages' in data ? data : await generateSyntheticData(data ?? {});
  return writeFixtures(dir, resolved);
}

export { loadSyntheticFixtures, type SyntheticFixtureFiles, type SyntheticCasesIndex, type SyntheticCaseIndexEntry } from './fixtures';
