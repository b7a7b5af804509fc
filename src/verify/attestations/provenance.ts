/**
 * Interpreting a cryptographically verified SLSA provenance statement: who signed it (the Fulcio
 * certificate's issuer and extensions), what it claims (the predicate), and whether the two agree.
 * Facts are produced only when every claim we report is backed by the certificate or by the signed
 * predicate and no certificate extension contradicts the predicate.
 */
import type { InvalidCode, ProvenanceFacts, TransparencyLogEntry } from '../types';
import { isReportable, type FulcioClaims } from './certificate';
import { commitLink, fileLink, parseRepo, runLink } from './links';

export const SLSA_PROVENANCE_V02 = 'https://slsa.dev/provenance/v0.2';
export const SLSA_PROVENANCE_V1 = 'https://slsa.dev/provenance/v1';

export const GITHUB_ACTIONS_ISSUER = 'https://token.actions.githubusercontent.com';
export const GITLAB_COM_ISSUER = 'https://gitlab.com';

/** SLSA v1 build types whose `externalParameters.workflow` is {repository, path, ref} (npm CLI and GitHub's own). */
const GITHUB_V1_BUILD_TYPES = new Set(['https://slsa-framework.github.io/github-actions-buildtypes/workflow/v1', 'https://actions.github.io/buildtypes/workflow/v1']);
const ACTIONS_RUNNER = 'https://github.com/actions/runner';

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

function rec(v: unknown): Record<string, unknown> | undefined {
  return typeof v === 'object' && v !== null && !Array.isArray(v) ? (v as Record<string, unknown>) : undefined;
}

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
  const bd = rec(predicate.buildDefinition);
  if (!bd) throw new Malformed('the provenance has no buildDefinition');
  const buildType = need(bd.buildType, 'build type');
  if (!GITHUB_V1_BUILD_TYPES.has(buildType)) throw new Malformed(`the provenance build type ${q(buildType)} is not supported`);
  const wf = rec(rec(bd.externalParameters)?.workflow);
  if (!wf) throw new Malformed('the provenance has no workflow parameters');
  const repository = need(wf.repository, 'workflow repository');
  const path = need(wf.path, 'workflow path');
  const ref = need(wf.ref, 'workflow ref');
  const deps = Array.isArray(bd.resolvedDependencies) ? bd.resolvedDependencies.map(rec) : [];
  const dep = deps.find((d) => d?.uri === `git+${repository}@${ref}`) ?? deps[0];
  const commit = need(rec(dep?.digest)?.gitCommit, 'source commit');
  const rd = rec(predicate.runDetails);
  const builder = need(rec(rd?.builder)?.id, 'builder id');
  const claims: Claims = { repository, commit, ref, workflowPath: path, workflowRelPath: path, builder };
  const run = str(rec(rd?.metadata)?.invocationId);
  if (run) claims.runInvocation = run;
  const trigger = str(rec(rec(bd.internalParameters)?.github)?.event_name);
  if (trigger) claims.triggerEvent = trigger;
  return claims;
}

