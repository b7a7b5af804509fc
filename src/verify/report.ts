/**
 * Report formats shared by the CLI and the editor's Export Report: JSON (a stable schema other
 * tools read), SARIF 2.1.0 (code scanning) and Markdown, each with the trust findings of the verdicts
 * that carry them. `formatReport` is the one place that picks the format.
 */
import { cleanText } from './format/text';
import { escapeMarkdown, link } from './format/markdown';
import type { TrustAssessment, TrustLevel } from './history/types';
import { README_URL, STATUSES, findingDocsUrl, findingEntry, plainText, reasonDocsUrl, reasonEntry } from './reasons/catalogue';
import type { ProvenanceFacts, RegistryObservation, ScanSummary, TextSpan, TrustInfo, Verdict, VerdictStatus } from './types';

export const REPORT_SCHEMA_VERSION = 1;
export const DOCS_URL = `${README_URL}#reason-codes`;

export type ReportFormat = 'json' | 'sarif' | 'markdown';

/** What a report says besides its results. */
export interface ReportContext {
  toolVersion: string;
  summary: ScanSummary;
  trust?: TrustInfo;
  registries: RegistryObservation[];
}

/** A report in one of the shared formats (JSON and SARIF pretty-printed), ending with a newline. */
export function formatReport(format: ReportFormat, items: ReportItem[], context: ReportContext): string {
  switch (format) {
    case 'json':
      return `${JSON.stringify(toJsonReport(items, context), null, 2)}\n`;
    case 'sarif':
      return `${JSON.stringify(toSarif(items, context), null, 2)}\n`;
    case 'markdown':
      return `${toMarkdown(items, context)}\n`;
  }
}

export interface JsonResult {
  name: string;
  version: string;
  status: VerdictStatus;
  reason?: Verdict['reason'];
  registrySignature?: Verdict['registrySignature'];
  integrity?: string;
  registry?: string;
  attestationRegistry?: string;
  resolvedFrom?: Verdict['resolvedFrom'];
  /** The lockfile location of the installed copy judged, and the tarball URL the lockfile fetches it from. */
  location?: string;
  resolved?: string;
  publishTime?: string;
  manifest?: string;
  /** The provenance facts, including who signed (signerIdentity: the certificate SAN). */
  facts?: ProvenanceFacts;
  /** The trust history of the version, when it was assessed. */
  trust?: Record<string, unknown>;
  /** --diff: what the version replaced. */
  change?: ReportChange;
  /** The entry's line in `manifest`, when it is known. */
  line?: number;
}

/** In a diff (CLI `scan --diff`): whether the package is new, and the version it replaced. */
export interface ReportChange {
  kind: 'added' | 'updated';
  from?: { version: string; status?: VerdictStatus; level?: TrustLevel | 'unknown' };
}

export interface JsonReport {
  schemaVersion: number;
  tool: { name: 'provenance-lens'; version: string };
  results: JsonResult[];
  trust?: TrustInfo;
  registries: RegistryObservation[];
  summary: ScanSummary;
}

/** A verdict with where it was found (for SARIF locations and Markdown grouping). */
export interface ReportItem {
  verdict: Verdict;
  /** File the dependency is declared in (package.json or lockfile), relative or absolute. */
  file?: string;
  /** 1-based line/column range of the version string in `file`, when known. */
  region?: { startLine: number; startColumn: number; endLine: number; endColumn: number };
  /** In a diff: what the version replaced. */
  change?: ReportChange;
}

/** The `trust` member of a JSON result (stable schema). */
export function trustJson(t: TrustAssessment): Record<string, unknown> {
  return {
    level: t.level,
    ...(t.publisher ? { publisher: t.publisher } : {}),
    line: t.line,
    findings: t.findings.map((f) => ({
      code: f.code,
      severity: f.severity,
      message: f.message,
      ...(f.severityNote ? { severityNote: f.severityNote } : {}),
      ...(f.previous ? { previous: f.previous } : {}),
    })),
    ...(t.notes.length ? { notes: t.notes } : {}),
  };
}

