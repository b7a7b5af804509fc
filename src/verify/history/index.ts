/** Trust history: evidence per version, release lines, findings rules and the service that applies them. */
export * from './types';
export type { TrustHistoryDeps } from './deps';
export { evidenceOf, packageHistory, claimedLevel, type PackageHistory } from './evidence';
export { releaseLineOf, sameLine, earlierInLine } from './lines';
export { repositoryKey, repositoryMatches, workflowFile, refKind } from './repository';
export { TRUST_RULES, DEFAULT_SEVERITY, FINDING_CODES, type TrustRule, type RuleContext, type RuleResult } from './rules';
export { TrustHistory, levelOf, type AssessOptions } from './service';
export { diffLockfiles, type LockfileChange } from './diff';
export { createTrustHistory } from './wire';
