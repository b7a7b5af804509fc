/**
 * Reading the trust policy (`.provenance-lens.json` at the project root; schema in schemas/policy.schema.json).
 * `parsePolicy` is pure (the editor hands it the document text); `findPolicyFile`/`loadPolicy` read disk.
 * A policy with errors is not applied: the caller reports the errors (the CLI exits 2).
 */
import * as path from 'node:path';
import { parse as parseJsonc, printParseErrorCode, type ParseError } from 'jsonc-parser';
import * as semver from '../util/semver';
import { FINDING_CODES } from '../history/rules';
import type { FindingSeverity, TrustFindingCode } from '../history/types';
import { FILE_LIMITS, readRegularTextFile } from '../fs/safeRead';
import { pathExists } from '../fs/exists';
import { POLICY_FILE_NAME, type Policy, type PolicyAllowedSources, type PolicyExclusion, type PolicyRequirement } from './types';
import { isRecord } from '../util/guards';

export interface PolicyParseResult {
  /** Undefined when there are errors. */
  policy?: Policy;
  errors: string[];
}

const SEVERITIES: readonly FindingSeverity[] = ['error', 'warning', 'information', 'off'];
const TOP_KEYS = ['$schema', 'requirements', 'allowedSources', 'severity', 'exclude', 'downgradeInformationAfterDays'];
const MAX_ENTRIES = 1000;

const isString = (v: unknown): v is string => typeof v === 'string' && v.trim() !== '' && v.length <= 1000;

function stringList(v: unknown, where: string, errors: string[]): string[] | undefined {
  const list = typeof v === 'string' ? [v] : v;
  if (!Array.isArray(list) || list.length === 0 || list.length > MAX_ENTRIES || !list.every(isString)) {
    errors.push(`${where} must be a non-empty string or list of strings`);
    return undefined;
  }
  return list.map((s) => s.trim());
}

/** `name@range` (scoped names too); a bare name means every version. */
function splitSpec(spec: string): { name: string; range: string } | undefined {
  const at = spec.indexOf('@', spec.startsWith('@') ? 1 : 0);
  const name = at > 0 ? spec.slice(0, at) : spec;
  const range = at > 0 ? spec.slice(at + 1).trim() || '*' : '*';
  if (!name || /\s/.test(name) || semver.validRange(range) === null) return undefined;
  return { name, range };
}

/** Visits each object of a list setting (at most MAX_ENTRIES), after reporting a non-list, non-objects and unknown keys. */
function forEachEntry(
  value: unknown,
  name: string,
  keys: readonly string[],
  errors: string[],
  visit: (entry: Record<string, unknown>, where: string) => void,
): void {
  if (value === undefined) return;
  if (!Array.isArray(value)) return void errors.push(`${name} must be a list`);
  value.slice(0, MAX_ENTRIES).forEach((entry: unknown, i) => {
    const where = `${name}[${i}]`;
    if (!isRecord(entry)) return void errors.push(`${where} must be an object`);
    for (const k of Object.keys(entry)) if (!keys.includes(k)) errors.push(`${where}: unknown key "${k.slice(0, 80)}"`);
    visit(entry, where);
  });
}

function parseRequirements(value: unknown, errors: string[]): PolicyRequirement[] {
  const requirements: PolicyRequirement[] = [];
  forEachEntry(value, 'requirements', ['packages', 'evidence', 'sourceRepositories'], errors, (r, where) => {
    const packages = stringList(r.packages, `${where}.packages`, errors);
    const evidence = r.evidence ?? 'provenance';
    if (evidence !== 'provenance' && evidence !== 'trusted-publisher')
      errors.push(`${where}.evidence must be "provenance" or "trusted-publisher"`);
    const sources =
      r.sourceRepositories === undefined ? undefined : stringList(r.sourceRepositories, `${where}.sourceRepositories`, errors);
    if (sources?.some((s) => !s.includes('/')))
      errors.push(`${where}.sourceRepositories: give host/owner/name patterns such as github.com/myorg/*`);
    if (packages)
      requirements.push({
        packages,
        evidence: evidence === 'trusted-publisher' ? 'trusted-publisher' : 'provenance',
        ...(sources ? { sourceRepositories: sources } : {}),
      });
  });
  return requirements;
}

function parseAllowedSources(value: unknown, errors: string[]): PolicyAllowedSources[] {
  const allowedSources: PolicyAllowedSources[] = [];
  if (value === undefined) return allowedSources;
  if (!isRecord(value)) {
    errors.push('allowedSources must be an object: { "<package pattern>": ["github.com/owner/repo", …] }');
    return allowedSources;
  }
  for (const [pattern, repos] of Object.entries(value).slice(0, MAX_ENTRIES)) {
    const list = stringList(repos, `allowedSources["${pattern.slice(0, 80)}"]`, errors);
    if (list?.some((s) => !s.includes('/')))
      errors.push(`allowedSources["${pattern.slice(0, 80)}"]: give host/owner/name patterns such as github.com/myorg/*`);
    if (list) allowedSources.push({ packages: pattern, repositories: list });
  }
  return allowedSources;
}