export function toJsonResult(item: ReportItem): JsonResult {
  const v = item.verdict;
  const out: JsonResult = { name: v.name, version: v.version, status: v.status };
  if (v.reason) out.reason = v.reason;
  if (v.registrySignature) out.registrySignature = v.registrySignature;
  if (v.integrity) out.integrity = v.integrity;
  if (v.registry) out.registry = v.registry;
  if (v.attestationRegistry) out.attestationRegistry = v.attestationRegistry;
  if (v.resolvedFrom) out.resolvedFrom = v.resolvedFrom;
  if (v.location) out.location = v.location;
  if (v.resolved) out.resolved = v.resolved;
  if (v.publishTime) out.publishTime = v.publishTime;
  if (item.file) out.manifest = item.file;
  if (v.facts) {
    const f = v.facts;
    out.facts = {
      sourceRepository: f.sourceRepository,
      sourceCommit: f.sourceCommit,
      ref: f.ref,
      workflowPath: f.workflowPath,
      runInvocation: f.runInvocation,
      builder: f.builder,
      builderKind: f.builderKind,
      triggerEvent: f.triggerEvent,
      issuer: f.issuer,
      signerIdentity: f.signerIdentity,
      transparencyLog: f.transparencyLog,
      publishTime: f.publishTime,
      predicateType: f.predicateType,
      links: f.links,
    };
  }
  if (v.trust) out.trust = trustJson(v.trust);
  if (item.change) out.change = item.change;
  if (item.region && item.file) out.line = item.region.startLine;
  return out;
}

export function toJsonReport(items: ReportItem[], context: ReportContext): JsonReport {
  return {
    schemaVersion: REPORT_SCHEMA_VERSION,
    tool: { name: 'provenance-lens', version: context.toolVersion },
    results: items.map(toJsonResult),
    trust: context.trust,
    registries: context.registries,
    summary: context.summary,
  };
}

const SARIF_LEVEL: Record<VerdictStatus, 'error' | 'warning' | 'note' | 'none'> = {
  invalid: 'error',
  'no-provenance': 'note',
  unavailable: 'none',
  'not-applicable': 'none',
  verified: 'none',
};

const FINDING_LEVEL = { error: 'error', warning: 'warning', information: 'note', off: 'none' } as const;

interface SarifRule {
  id: string;
  shortDescription: { text: string };
  fullDescription?: { text: string };
  help?: { text: string; markdown: string };
  helpUri: string;
  defaultConfiguration: { level: string };
}

/** A SARIF rule for a code: its catalogue meaning as description and help, its README row as helpUri. */
function sarifRule(id: string, code: string, meaning: string | undefined, uri: string, level: string): SarifRule {
  return {
    id,
    shortDescription: { text: id.replace('/', ': ') },
    ...(meaning
      ? {
          fullDescription: { text: plainText(meaning) },
          help: { text: `${plainText(meaning)} (${uri})`, markdown: `${meaning} ([${code}](${uri}))` },
        }
      : {}),
    helpUri: uri,
    defaultConfiguration: { level },
  };
}

/** The SARIF rule of a reason code under a status. */
const reasonRule = (status: VerdictStatus, code: string): SarifRule =>
  sarifRule(
    `${status}/${code}`,
    code,
    reasonEntry(code)?.meaning,
    reasonDocsUrl(code),
    SARIF_LEVEL[status] === 'none' ? 'note' : SARIF_LEVEL[status],
  );

/** The SARIF rule of a trust-finding code at a severity. */
const findingRule = (code: string, level: string): SarifRule =>
  sarifRule(`trust/${code}`, code, findingEntry(code)?.meaning, findingDocsUrl(code), level);

function sarifLocations(item: ReportItem): object[] {
  return item.file
    ? [
        {
          physicalLocation: {
            artifactLocation: { uri: item.file.split('\\').join('/') },
            ...(item.region ? { region: item.region } : {}),
          },
        },
      ]
    : [];
}

/**
 * SARIF 2.1.0: one result per invalid / no-provenance / unavailable package, rules are reason codes; one
 * result per trust finding (severity other than off), rules `trust/<code>`.
 */
