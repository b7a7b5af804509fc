/**
 * Interpreting a cryptographically verified SLSA provenance statement: who signed it (the Fulcio
 * certificate's issuer and extensions), what it claims (the predicate), and whether the two agree.
 * Facts are produced only when every claim we report is backed by the certificate or by the signed
 * predicate and no certificate extension contradicts the predicate.
 */
import type { InvalidCode, ProvenanceFacts, TransparencyLogEntry } from '../types';
import { isReportable, type FulcioClaims } from './certificate';
import {
  GITHUB_SERVER,
  githubRepoPath,
  isCommitId,
  isGitRef,
  isGitRefName,
  isGithubRun,
  isGitlabJob,
  isGitlabProjectUrl,
  isPlainJobName,
  isPlainRelativePath,
} from './grammar';
import { commitLink, fileLink, parseRepo, runLink } from './links';
import { asRecord } from '../util/guards';

export const SLSA_PROVENANCE_V02 = 'https://slsa.dev/provenance/v0.2';
export const SLSA_PROVENANCE_V1 = 'https://slsa.dev/provenance/v1';

export const GITHUB_ACTIONS_ISSUER = 'https://token.actions.githubusercontent.com';
export const GITLAB_COM_ISSUER = 'https://gitlab.com';

/** SLSA v1 build types whose `externalParameters.workflow` is {repository, path, ref} (npm CLI and GitHub's own). */
const GITHUB_V1_BUILD_TYPES = new Set([
  'https://slsa-framework.github.io/github-actions-buildtypes/workflow/v1',
  'https://actions.github.io/buildtypes/workflow/v1',
]);
const ACTIONS_RUNNER = 'https://github.com/actions/runner';
/** Builder ids a GitHub Actions job writes about itself, whatever workflow it runs (npm CLI, GitHub's attestations). */
const GENERIC_GITHUB_BUILDERS = new Set([ACTIONS_RUNNER, `${ACTIONS_RUNNER}/github-hosted`, `${ACTIONS_RUNNER}/self-hosted`]);
/** npm CLI's first provenance layout named the CLI itself as the builder. */
const NPM_CLI_BUILDER = /^https:\/\/github\.com\/npm\/cli@\d{1,4}\.\d{1,4}\.\d{1,6}(?:-[0-9A-Za-z.-]{1,64})?$/;

export interface ProvenanceInput {
  predicateType: string;
  predicate: unknown;
  cert: FulcioClaims;
  /** Self-managed GitLab issuers the caller explicitly trusts (exact https origins). */
  gitlabIssuers: readonly string[];
  transparencyLog: TransparencyLogEntry;
  publishTime?: Date;
}

export type Failure = { ok: false; code: InvalidCode; message: string };
export type ProvenanceOutcome = { ok: true; facts: ProvenanceFacts } | Failure;

type Platform = 'github' | 'gitlab' | 'gitlab-self-managed';

/** What the predicate claims, normalised across layouts. */
interface Claims {
  repository: string;
  commit: string;
  ref?: string;
  /** As the provenance states it. */
  workflowPath: string;
  /** The workflow file relative to the repository root, when the layout gives one. */
  workflowRelPath?: string;
  runInvocation?: string;
  builder: string;
  triggerEvent?: string;
}

const fail = (code: InvalidCode, message: string): Failure => ({ ok: false, code, message });
const q = (s: string): string => JSON.stringify(s.length > 200 ? `${s.slice(0, 200)}…` : s);

function str(v: unknown): string | undefined {
  return typeof v === 'string' && isReportable(v) ? v : undefined;
}

class Malformed extends Error {}
class Mismatch extends Error {}

function need(v: unknown, what: string): string {
  const s = str(v);
  if (s === undefined) throw new Malformed(`the provenance has no usable ${what}`);
  return s;
}

