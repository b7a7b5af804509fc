/**
 * provenance-lost / trusted-publisher-lost: this version has weaker evidence than an earlier version of its
 * own release line. The earlier evidence (the newest earlier version with stronger evidence) is verified
 * before anything is raised: when it cannot be checked the finding says so; when it fails, that is its own
 * finding (previous-evidence-invalid) and the next stronger version is tried.
 */
import { TRUST_RANK } from '../types';
import { describePrevious, levelWords, verificationSentence, type RuleResult, type TrustRule } from './rule';

const MAX_TRIES = 3;

export const trustDowngrade: TrustRule = {
  id: 'trust-downgrade',
  codes: ['provenance-lost', 'trusted-publisher-lost'],
  description:
    'A version has weaker trust evidence (trusted publishing or staged publishing > provenance > registry signature > none) than an earlier version of its own release line.',
  needsHistory: true,
  async evaluate(ctx): Promise<RuleResult[]> {
    if (!ctx.history || ctx.history.strippedOrUnsigned || ctx.level === 'unknown') return [];
    const level = ctx.level;
    const rank = TRUST_RANK[level];
    const stronger = ctx.earlier.filter((e) => TRUST_RANK[e.claimed] > rank);
    for (const candidate of stronger.slice(0, MAX_TRIES)) {
      const verdict = await ctx.verifyEarlier(candidate.version);
      const previous = describePrevious(candidate, verdict);
      if (previous.verification === 'invalid') {
        ctx.recordInvalid(previous);
        continue;
      }
      const lostPublisher = TRUST_RANK[candidate.claimed] === 3;
      const code = lostPublisher ? 'trusted-publisher-lost' : 'provenance-lost';
      const id = `${ctx.name}@${ctx.version}`;
      const by = ctx.self?.publisher ? ` by ${ctx.self.publisher}` : '';
      const has =
        level === 'none'
          ? 'without provenance or a registry signature'
          : level === 'registry-signature'
            ? 'without provenance (a registry signature only)'
            : `with ${levelWords(level)} but not through trusted publishing`;
      const prevBy = candidate.publisher ? ` (published by ${candidate.publisher})` : '';
      const parts = [
        `${id} was published${by} ${has}, but ${candidate.version}, the newest earlier ${ctx.line.label} version with stronger evidence, had ${levelWords(candidate.claimed)}${prevBy}.`,
        verificationSentence(previous),
      ];
      if (!ctx.self?.staged) {
        parts.push(
          'A staged publish (npm stage publish) may look like this where the registry does not show its approval; so does a publish with a stolen token.',
        );
      }
      return [{ code, message: parts.join(' '), previous }];
    }
    return [];
  },
};