export function toSarif(items: ReportItem[], context: { toolVersion: string }): object {
  const rules = new Map<string, SarifRule>();
  const results: object[] = [];
  for (const item of items) {
    const v = item.verdict;
    if (v.status === 'verified' || v.status === 'not-applicable' || !v.reason) continue;
    const rule = reasonRule(v.status, v.reason.code);
    if (!rules.has(rule.id)) rules.set(rule.id, rule);
    results.push({
      ruleId: rule.id,
      level: SARIF_LEVEL[v.status] === 'none' ? 'note' : SARIF_LEVEL[v.status],
      message: { text: `${v.name}@${v.version}: ${v.reason.message}` },
      locations: sarifLocations(item),
      partialFingerprints: { package: `${v.name}@${v.version}` },
      properties: { status: v.status, reasonCode: v.reason.code, package: v.name, version: v.version },
    });
  }
  for (const item of items) {
    for (const f of item.verdict.trust?.findings ?? []) {
      if (f.severity === 'off') continue;
      const rule = findingRule(f.code, FINDING_LEVEL[f.severity]);
      if (!rules.has(rule.id)) rules.set(rule.id, rule);
      results.push({
        ruleId: rule.id,
        level: FINDING_LEVEL[f.severity],
        message: { text: f.message },
        locations: sarifLocations(item),
        partialFingerprints: { package: `${item.verdict.name}@${item.verdict.version}`, finding: f.code },
        properties: {
          package: item.verdict.name,
          version: item.verdict.version,
          finding: f.code,
          ...(f.previous ? { previousVersion: f.previous.version } : {}),
        },
      });
    }
  }
  return {
    $schema: 'https://json.schemastore.org/sarif-2.1.0.json',
    version: '2.1.0',
    runs: [
      {
        tool: {
          driver: {
            name: 'Provenance Lens',
            version: context.toolVersion,
            informationUri: DOCS_URL,
            rules: [...rules.values()],
          },
        },
        results,
      },
    ],
  };
}

/** Markdown: the summary, registry notes, a table per status (problems first), then the trust findings. */
export function toMarkdown(
  items: ReportItem[],
  context: { summary: ScanSummary; trust?: TrustInfo; registries: RegistryObservation[] },
): string {
  const s = context.summary;
  const lines: string[] = ['# Provenance Lens report', ''];
  lines.push(
    `${s.total} packages: ${s.verified} verified, ${s.invalid} invalid, ${s['no-provenance']} without provenance, ${s.unavailable} unavailable, ${s['not-applicable']} not applicable.`,
    '',
  );
  if (context.trust) lines.push(`Trust material: ${context.trust.source}${context.trust.age ? ` (${context.trust.age} old)` : ''}.`, '');
  for (const r of context.registries) if (r.stripsProvenance && r.message) lines.push(`> **Note:** ${escapeMarkdown(r.message)}`, '');
  lines.push('Provenance says where and how a package was built; it does not say its code is safe.', '');
  for (const status of ['invalid', 'no-provenance', 'unavailable', 'verified', 'not-applicable'] as VerdictStatus[]) {
    const group = items.filter((i) => i.verdict.status === status);
    if (group.length === 0) continue;
    lines.push(`## ${STATUSES[status].title} (${group.length})`, '');
    if (status === 'verified') {
      lines.push('| Package | Source | Commit | Workflow |', '| --- | --- | --- | --- |');
      for (const { verdict: v } of group) {
        const f = v.facts!;
        lines.push(
          `| ${escapeMarkdown(`${v.name}@${v.version}`)} | ${link(f.sourceRepository, f.links.repository)} | ${link(f.sourceCommit.slice(0, 12), f.links.commit)} | ${link(f.workflowPath, f.links.workflow)} |`,
        );
      }
    } else {
      lines.push('| Package | Reason |', '| --- | --- |');
      for (const { verdict: v } of group)
        lines.push(`| ${escapeMarkdown(`${v.name}@${v.version}`)} | ${escapeMarkdown(v.reason?.message ?? '')} |`);
    }
    lines.push('');
  }
  const base = lines.join('\n');
  const findings = items.flatMap((i) => (i.verdict.trust?.findings ?? []).filter((f) => f.severity !== 'off').map((f) => ({ i, f })));
  if (!findings.length) return base;
  const cell = (s: string) => cleanText(s, 2000).replace(/[|\\`*_[\]<>]/g, (c) => `\\${c}`);
  const trust = ['', '## Trust findings', '', '| Package | Finding | Severity | Message |', '| --- | --- | --- | --- |'];
  for (const { i, f } of findings)
    trust.push(`| ${cell(`${i.verdict.name}@${i.verdict.version}`)} | ${f.code} | ${f.severity} | ${cell(f.message)} |`);
  return `${base}\n${trust.join('\n')}`;
}

/** 1-based SARIF region of a span in a text. */
export function spanToRegion(text: string, span: TextSpan): ReportItem['region'] {
  const pos = (offset: number) => {
    let line = 1;
    let col = 1;
    for (let i = 0; i < offset && i < text.length; i++) {
      if (text.charCodeAt(i) === 10) {
        line++;
        col = 1;
      } else col++;
    }
    return { line, col };
  };
  const a = pos(span.offset);
  const b = pos(span.offset + span.length);
  return { startLine: a.line, startColumn: a.col, endLine: b.line, endColumn: b.col };
}