function parseSeverities(value: unknown, errors: string[]): Partial<Record<TrustFindingCode, FindingSeverity>> {
  const severity: Partial<Record<TrustFindingCode, FindingSeverity>> = {};
  if (value === undefined) return severity;
  if (!isRecord(value)) {
    errors.push('severity must be an object: { "<finding code>": "error" | "warning" | "information" | "off" }');
    return severity;
  }
  for (const [code, level] of Object.entries(value)) {
    if (!FINDING_CODES.includes(code as TrustFindingCode))
      errors.push(`severity: unknown finding code "${code.slice(0, 80)}" (known: ${FINDING_CODES.join(', ')})`);
    else if (!SEVERITIES.includes(level as FindingSeverity)) errors.push(`severity["${code}"] must be one of ${SEVERITIES.join(', ')}`);
    else severity[code as TrustFindingCode] = level as FindingSeverity;
  }
  return severity;
}

function parseExclusions(value: unknown, errors: string[]): PolicyExclusion[] {
  const exclusions: PolicyExclusion[] = [];
  forEachEntry(value, 'exclude', ['package', 'reason', 'findings'], errors, (e, where) => {
    const spec = isString(e.package) ? e.package.trim() : undefined;
    const parts = spec ? splitSpec(spec) : undefined;
    if (!parts) errors.push(`${where}.package must be name@range, e.g. "semver@<7"`);
    if (!isString(e.reason)) errors.push(`${where}.reason is required: say why the exclusion is safe`);
    let findings: TrustFindingCode[] | undefined;
    if (e.findings !== undefined) {
      const list = stringList(e.findings, `${where}.findings`, errors);
      const unknown = list?.filter((c) => !FINDING_CODES.includes(c as TrustFindingCode));
      if (unknown?.length) errors.push(`${where}.findings: unknown finding code ${unknown.map((c) => `"${c.slice(0, 80)}"`).join(', ')}`);
      else if (list) findings = list as TrustFindingCode[];
    }
    if (spec && parts && isString(e.reason))
      exclusions.push({ spec, ...parts, reason: e.reason.trim(), ...(findings ? { findings } : {}) });
  });
  return exclusions;
}

/** Parse and check a policy document (JSON with comments allowed). `source` names it in messages. */
export function parsePolicy(text: string, source = POLICY_FILE_NAME): PolicyParseResult {
  const errors: string[] = [];
  const parseErrors: ParseError[] = [];
  const doc = parseJsonc(text, parseErrors, { allowTrailingComma: true, disallowComments: false }) as unknown;
  if (parseErrors.length) {
    return { errors: parseErrors.slice(0, 5).map((e) => `${source}: ${printParseErrorCode(e.error)} at offset ${e.offset}`) };
  }
  if (!isRecord(doc)) return { errors: [`${source}: the policy must be a JSON object`] };
  for (const k of Object.keys(doc))
    if (!TOP_KEYS.includes(k)) errors.push(`unknown setting "${k.slice(0, 80)}" (known: ${TOP_KEYS.slice(1).join(', ')})`);

  const requirements = parseRequirements(doc.requirements, errors);
  const allowedSources = parseAllowedSources(doc.allowedSources, errors);
  const severity = parseSeverities(doc.severity, errors);
  const exclusions = parseExclusions(doc.exclude, errors);

  let downgradeInformationAfterDays: number | undefined;
  if (doc.downgradeInformationAfterDays !== undefined) {
    const d = doc.downgradeInformationAfterDays;
    if (typeof d !== 'number' || !Number.isFinite(d) || d < 0)
      errors.push('downgradeInformationAfterDays must be a number of days (0 or more)');
    else downgradeInformationAfterDays = d;
  }

  if (errors.length) return { errors: errors.map((e) => `${source}: ${e}`) };
  return {
    policy: {
      requirements,
      allowedSources,
      severity,
      exclusions,
      ...(downgradeInformationAfterDays !== undefined ? { downgradeInformationAfterDays } : {}),
    },
    errors: [],
  };
}

/**
 * The policy file that applies to `dir`: `dir/.provenance-lens.json`, else the nearest one above it, never
 * looking past the repository root (the first folder with `.git`); without a repository only `dir` itself.
 */
export async function findPolicyFile(dir: string): Promise<string | undefined> {
  const start = path.resolve(dir);
  const chain: string[] = [];
  let current = start;
  let repoRoot: string | undefined;
  for (let i = 0; i < 64; i++) {
    chain.push(current);
    if (await pathExists(path.join(current, '.git'))) {
      repoRoot = current;
      break;
    }
    const parent = path.dirname(current);
    if (parent === current) break;
    current = parent;
  }
  const candidates = repoRoot ? chain : [start];
  for (const d of candidates) {
    const file = path.join(d, POLICY_FILE_NAME);
    if (await pathExists(file)) return file;
  }
  return undefined;
}

/** Read a policy file (`file`), or find the one for `dir`. No file: `{ errors: [] }` with no policy. */
export async function loadPolicy(options: { file?: string; dir?: string }): Promise<PolicyParseResult & { path?: string }> {
  const file = options.file ?? (options.dir ? await findPolicyFile(options.dir) : undefined);
  if (!file) return { errors: [] };
  let text: string;
  try {
    text = await readRegularTextFile(file, { maxBytes: FILE_LIMITS.manifest, what: 'policy file' });
  } catch (err) {
    return { path: file, errors: [`${file}: could not be read (${(err as NodeJS.ErrnoException).code ?? (err as Error).message})`] };
  }
  const parsed = parsePolicy(text, file);
  return { ...parsed, ...(parsed.policy ? { policy: { ...parsed.policy, path: file } } : {}), path: file };
}