function platformOf(issuer: string | undefined, gitlabIssuers: readonly string[]): Platform | undefined {
  if (issuer === GITHUB_ACTIONS_ISSUER) return 'github';
  if (issuer === GITLAB_COM_ISSUER) return 'gitlab';
  if (issuer && issuer.startsWith('https://') && gitlabIssuers.some((i) => i.replace(/\/+$/, '') === issuer)) return 'gitlab-self-managed';
  return undefined;
}

/** `git+https://host/path[@ref]` → repository URL and the ref, if any. */
function splitGitUri(uri: string): { repository: string; ref?: string } {
  if (!uri.startsWith('git+https://')) throw new Malformed(`the provenance names its source as ${q(uri)}, which is not a git+https URI`);
  const s = uri.slice('git+'.length);
  const at = s.indexOf('@');
  return at < 0 ? { repository: s } : { repository: s.slice(0, at), ref: s.slice(at + 1) };
}

function githubV1Claims(predicate: Record<string, unknown>): Claims {
  const bd = asRecord(predicate.buildDefinition);
  if (!bd) throw new Malformed('the provenance has no buildDefinition');
  const buildType = need(bd.buildType, 'build type');
  if (!GITHUB_V1_BUILD_TYPES.has(buildType)) throw new Malformed(`the provenance build type ${q(buildType)} is not supported`);
  const wf = asRecord(asRecord(bd.externalParameters)?.workflow);
  if (!wf) throw new Malformed('the provenance has no workflow parameters');
  const repository = need(wf.repository, 'workflow repository');
  const path = need(wf.path, 'workflow path');
  const ref = need(wf.ref, 'workflow ref');
  const deps = Array.isArray(bd.resolvedDependencies) ? bd.resolvedDependencies.map(asRecord) : [];
  const dep = deps.find((d) => d?.uri === `git+${repository}@${ref}`) ?? deps[0];
  const commit = need(asRecord(dep?.digest)?.gitCommit, 'source commit');
  const rd = asRecord(predicate.runDetails);
  const builder = need(asRecord(rd?.builder)?.id, 'builder id');
  const claims: Claims = { repository, commit, ref, workflowPath: path, workflowRelPath: path, builder };
  const run = str(asRecord(rd?.metadata)?.invocationId);
  if (run) claims.runInvocation = run;
  const trigger = str(asRecord(asRecord(bd.internalParameters)?.github)?.event_name);
  if (trigger) claims.triggerEvent = trigger;
  return claims;
}