function githubV02Claims(predicate: Record<string, unknown>): Claims {
  const inv = rec(predicate.invocation);
  const cs = rec(inv?.configSource);
  if (!cs) throw new Malformed('the provenance has no invocation.configSource');
  const { repository, ref: uriRef } = splitGitUri(need(cs.uri, 'source URI'));
  const commit = need(rec(cs.digest)?.sha1, 'source commit');
  const entryPoint = need(cs.entryPoint, 'entry point');
  const builder = need(rec(predicate.builder)?.id, 'builder id');
  const env = rec(inv?.environment) ?? {};
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
    if (ref !== undefined && epRef !== ref) throw new Mismatch(`the provenance entry point ${q(entryPoint)} names a different ref than ${q(ref)}`);
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
  const inv = rec(predicate.invocation);
  const cs = rec(inv?.configSource);
  if (!cs) throw new Malformed('the provenance has no invocation.configSource');
  const { repository, ref } = splitGitUri(need(cs.uri, 'source URI'));
  const commit = need(rec(cs.digest)?.sha1, 'source commit');
  const entryPoint = need(cs.entryPoint, 'entry point');
  const builder = need(rec(predicate.builder)?.id, 'builder id');
  const params = rec(inv?.parameters) ?? {};
  const claims: Claims & { refName?: string; pipelineSource?: string } = { repository, commit, workflowPath: entryPoint, builder };
  if (ref) claims.ref = ref;
  const refName = str(params.CI_COMMIT_REF_NAME);
  if (refName) claims.refName = refName;
  const source = str(params.CI_PIPELINE_SOURCE);
  if (source) claims.pipelineSource = source;
  const run = str(rec(predicate.metadata)?.buildInvocationId);
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
  const platform = platformOf(issuer, input.gitlabIssuers);
  if (!issuer || !platform) {
    return fail(
      'unsupported-issuer',
      `The provenance was signed with an identity from ${issuer ? q(issuer) : 'an unnamed issuer'}, which is neither GitHub Actions nor GitLab; its build claims cannot be checked.`,
    );
  }
  const predicate = rec(input.predicate);
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

function githubFacts(input: ProvenanceInput, predicate: Record<string, unknown>, issuer: string): ProvenanceFacts {
  const { cert } = input;
  const v1 = input.predicateType === SLSA_PROVENANCE_V1;
  const claims = v1 ? githubV1Claims(predicate) : githubV02Claims(predicate);

  const certRepo = cert.sourceRepositoryUri ?? (cert.githubWorkflowRepository ? `https://github.com/${cert.githubWorkflowRepository}` : undefined);
  if (!certRepo) throw new Mismatch('the certificate names no source repository');
  if (claims.repository !== certRepo) throw mismatch('source repository', claims.repository, certRepo);

  const certSha = cert.sourceRepositoryDigest ?? cert.githubWorkflowSha;
  if (!certSha) throw new Mismatch('the certificate names no source commit');
  if (claims.commit !== certSha) throw mismatch('source commit', claims.commit, certSha);

  const certRef = cert.sourceRepositoryRef ?? cert.githubWorkflowRef;
  if (claims.ref !== undefined && certRef !== undefined && claims.ref !== certRef) throw mismatch('ref', claims.ref, certRef);
  const ref = claims.ref ?? certRef;
  if (!ref) throw new Mismatch('neither the provenance nor the certificate names the ref that was built');

  const san = cert.san;
  if (!san || !san.startsWith('https://github.com/')) throw new Mismatch(`the certificate identity ${q(san ?? '')} is not a GitHub workflow`);
  const workflowUri = `${claims.repository}/${claims.workflowRelPath ?? claims.workflowPath}@${ref}`;
  if (cert.buildConfigUri !== undefined) {
    if (cert.buildConfigUri !== workflowUri) throw mismatch('workflow', workflowUri, cert.buildConfigUri);
  } else if (san !== workflowUri) {
    // Older certificates do not name the calling workflow: the signer must be the workflow itself.
    throw mismatch('workflow', workflowUri, san);
  }

  const isRunner = claims.builder === ACTIONS_RUNNER || claims.builder.startsWith(`${ACTIONS_RUNNER}/`);
  if (san !== workflowUri && !isRunner) {
    // Signed by a reusable workflow (e.g. slsa-github-generator): the builder it names must be its own.
    const m = /^(https:\/\/github\.com\/[^/]+\/[^/]+)\/[^@]+@(.+)$/.exec(san);
    if (!m || !claims.builder.startsWith(`${m[1]}/`) || !claims.builder.endsWith(`@${m[2]}`)) {
      throw new Mismatch(`the provenance names builder ${q(claims.builder)}, but it was signed by workflow ${q(san)}`);
    }
  }

  let runInvocation = claims.runInvocation;
  if (cert.runInvocationUri !== undefined) {
    if (runInvocation !== undefined && runInvocation !== cert.runInvocationUri) throw mismatch('run', runInvocation, cert.runInvocationUri);
    runInvocation ??= cert.runInvocationUri;
  }

  const certTrigger = cert.buildTrigger ?? cert.githubWorkflowTrigger;
  if (claims.triggerEvent !== undefined && certTrigger !== undefined && claims.triggerEvent !== certTrigger) {
    throw mismatch('trigger event', claims.triggerEvent, certTrigger);
  }
  const triggerEvent = certTrigger ?? claims.triggerEvent;

  let builderKind: ProvenanceFacts['builderKind'];
  if (v1 && isRunner) {
    const suffix = claims.builder.slice(ACTIONS_RUNNER.length);
    const claimed = suffix === '/github-hosted' ? 'github-hosted' : suffix === '/self-hosted' ? 'self-hosted' : suffix === '' ? 'self-hosted' : 'unknown';
    if (suffix !== '' && claimed !== 'unknown' && cert.runnerEnvironment !== undefined && cert.runnerEnvironment !== claimed) {
      throw mismatch('runner environment', claimed, cert.runnerEnvironment);
    }
    builderKind = claimed;
  } else {
    builderKind = builderKindFromRunner(cert.runnerEnvironment, 'github');
  }

  return assemble(input, claims, { ref, runInvocation, triggerEvent, builderKind, issuer, san, workflowRelPath: claims.workflowRelPath });
}

function gitlabFacts(input: ProvenanceInput, predicate: Record<string, unknown>, issuer: string, platform: Platform): ProvenanceFacts {
  const { cert } = input;
  if (input.predicateType !== SLSA_PROVENANCE_V02) throw new Malformed('SLSA v1 provenance from GitLab is not a layout npm produces');
  const claims = gitlabV02Claims(predicate);
  if (!claims.repository.startsWith(`${issuer}/`)) throw new Mismatch(`the source repository ${q(claims.repository)} is not on ${q(issuer)}`);

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

  let runInvocation = claims.runInvocation;
  if (cert.runInvocationUri !== undefined) {
    if (runInvocation !== undefined && runInvocation !== cert.runInvocationUri) throw mismatch('job', runInvocation, cert.runInvocationUri);
    runInvocation ??= cert.runInvocationUri;
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
    workflowRelPath = at > 0 ? rest.slice(0, at) : undefined;
  }
  const builderKind = builderKindFromRunner(cert.runnerEnvironment, platform);
  return assemble(input, claims, { ref, runInvocation, triggerEvent, builderKind, issuer, san: cert.san, workflowRelPath });
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
