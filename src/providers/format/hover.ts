/**
 * Hover Markdown for one dependency. No `vscode` import.
 * Every registry-derived string is escaped; links come only from `facts.links` (https only);
 * command links only name this extension's own commands.
 */
import { fixRelation } from './relation';
import type { ProvenanceFacts, ResolutionSource, Verdict } from '../../verify/types';
import { commandLink, escapeMarkdown, link } from '../../verify/format/markdown';
import { reasonDocsUrl, shortReason } from './reasons';
import { BADGE_GLYPH } from './badge';
import { cleanText, shortCommit, shortRepository } from '../../verify/format/text';
import { redactSecrets, redactVerdict } from '../../verify/format/redact';
import type { DependencyTrust, TrustPolicyStatus } from '../state/documentState';
import { trustHoverLines } from './trust';

/** npm's longest package name. A longer "name" is not a package: it is described, never echoed. */
export const MAX_NAME_LENGTH = 214;
/** Longest a command link's arguments (JSON) may be; a link whose arguments are longer is left out. */
export const MAX_COMMAND_ARGS_LENGTH = 4096;

/** The name as shown: escaped, or a description when it is longer than any npm name can be. */
export function displayName(name: string): string {
  if (typeof name !== 'string') return '';
  if (name.length > MAX_NAME_LENGTH) return `a ${name.length.toLocaleString('en-US')}-character name (not a valid npm package name)`;
  return escapeMarkdown(name);
}

function argsFit(args: unknown[]): boolean {
  return JSON.stringify(args).length <= MAX_COMMAND_ARGS_LENGTH;
}

/** Commands a hover may link to; the MarkdownString's `isTrusted.enabledCommands`. */
export const HOVER_COMMANDS = ['provenanceLens.verifyAtCursor', 'provenanceLens.ignorePackage', 'provenanceLens.showLog'] as const;

export interface VersionFinding {
  version: string;
  verdict?: Verdict;
}

export interface HoverSuggestion {
  /** Still looking for alternatives. */
  pending?: boolean;
  /** Newest version whose provenance verified. */
  newestVerified?: VersionFinding;
  /** How many versions advertise attestations; 0 = none ever published with provenance. */
  attestedCount?: number;
  /** How many candidates were verified without success. */
  checkedWithoutSuccess?: number;
  /** The version the quick fix proposes. */
  fix?: VersionFinding;
  error?: string;
}

export interface HoverInput {
  /** The key in package.json. */
  name: string;
  /** The spec string as written. */
  spec: string;
  documentUri: string;
  section: string;
  verdict?: Verdict;
  resolvedFrom?: ResolutionSource;
  lockfileName?: string;
  /** The spec was edited since this verdict; a new check is scheduled. */
  stale?: boolean;
  /** A note from resolution, e.g. the lockfile is out of date. */
  note?: string;
  suggestion?: HoverSuggestion;
  /** The trust history of the verdict's version (release line), when it was asked for. */
  trust?: DependencyTrust;
  /** The trust policy in force for the file. */
  trustPolicy?: TrustPolicyStatus;
}

const BUILDER_KIND: Record<ProvenanceFacts['builderKind'], string> = {
  'github-hosted': 'GitHub-hosted runner',
  'self-hosted': 'self-hosted runner',
  'gitlab-hosted': 'GitLab-hosted runner',
  'gitlab-self-managed': 'GitLab self-managed runner',
  unknown: 'unknown builder',
};

function origin(input: HoverInput, verdict: Verdict): string {
  const from = verdict.resolvedFrom ?? input.resolvedFrom;
  switch (from) {
    case 'lockfile':
      return input.lockfileName ? `from the lockfile (${escapeMarkdown(input.lockfileName)})` : 'from the lockfile';
    case 'registry':
      return `resolved from the registry (highest version matching ${escapeMarkdown(input.spec)})`;
    case 'exact-spec':
      return 'as written in package.json';
    case 'cli':
      return 'given on the command line';
    default:
      return '';
  }
}

function title(glyph: string, label: string, verdict: Verdict | undefined, input: HoverInput): string {
  const id = verdict?.version
    ? `${displayName(verdict.name || input.name)}@${escapeMarkdown(verdict.version, 120)}`
    : `${displayName(input.name)} ${escapeMarkdown(input.spec, 120)}`;
  return `**${glyph} ${label}** · ${id}`;
}

/** "run 123 (attempt 1)" for a GitHub Actions run URL, else the invocation text. */
function runLabel(invocation: string | undefined): string {
  if (!invocation) return 'build run';
  const m = /\/runs\/(\d+)(?:\/attempts\/(\d+))?/.exec(invocation);
  if (m) return `run ${m[1]}${m[2] ? ` (attempt ${m[2]})` : ''}`;
  return invocation;
}