function githubV02Claims(predicate: Record<string, unknown>): Claims {
  const inv = asRecord(predicate.invocation);
  const cs = asRecord(inv?.configSource);
  if (!cs) throw new Malformed('the provenance has no invocation.configSource');
  const { repository, ref: uriRef } = splitGitUri(need(cs.uri, 'source URI'));
  const commit = need(asRecord(cs.digest)?.sha1, 'source commit');
  const entryPoint = need(cs.entryPoint, 'entry point');
  const builder = need(asRecord(predicate.builder)?.id, 'builder id');
  const env = asRecord(inv?.environment) ?? {};
  const envRef = str(env.GITHUB_REF);
  if (uriRef !== undefined && envRef !== undefined && uriRef !== envRef) {
    throw new Mismatch(`the provenance names two refs (${q(uriRef)} and ${q(envRef)})`);
  }
  const ref = uriRef ?? envRef;
  const repoPath = repository.startsWith('https://github.com/') ? repository.slice('https://github.com/'.length) : undefined;
  const envRepo = str(env.GITHUB_REPOSITORY);
  if (envRepo !== undefined && envRepo !== repoPath) {
    throw new Mismatch(`the provenance names two repositories (${q(repository)} and ${q(envRepo)})`);
  }
  // npm CLI's first layout states the entry point as "<owner>/<repo>/<path>@<ref>"; later ones as a relative path.
  let workflowRelPath = entryPoint;
  const at = entryPoint.lastIndexOf('@');
  if (repoPath && entryPoint.startsWith(`${repoPath}/`) && at > 0) {
    workflowRelPath = entryPoint.slice(repoPath.length + 1, at);
    const epRef = entryPoint.slice(at + 1);
    if (ref !== undefined && epRef !== ref)
      throw new Mismatch(`the provenance entry point ${q(entryPoint)} names a different ref than ${q(ref)}`);
  }
  const envSha = str(env.GITHUB_SHA);
  if (envSha !== undefined && envSha !== commit) throw new Mismatch(`the provenance names two commits (${q(commit)} and ${q(envSha)})`);
  const envWorkflow = str(env.GITHUB_WORKFLOW_REF);
  if (envWorkflow !== undefined && repoPath !== undefined && ref !== undefined && envWorkflow !== `${repoPath}/${workflowRelPath}@${ref}`) {
    throw new Mismatch(`the provenance names two workflows (${q(entryPoint)} and ${q(envWorkflow)})`);
  }
  const claims: Claims = { repository, commit, workflowPath: entryPoint, workflowRelPath, builder };
  if (ref) claims.ref = ref;
  const runId = str(env.GITHUB_RUN_ID);
  const attempt = str(env.GITHUB_RUN_ATTEMPT);
  if (runId && attempt && /^\d{1,20}$/.test(runId) && /^\d{1,6}$/.test(attempt)) {
    claims.runInvocation = `${repository}/actions/runs/${runId}/attempts/${attempt}`;
  }
  const trigger = str(env.GITHUB_EVENT_NAME);
  if (trigger) claims.triggerEvent = trigger;
  return claims;
}

function gitlabV02Claims(predicate: Record<string, unknown>): Claims & { refName?: string; pipelineSource?: string } {
  const inv = asRecord(predicate.invocation);
  const cs = asRecord(inv?.configSource);
  if (!cs) throw new Malformed('the provenance has no invocation.configSource');
  const { repository, ref } = splitGitUri(need(cs.uri, 'source URI'));
  const commit = need(asRecord(cs.digest)?.sha1, 'source commit');
  const entryPoint = need(cs.entryPoint, 'entry point');
  const builder = need(asRecord(predicate.builder)?.id, 'builder id');
  const params = asRecord(inv?.parameters) ?? {};
  const claims: Claims & { refName?: string; pipelineSource?: string } = { repository, commit, workflowPath: entryPoint, builder };
  if (ref) claims.ref = ref;
  const refName = str(params.CI_COMMIT_REF_NAME);
  if (refName) claims.refName = refName;
  const source = str(params.CI_PIPELINE_SOURCE);
  if (source) claims.pipelineSource = source;
  const run = str(asRecord(predicate.metadata)?.buildInvocationId);
  if (run) claims.runInvocation = run;
  return claims;
}

function builderKindFromRunner(env: string | undefined, platform: Platform): ProvenanceFacts['builderKind'] {
  if (platform === 'github') return env === 'github-hosted' ? 'github-hosted' : env === 'self-hosted' ? 'self-hosted' : 'unknown';
  if (platform === 'gitlab') return env === 'gitlab-hosted' ? 'gitlab-hosted' : env === 'self-hosted' ? 'self-hosted' : 'unknown';
  return 'gitlab-self-managed';
}

