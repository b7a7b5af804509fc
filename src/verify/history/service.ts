/**
 * The trust-history service: judges one verified version against the earlier versions of its release line,
 * with the rules in ./rules and the policy. It is engine-level but separate from the engine: what it needs
 * (a full packument, a verification) is injected (see ./deps).
 *
 * Full packuments are large (nuxt: 377 versions): they are fetched only when a history is asked for, once
 * per package and registry per service, through the registry client (whose HTTP cache revalidates).
 */
import * as semver from '../util/semver';
import type { Verdict } from '../types';
import { EMPTY_POLICY, packageMatches, type Policy } from '../policy/types';
import type { TrustHistoryDeps } from './deps';
import { packageHistory, type PackageHistory } from './evidence';
import { earlierInLine, releaseLineOf } from './lines';
import { DEFAULT_SEVERITY, TRUST_RULES, type RuleContext, type TrustRule } from './rules';
import { describePrevious } from './rules/rule';
import type { FindingSeverity, PreviousEvidence, TrustAssessment, TrustFinding, TrustLevel, VersionEvidence } from './types';

const DAY_MS = 24 * 3600 * 1000;
const PREVIOUS_TRIES = 3;
const TIMELINE_MAX = 50;

export interface AssessOptions {
  /** Read the package's history (full packument) and run the rules that need it. Default true. */
  history?: boolean;
  signal?: AbortSignal;
  /** The policy for this judgement (default: the service's, see `setPolicy`); one service may judge folders with different policies. */
  policy?: Policy;
}

/** The level a verdict (plus the registry's claims for that version) amounts to. */
export function levelOf(verdict: Verdict, claims?: VersionEvidence): TrustLevel | 'unknown' {
  if (claims?.staged && (verdict.status === 'verified' || verdict.status === 'no-provenance')) return 'staged';
  if (verdict.status === 'verified') return claims?.trustedPublisher ? 'trusted-publisher' : 'provenance';
  if (verdict.status === 'no-provenance') return verdict.registrySignature?.status === 'valid' ? 'registry-signature' : 'none';
  return 'unknown';
}

export class TrustHistory {
  private policy: Policy;
  private readonly rules: readonly TrustRule[];
  private readonly histories = new Map<string, Promise<PackageHistory>>();
  private readonly verifications = new Map<string, Promise<Verdict>>();

  constructor(
    private readonly deps: TrustHistoryDeps,
    options: { policy?: Policy; rules?: readonly TrustRule[] } = {},
  ) {
    this.policy = options.policy ?? EMPTY_POLICY;
    this.rules = options.rules ?? TRUST_RULES;
  }

  setPolicy(policy: Policy | undefined): void {
    this.policy = policy ?? EMPTY_POLICY;
  }

  /** Forget fetched histories and verifications (e.g. when the registry settings change). */
  clear(): void {
    this.histories.clear();
    this.verifications.clear();
  }

  /** The claims of every version of a package (full packument), fetched once per package and registry. */
  history(name: string, registry?: string, signal?: AbortSignal): Promise<PackageHistory> {
    const key = `${registry ?? ''} ${name}`;
    let p = this.histories.get(key);
    if (!p) {
      p = this.deps
        .fetchPackument(name, { ...(registry ? { registry } : {}), ...(signal ? { signal } : {}) })
        .then((doc) => packageHistory(name, doc));
      p.catch(() => this.histories.delete(key));
      this.histories.set(key, p);
    }
    return p;
  }

  private verifyEarlier(name: string, version: string, signal?: AbortSignal): Promise<Verdict> {
    const key = `${name}@${version}`;
    let p = this.verifications.get(key);
    if (!p) {
      p = this.deps.verifyVersion({ name, version, resolvedFrom: 'registry' }, signal ? { signal } : {});
      this.verifications.set(key, p);
    }
    return p;
  }

  /** Judge one version's trust. Never throws: a history that cannot be read is a note, not a finding. */
  async assess(verdict: Verdict, options: AssessOptions = {}): Promise<TrustAssessment> {
    const { name, version } = verdict;
    const line = releaseLineOf(version);
    const notes: string[] = [];
    const policy = options.policy ?? this.policy;
    if (verdict.status === 'not-applicable') return { level: 'unknown', line: line.label, findings: [], history: false, notes };

    const history = await this.historyFor(verdict, policy, options, notes);
    const self = history?.byVersion.get(version);
    const level = levelOf(verdict, self);
    // The signed time (the verified log entry's) before the registry's unsigned time[version], which could be backdated.
    const publishTime = verdict.publishTime ?? self?.publishTime;
    const earlier = history ? earlierInLine(history.versions, version, publishTime) : [];
    historyNotes(notes, { name, version, line, level, history, self, earlier });

    const ctx = this.ruleContext({ name, version, verdict, level, self, history, line, earlier, policy }, options.signal);
    const findings = await this.runRules(ctx, history, notes, publishTime);

    const out: TrustAssessment = { level, line: line.label, findings, history: Boolean(history), notes };
    const publisher = self?.publisher;
    if (publisher) out.publisher = publisher;
    if (history) out.timeline = timelineOf(history, version, earlier);
    return out;
  }

  /** The package's history when this judgement wants it and it can be read (else a note says why not). */
  private async historyFor(verdict: Verdict, policy: Policy, options: AssessOptions, notes: string[]): Promise<PackageHistory | undefined> {
    const { name, version } = verdict;
    const wantHistory =
      (options.history ?? true) ||
      policy.requirements.some((r) => r.evidence === 'trusted-publisher' && r.packages.some((p) => packageMatches(p, name)));
    const judgeable = verdict.status === 'verified' || verdict.status === 'no-provenance';
    if (!(wantHistory && judgeable && semver.valid(version))) return undefined;
    try {
      return await this.history(name, verdict.attestationRegistry ?? verdict.registry, options.signal);
    } catch (err) {
      notes.push(`The history of ${name} could not be read (${(err as Error).message}); its earlier versions were not compared.`);
      return undefined;
    }
  }