/**
 * The builder as the signing certificate states it: where the job ran (runner environment extension)
 * and which workflow held the signing identity. The provenance's own builder id is a claim of that
 * workflow (checked for consistency by the verifier), so it is not what the hover names.
 */
function builderLine(facts: ProvenanceFacts): string {
  const kind = facts.builderKind !== 'unknown' ? BUILDER_KIND[facts.builderKind] : 'runner environment not stated in the certificate';
  const signer = facts.signerIdentity;
  if (!signer) return `- **Builder:** ${kind}`;
  const own = signer.startsWith(`${facts.sourceRepository}/`);
  return `- **Builder:** ${kind}, ${own ? 'running the repository’s own workflow' : `running the reusable workflow ${escapeMarkdown(signer)}`}`;
}

function factLines(facts: ProvenanceFacts): string[] {
  const lines: string[] = [];
  const repo = shortRepository(facts.sourceRepository) || facts.sourceRepository;
  const commit = shortCommit(facts.sourceCommit);
  lines.push(`- **Source:** ${link(repo, facts.links.repository)}${commit ? ` at commit ${link(commit, facts.links.commit)}` : ''}`);
  if (facts.workflowPath) lines.push(`- **Workflow:** ${link(facts.workflowPath, facts.links.workflow)} at that commit`);
  if (facts.runInvocation || facts.links.run) {
    lines.push(`- **Build run:** ${link(runLabel(facts.runInvocation), facts.links.run)}`);
  }
  lines.push(builderLine(facts));
  if (facts.triggerEvent || facts.ref) {
    const parts = [facts.triggerEvent ? escapeMarkdown(facts.triggerEvent) : '', facts.ref ? `ref ${escapeMarkdown(facts.ref)}` : ''];
    lines.push(`- **Trigger:** ${parts.filter(Boolean).join(', ')}`);
  }
  const tlog = facts.transparencyLog;
  if (tlog?.logIndex) {
    const when = tlog.integratedTime ? `, integrated ${escapeMarkdown(tlog.integratedTime)}` : '';
    lines.push(`- **Transparency log:** ${link(`entry ${tlog.logIndex}`, facts.links.transparencyLog ?? tlog.url)}${when}`);
  }
  if (facts.issuer) {
    const who = facts.signerIdentity ? ` as ${escapeMarkdown(facts.signerIdentity)}` : '';
    lines.push(`- **Signed by:** ${escapeMarkdown(facts.issuer)}${who}`);
  }
  return lines;
}

function registrySignatureLine(verdict: Verdict): string | undefined {
  const sig = verdict.registrySignature;
  if (!sig) return undefined;
  const key = sig.keyId ? ` (key ${escapeMarkdown(sig.keyId)})` : '';
  const text: Record<string, string> = {
    valid: 'valid',
    invalid: 'does not verify',
    'unknown-key': 'names a key the registry does not publish',
    'expired-key': 'key was not valid at publish time',
    missing: 'missing (the registry publishes keys, this version has no signature)',
    unsupported: 'not checked (the registry publishes no keys)',
  };
  return `- **Registry signature:** ${text[sig.status] ?? escapeMarkdown(sig.status)}${key}`;
}

function suggestionLines(input: HoverInput): string[] {
  const s = input.suggestion;
  if (!s) return [];
  if (s.pending) return ['', '_Looking for a version with verified provenance…_'];
  if (s.error) return ['', `_Could not look for other versions: ${escapeMarkdown(s.error)}_`];
  const lines: string[] = [''];
  if (s.newestVerified) {
    const facts = s.newestVerified.verdict?.facts;
    const from = facts ? ` (built from ${link(shortRepository(facts.sourceRepository), facts.links.repository)})` : '';
    lines.push(`Newest version with verified provenance: **${escapeMarkdown(s.newestVerified.version)}**${from}`);
  } else if (s.attestedCount === 0) {
    lines.push(`No published version of ${displayName(input.verdict?.name ?? input.name)} advertises provenance.`);
  } else if (s.attestedCount !== undefined) {
    lines.push(`None of the ${s.checkedWithoutSuccess ?? 0} newest versions that advertise provenance verified.`);
  }
  if (s.fix && s.fix.version !== s.newestVerified?.version) {
    // as the quick fix's title says it: how the proposed version's provenance relates to this one's, else
    // to the newest verified version's (a build from another repository is said, not hidden)
    const relation = fixRelation(s.fix, input.verdict, s.newestVerified);
    const note = relation ? `; ${escapeMarkdown(relation)}` : '';
    lines.push('', `Quick fix available: use **${escapeMarkdown(s.fix.version)}** (verified provenance${note}).`);
  } else if (s.fix) {
    lines.push('', 'Quick fix available (Ctrl+. / ⌘.).');
  }
  return lines;
}