/** Check the predicate against the certificate and produce the facts. */
export function interpretProvenance(input: ProvenanceInput): ProvenanceOutcome {
  const { cert } = input;
  const issuer = cert.issuer;
  if (cert.issuerV1 !== undefined && issuer !== undefined && cert.issuerV1 !== issuer) {
    return fail('identity-mismatch', `The provenance signing certificate names two issuers (${q(issuer)} and ${q(cert.issuerV1)}).`);
  }
  const platform = platformOf(issuer, input.gitlabIssuers);
  if (!issuer || !platform) {
    return fail(
      'unsupported-issuer',
      `The provenance was signed with an identity from ${issuer ? q(issuer) : 'an unnamed issuer'}, which is neither GitHub Actions nor GitLab; its build claims cannot be checked.`,
    );
  }
  const predicate = asRecord(input.predicate);
  if (!predicate) return fail('malformed-attestation', 'The provenance statement has no predicate.');
  try {
    const facts = platform === 'github' ? githubFacts(input, predicate, issuer) : gitlabFacts(input, predicate, issuer, platform);
    return { ok: true, facts };
  } catch (err) {
    if (err instanceof Mismatch) return fail('identity-mismatch', `The provenance does not match its signing certificate: ${err.message}.`);
    if (err instanceof Malformed) return fail('malformed-attestation', `The provenance cannot be read: ${err.message}.`);
    throw err;
  }
}

function mismatch(what: string, predicateValue: string, certValue: string): Mismatch {
  return new Mismatch(`the provenance states ${what} ${q(predicateValue)}, but the certificate says ${q(certValue)}`);
}

/** A GitHub workflow identity `https://github.com/<owner>/<repo>/<path>@<ref>`, parsed strictly. */
function parseGithubWorkflowUri(uri: string): { repository: string; path: string; ref: string } | undefined {
  const at = uri.indexOf('@');
  if (at < 0) return undefined;
  const ref = uri.slice(at + 1);
  const m = /^(https:\/\/github\.com\/[^/]+\/[^/]+)\/(.+)$/.exec(uri.slice(0, at));
  if (!m || githubRepoPath(m[1]) === undefined || !isPlainRelativePath(m[2]) || !isGitRef(ref)) return undefined;
  return { repository: m[1], path: m[2], ref };
}

/** Legacy (.2-.6) and current (.8-.21) extensions must not tell two stories. */
function agree(what: string, current: string | undefined, legacy: string | undefined): string | undefined {
  if (current !== undefined && legacy !== undefined && current !== legacy) {
    throw new Mismatch(`the certificate states two different ${what} (${q(current)} and ${q(legacy)})`);
  }
  return current ?? legacy;
}

/** The signing identity: the SAN, which the build signer URI (.9), when present, must repeat. */
function signerOf(cert: FulcioClaims): string | undefined {
  if (cert.buildSignerUri !== undefined && cert.san !== undefined && cert.buildSignerUri !== cert.san) {
    throw new Mismatch(`the certificate identity ${q(cert.san)} and its build signer ${q(cert.buildSignerUri)} differ`);
  }
  return cert.san ?? cert.buildSignerUri;
}

/**
 * The builder id the provenance states is the signer's own claim, so it is only accepted when it is
 * consistent with who the certificate says signed:
 * - the GitHub Actions runner ids (`https://github.com/actions/runner[/github-hosted|/self-hosted]`)
 *   and npm CLI's `https://github.com/npm/cli@<version>` describe the job itself, whatever workflow
 *   runs (the repository's own, or a reusable one); a hosted/self-hosted suffix must match the
 *   certificate's runner environment;
 * - any other id must name a workflow of the signing workflow's repository at the signing workflow's
 *   ref (a reusable builder such as slsa-github-generator names its own builder workflow).
 * So a repository's own workflow that claims slsa-github-generator's builder id is identity-mismatch.
 * `facts.builder` is this claim once it passed; who signed (`signerIdentity`) and where it ran
 * (`builderKind`, from the runner environment extension) come from the certificate, and are what the
 * editor shows as the builder.
 */