  /** What the rules see, with the earlier verified version found lazily and invalid earlier versions collected. */
  private ruleContext(
    base: Pick<RuleContext, 'name' | 'version' | 'verdict' | 'level' | 'line' | 'earlier' | 'policy'> & {
      self: VersionEvidence | undefined;
      history: PackageHistory | undefined;
    },
    signal: AbortSignal | undefined,
  ): RuleContext {
    const { name, version, verdict, level, self, history, line, earlier, policy } = base;
    const invalid = new Map<string, PreviousEvidence>();
    let previousVerified: Promise<{ entry: VersionEvidence; verdict: Verdict } | undefined> | undefined;
    return {
      name,
      version,
      verdict,
      level,
      ...(self ? { self } : {}),
      ...(history ? { history } : {}),
      line,
      earlier,
      policy,
      verifyEarlier: (v) => this.verifyEarlier(name, v, signal),
      previousVerified: () =>
        (previousVerified ??= (async () => {
          for (const entry of earlier.filter((e) => e.provenance).slice(0, PREVIOUS_TRIES)) {
            const v = await this.verifyEarlier(name, entry.version, signal);
            if (v.status === 'verified') return { entry, verdict: v };
            if (v.status === 'invalid') invalid.set(entry.version, describePrevious(entry, v));
          }
          return undefined;
        })()),
      recordInvalid: (p) => invalid.set(p.version, p),
      invalidPrevious: () => [...invalid.values()],
    };
  }

  /** Runs the rules in order, dropping duplicate findings; a rule that throws is a note. */
  private async runRules(
    ctx: RuleContext,
    history: PackageHistory | undefined,
    notes: string[],
    publishTime: string | undefined,
  ): Promise<TrustFinding[]> {
    const { name, version, policy } = ctx;
    const findings: TrustFinding[] = [];
    for (const rule of this.rules) {
      if (rule.needsHistory && !history) continue;
      let results;
      try {
        results = await rule.evaluate(ctx);
      } catch (err) {
        notes.push(`The ${rule.id} check failed: ${(err as Error).message}`);
        continue;
      }
      for (const r of results) {
        if (findings.some((f) => f.code === r.code && f.previous?.version === r.previous?.version && f.message === r.message)) continue;
        findings.push(
          this.withSeverity(
            { code: r.code, severity: DEFAULT_SEVERITY[r.code], message: r.message, ...(r.previous ? { previous: r.previous } : {}) },
            policy,
            name,
            version,
            publishTime,
          ),
        );
      }
    }
    return findings;
  }

  /** The policy's severity, exclusions and downgrade age applied to one finding. */
  private withSeverity(f: TrustFinding, policy: Policy, name: string, version: string, publishTime: string | undefined): TrustFinding {
    const configured = policy.severity[f.code];
    let severity: FindingSeverity = configured ?? f.severity;
    let severityNote: string | undefined;
    const days = policy.downgradeInformationAfterDays;
    if ((f.code === 'provenance-lost' || f.code === 'trusted-publisher-lost') && days !== undefined && publishTime && severity !== 'off') {
      const now = (this.deps.now ?? (() => new Date()))().getTime();
      const age = (now - Date.parse(publishTime)) / DAY_MS;
      if (Number.isFinite(age) && age > days) {
        severity = 'information';
        severityNote = `published ${Math.floor(age)} days ago, more than the policy's ${days} days after which a downgrade is information`;
      }
    }
    for (const ex of policy.exclusions) {
      if (ex.name !== name && !packageMatches(ex.name, name)) continue;
      if (!semver.satisfies(version, ex.range, { includePrerelease: true })) continue;
      if (ex.findings && !ex.findings.includes(f.code)) continue;
      severity = 'off';
      severityNote = `excluded by the policy (${ex.spec}): ${ex.reason}`;
      break;
    }
    return { ...f, severity, ...(severityNote ? { severityNote } : {}) };
  }
}

/** Notes on what the history says (or cannot say) about this version. */
function historyNotes(
  notes: string[],
  h: {
    name: string;
    version: string;
    line: RuleContext['line'];
    level: TrustLevel | 'unknown';
    history: PackageHistory | undefined;
    self: VersionEvidence | undefined;
    earlier: RuleContext['earlier'];
  },
): void {
  const { name, version, line, level, history, self, earlier } = h;
  if (history?.strippedOrUnsigned) {
    notes.push(
      `The registry's record of ${name} carries no signatures or attestations for any version (a mirror that strips them?): its history says nothing about trust.`,
    );
  } else if (
    history &&
    level !== 'unknown' &&
    level !== 'staged' &&
    level !== 'trusted-publisher' &&
    !earlier.some((e) => e.provenance || e.staged)
  ) {
    notes.push(
      `No earlier ${line.label} version of ${name} had provenance: that is how this line has always been published, not a downgrade.`,
    );
  }
  if (history && !self) notes.push(`The registry's history of ${name} does not list ${version}.`);
}

/** The timeline shown with an assessment: this version and the earlier ones in its line. */
function timelineOf(history: PackageHistory, version: string, earlier: RuleContext['earlier']): TrustAssessment['timeline'] {
  const upTo = history.versions.filter((v) => v.version === version || earlier.includes(v)).slice(0, TIMELINE_MAX);
  return upTo.map((v) => ({
    version: v.version,
    claimed: v.claimed,
    ...(v.publisher ? { publisher: v.publisher } : {}),
    ...(v.publishTime ? { publishTime: v.publishTime } : {}),
  }));
}