/** The hover's Markdown source. */
export function buildHoverMarkdown(input: HoverInput): string {
  // registry URLs in the verdict may carry credentials (https://user:pass@host/): never shown
  const verdict = input.verdict ? redactVerdict(input.verdict) : undefined;
  const out: string[] = [];
  if (!verdict || input.stale) {
    out.push(title(BADGE_GLYPH.pending, 'Checking provenance', undefined, input));
    out.push('', input.stale ? 'The version was edited; it will be checked again shortly.' : 'Verification is in progress.');
  } else {
    const where = origin(input, verdict);
    switch (verdict.status) {
      case 'verified':
        out.push(title(BADGE_GLYPH.verified, 'Verified provenance', verdict, input));
        if (where) out.push('', `Exact version ${escapeMarkdown(verdict.version)}, ${where}.`);
        if (verdict.facts) {
          out.push('', ...factLines(verdict.facts));
        }
        break;
      case 'invalid':
        out.push(title(BADGE_GLYPH.invalid, 'Provenance check failed', verdict, input));
        if (where) out.push('', `Exact version ${escapeMarkdown(verdict.version)}, ${where}.`);
        out.push('', escapeMarkdown(verdict.reason?.message ?? 'Verification failed.', 600));
        if (verdict.reason) out.push('', `Reason: ${link(verdict.reason.code, reasonDocsUrl(verdict.reason.code))}`);
        out.push(...suggestionLines(input));
        break;
      case 'no-provenance':
        out.push(title(BADGE_GLYPH['no-provenance'], 'No provenance', verdict, input));
        if (where) out.push('', `Exact version ${escapeMarkdown(verdict.version)}, ${where}.`);
        out.push('', 'This version was published without provenance: nothing signed links it to a source repository or a build.');
        out.push(...suggestionLines(input));
        break;
      case 'unavailable':
        out.push(title(BADGE_GLYPH.unavailable, 'Provenance unavailable', verdict, input));
        out.push(
          '',
          `Not checked: ${escapeMarkdown(verdict.reason?.message ?? shortReason(verdict.reason?.code), 600)}`,
          '',
          'This says nothing about the package itself.',
        );
        if (verdict.reason) out.push('', `Reason: ${link(verdict.reason.code, reasonDocsUrl(verdict.reason.code))}`);
        break;
      case 'not-applicable':
        out.push(title(BADGE_GLYPH['not-applicable'], 'Not applicable', undefined, input));
        out.push('', escapeMarkdown(verdict.reason?.message ?? 'This dependency does not come from a registry.', 600));
        break;
      default:
        out.push(title(BADGE_GLYPH.unavailable, 'Provenance unavailable', undefined, input));
    }
    if (input.note) out.push('', `_Note: ${escapeMarkdown(redactSecrets(input.note), 500)}_`);
    const sig = registrySignatureLine(verdict);
    if (sig && verdict.status !== 'not-applicable') out.push(sig);
    // The publish time shown is the signed transparency-log time; the packument's `time` is unsigned and
    // labelled as what the registry reports.
    const published = verdict.facts?.publishTime ?? verdict.publishTime;
    if (published && verdict.status !== 'not-applicable') out.push(`- **Published:** ${escapeMarkdown(published)} (transparency log)`);
    else if (verdict.registryPublishTime && verdict.status !== 'not-applicable') {
      out.push(`- **Published:** ${escapeMarkdown(verdict.registryPublishTime)} (as the registry reports it; not signed)`);
    }
    if (verdict.attestationRegistry) out.push(`- **Attestations from:** ${escapeMarkdown(verdict.attestationRegistry)}`);
    if (verdict.cached) out.push('', '_From the verification cache._');
    out.push(...trustHoverLines(verdict, input.trust, input.trustPolicy));
  }
  // Command arguments carry the name in full (a command needs the exact key): a name longer than npm
  // allows gets no such link, and no link carries more than MAX_COMMAND_ARGS_LENGTH of arguments.
  const actions: string[] = [];
  const nameFits = input.name.length <= MAX_NAME_LENGTH;
  const verifyArgs = [input.documentUri, input.section, input.name];
  if (nameFits && argsFit(verifyArgs))
    actions.push(commandLink('Verify again', 'provenanceLens.verifyAtCursor', verifyArgs, HOVER_COMMANDS));
  if (verdict?.reason?.code !== 'ignored' && nameFits && argsFit([input.name])) {
    actions.push(commandLink(`Ignore ${cleanText(input.name, 80)}`, 'provenanceLens.ignorePackage', [input.name], HOVER_COMMANDS));
  }
  actions.push(commandLink('Show log', 'provenanceLens.showLog', [], HOVER_COMMANDS));
  out.push('', '---', actions.join(' · '));
  return out.join('\n');
}