function checkGithubBuilderClaim(
  builder: string,
  signer: { repository: string; ref: string; uri: string },
  runnerEnvironment: string | undefined,
): void {
  if (GENERIC_GITHUB_BUILDERS.has(builder)) {
    const suffix = builder.slice(ACTIONS_RUNNER.length + 1);
    if (suffix !== '' && runnerEnvironment !== undefined && suffix !== runnerEnvironment)
      throw mismatch('runner environment', suffix, runnerEnvironment);
    return;
  }
  if (NPM_CLI_BUILDER.test(builder)) return;
  const claimed = parseGithubWorkflowUri(builder);
  if (!claimed || claimed.repository !== signer.repository || claimed.ref !== signer.ref) {
    throw new Mismatch(`the provenance names builder ${q(builder)}, but the certificate says it was signed by workflow ${q(signer.uri)}`);
  }
}

function githubFacts(input: ProvenanceInput, predicate: Record<string, unknown>, issuer: string): ProvenanceFacts {
  const { cert } = input;
  const v1 = input.predicateType === SLSA_PROVENANCE_V1;
  const claims = v1 ? githubV1Claims(predicate) : githubV02Claims(predicate);

  // The predicate's own strings, before anything is compared or shown.
  if (githubRepoPath(claims.repository) === undefined) {
    if (!claims.repository.startsWith(`${GITHUB_SERVER}/`)) {
      throw new Mismatch(
        `the provenance names source repository ${q(claims.repository)}, which is not on ${GITHUB_SERVER}, but it was signed with a GitHub Actions identity`,
      );
    }
    throw new Malformed(`the source repository ${q(claims.repository)} is not a plain ${GITHUB_SERVER}/<owner>/<repo> URL`);
  }
  if (!isCommitId(claims.commit)) throw new Malformed(`the source commit ${q(claims.commit)} is not a git commit id`);
  if (claims.ref !== undefined && !isGitRef(claims.ref)) throw new Malformed(`the ref ${q(claims.ref)} is not a git ref`);
  const relPath = claims.workflowRelPath ?? claims.workflowPath;
  if (!isPlainRelativePath(relPath)) throw new Malformed(`the workflow path ${q(relPath)} is not a plain relative path`);

  const certRepo = agree(
    'source repositories',
    cert.sourceRepositoryUri,
    cert.githubWorkflowRepository !== undefined ? `${GITHUB_SERVER}/${cert.githubWorkflowRepository}` : undefined,
  );
  if (!certRepo) throw new Mismatch('the certificate names no source repository');
  if (githubRepoPath(certRepo) === undefined)
    throw new Mismatch(`the certificate names source repository ${q(certRepo)}, which is not a ${GITHUB_SERVER}/<owner>/<repo> URL`);
  if (claims.repository !== certRepo) throw mismatch('source repository', claims.repository, certRepo);

  const certSha = agree('source commits', cert.sourceRepositoryDigest, cert.githubWorkflowSha);
  if (!certSha) throw new Mismatch('the certificate names no source commit');
  if (claims.commit !== certSha) throw mismatch('source commit', claims.commit, certSha);

  const certRef = agree('refs', cert.sourceRepositoryRef, cert.githubWorkflowRef);
  if (claims.ref !== undefined && certRef !== undefined && claims.ref !== certRef) throw mismatch('ref', claims.ref, certRef);
  const ref = claims.ref ?? certRef;
  if (!ref) throw new Mismatch('neither the provenance nor the certificate names the ref that was built');
  if (!isGitRef(ref)) throw new Mismatch(`the certificate names ref ${q(ref)}, which is not a git ref`);

  const san = signerOf(cert);
  const signer = san !== undefined ? parseGithubWorkflowUri(san) : undefined;
  if (!san || !signer) throw new Mismatch(`the certificate identity ${q(san ?? '')} is not a ${GITHUB_SERVER} workflow`);
  const workflowUri = `${claims.repository}/${relPath}@${ref}`;
  if (cert.buildConfigUri !== undefined) {
    if (cert.buildConfigUri !== workflowUri) throw mismatch('workflow', workflowUri, cert.buildConfigUri);
  } else if (san !== workflowUri) {
    // Older certificates do not name the calling workflow: the signer must be the workflow itself.
    throw mismatch('workflow', workflowUri, san);
  }
  checkGithubBuilderClaim(claims.builder, { ...signer, uri: san }, cert.runnerEnvironment);

  let runInvocation = claims.runInvocation;
  if (cert.runInvocationUri !== undefined) {
    if (runInvocation !== undefined && runInvocation !== cert.runInvocationUri) throw mismatch('run', runInvocation, cert.runInvocationUri);
    runInvocation ??= cert.runInvocationUri;
  }
  if (runInvocation !== undefined && !isGithubRun(runInvocation, claims.repository)) {
    throw new Malformed(`the build run ${q(runInvocation)} is not a run of ${q(claims.repository)}`);
  }

  const certTrigger = agree('trigger events', cert.buildTrigger, cert.githubWorkflowTrigger);
  if (claims.triggerEvent !== undefined && certTrigger !== undefined && claims.triggerEvent !== certTrigger) {
    throw mismatch('trigger event', claims.triggerEvent, certTrigger);
  }
  const triggerEvent = certTrigger ?? claims.triggerEvent;

  // Hosted or self-hosted: the certificate's runner environment decides, never the builder id.
  const builderKind = builderKindFromRunner(cert.runnerEnvironment, 'github');

  return assemble(input, claims, { ref, runInvocation, triggerEvent, builderKind, issuer, san, workflowRelPath: relPath });
}

function gitlabFacts(input: ProvenanceInput, predicate: Record<string, unknown>, issuer: string, platform: Platform): ProvenanceFacts {
  const { cert } = input;
  if (input.predicateType !== SLSA_PROVENANCE_V02) throw new Malformed('SLSA v1 provenance from GitLab is not a layout npm produces');
  const claims = gitlabV02Claims(predicate);
  if (!claims.repository.startsWith(`${issuer}/`))
    throw new Mismatch(`the source repository ${q(claims.repository)} is not on ${q(issuer)}`);
  if (!isGitlabProjectUrl(claims.repository, issuer))
    throw new Malformed(`the source repository ${q(claims.repository)} is not a plain project URL`);
  if (!isCommitId(claims.commit)) throw new Malformed(`the source commit ${q(claims.commit)} is not a git commit id`);
  if (claims.ref !== undefined && !isGitRef(claims.ref)) throw new Malformed(`the ref ${q(claims.ref)} is not a git ref`);
  if (claims.refName !== undefined && !isGitRefName(claims.refName))
    throw new Malformed(`the ref name ${q(claims.refName)} is not a git branch or tag name`);
  if (!isPlainJobName(claims.workflowPath)) throw new Malformed(`the job name ${q(claims.workflowPath)} is not a plain name`);

  const certRepo = cert.sourceRepositoryUri;
  if (!certRepo) throw new Mismatch('the certificate names no source repository');
  if (claims.repository !== certRepo) throw mismatch('source repository', claims.repository, certRepo);
  const certSha = cert.sourceRepositoryDigest;
  if (!certSha) throw new Mismatch('the certificate names no source commit');
  if (claims.commit !== certSha) throw mismatch('source commit', claims.commit, certSha);

  const certRef = cert.sourceRepositoryRef;
  if (certRef !== undefined && claims.ref !== undefined && certRef !== claims.ref) throw mismatch('ref', claims.ref, certRef);
  if (certRef !== undefined && claims.refName !== undefined && certRef !== claims.refName && !certRef.endsWith(`/${claims.refName}`)) {
    throw mismatch('ref', claims.refName, certRef);
  }
  const ref = certRef ?? claims.ref ?? claims.refName;
  if (certRef !== undefined && !isGitRef(certRef)) throw new Mismatch(`the certificate names ref ${q(certRef)}, which is not a git ref`);

  const san = signerOf(cert);
  if (!san || !san.startsWith(`${issuer}/`))
    throw new Mismatch(`the certificate identity ${q(san ?? '')} is not a CI configuration on ${q(issuer)}`);
  // npm's GitLab layout names the runner as "<project>/-/runners/<id>"; any other builder is not npm's claim.
  if (
    !claims.builder.startsWith(`${claims.repository}/-/runners/`) ||
    !/^\d{1,20}$/.test(claims.builder.slice(claims.repository.length + '/-/runners/'.length))
  ) {
    throw new Mismatch(`the provenance names builder ${q(claims.builder)}, which is not a runner of ${q(claims.repository)}`);
  }

  let runInvocation = claims.runInvocation;
  if (cert.runInvocationUri !== undefined) {
    if (runInvocation !== undefined && runInvocation !== cert.runInvocationUri) throw mismatch('job', runInvocation, cert.runInvocationUri);
    runInvocation ??= cert.runInvocationUri;
  }
  if (runInvocation !== undefined && !isGitlabJob(runInvocation, claims.repository)) {
    throw new Malformed(`the build job ${q(runInvocation)} is not a job of ${q(claims.repository)}`);
  }
  if (claims.pipelineSource !== undefined && cert.buildTrigger !== undefined && claims.pipelineSource !== cert.buildTrigger) {
    throw mismatch('pipeline source', claims.pipelineSource, cert.buildTrigger);
  }
  const triggerEvent = cert.buildTrigger ?? claims.pipelineSource;

  // The CI configuration file, from the certificate's build config URI "<project>//<path>@<ref>".
  let workflowRelPath: string | undefined;
  const cfg = cert.buildConfigUri;
  if (cfg && cfg.startsWith(`${claims.repository}//`)) {
    const rest = cfg.slice(claims.repository.length + 2);
    const at = rest.lastIndexOf('@');
    const path = at > 0 ? rest.slice(0, at) : undefined;
    if (path !== undefined && isPlainRelativePath(path)) workflowRelPath = path;
  }
  const builderKind = builderKindFromRunner(cert.runnerEnvironment, platform);
  return assemble(input, claims, { ref, runInvocation, triggerEvent, builderKind, issuer, san, workflowRelPath });
}

function assemble(
  input: ProvenanceInput,
  claims: Claims,
  x: {
    ref?: string;
    runInvocation?: string;
    triggerEvent?: string;
    builderKind: ProvenanceFacts['builderKind'];
    issuer: string;
    san?: string;
    workflowRelPath?: string;
  },
): ProvenanceFacts {
  if (!claims.repository.startsWith('https://')) throw new Malformed(`the source repository ${q(claims.repository)} is not an https URL`);
  const facts: ProvenanceFacts = {
    sourceRepository: claims.repository,
    sourceCommit: claims.commit,
    workflowPath: claims.workflowPath,
    builder: claims.builder,
    builderKind: x.builderKind,
    issuer: x.issuer,
    transparencyLog: input.transparencyLog,
    predicateType: input.predicateType,
    links: {},
  };
  if (x.ref !== undefined) facts.ref = x.ref;
  if (x.runInvocation !== undefined) facts.runInvocation = x.runInvocation;
  if (x.triggerEvent !== undefined) facts.triggerEvent = x.triggerEvent;
  if (x.san !== undefined) facts.signerIdentity = x.san;
  if (input.publishTime && !Number.isNaN(input.publishTime.getTime())) facts.publishTime = input.publishTime.toISOString();

  const repo = parseRepo(claims.repository);
  if (repo) {
    facts.links.repository = repo.url;
    const commit = commitLink(repo, claims.commit);
    if (commit) facts.links.commit = commit;
    const workflow = fileLink(repo, claims.commit, x.workflowRelPath);
    if (workflow) facts.links.workflow = workflow;
    const run = runLink(repo, x.runInvocation);
    if (run) facts.links.run = run;
  }
  if (input.transparencyLog.url) facts.links.transparencyLog = input.transparencyLog.url;
  return facts;
}
