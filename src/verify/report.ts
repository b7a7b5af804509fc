/**
 * Report formats shared by the CLI and the editor's Export Report: JSON (a stable schema other
 * tools read), SARIF 2.1.0 (code scanning) and Markdown.
 */
import { escapeMarkdown, link } from './format/markdown';
import type { ProvenanceFacts, RegistryObservation, ScanSummary, TextSpan, TrustInfo, Verdict, VerdictStatus } from './types';

export const REPORT_SCHEMA_VERSION = 1;
export const DOCS_URL = 'https://github.com/provenance-lens/provenance-lens#reason-codes';

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
  return out;
}

export function toJsonReport(
  items: ReportItem[],
  context: { toolVersion: string; trust?: TrustInfo; registries: RegistryObservation[]; summary: ScanSummary },
): JsonReport {
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

/** SARIF 2.1.0: one result per invalid / no-provenance / unavailable package; rules are reason codes. */
export function toSarif(items: ReportItem[], context: { toolVersion: string }): object {
  const rules = new Map<string, { id: string; shortDescription: { text: string }; helpUri: string; defaultConfiguration: { level: string } }>();
  const results: object[] = [];
  for (const item of items) {
    const v = item.verdict;
    if (v.status === 'verified' || v.status === 'not-applicable' || !v.reason) continue;
    const ruleId = `${v.status}/${v.reason.code}`;
    if (!rules.has(ruleId)) {
      rules.set(ruleId, {
        id: ruleId,
        shortDescription: { text: `${v.status}: ${v.reason.code}` },
        helpUri: `${DOCS_URL}`,
        defaultConfiguration: { level: SARIF_LEVEL[v.status] === 'none' ? 'note' : SARIF_LEVEL[v.status] },
      });
    }
    const location = item.file
      ? [
          {
            physicalLocation: {
              artifactLocation: { uri: item.file.split('\\').join('/') },
              ...(item.region ? { region: item.region } : {}),
            },
          },
        ]
      : [];
    results.push({
      ruleId,
      level: SARIF_LEVEL[v.status] === 'none' ? 'note' : SARIF_LEVEL[v.status],
      message: { text: `${v.name}@${v.version}: ${v.reason.message}` },
      locations: location,
      partialFingerprints: { package: `${v.name}@${v.version}` },
      properties: { status: v.status, reasonCode: v.reason.code, package: v.name, version: v.version },
    });
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

const STATUS_TITLE: Record<VerdictStatus, string> = {
  invalid: 'Invalid',
  'no-provenance': 'No provenance',
  unavailable: 'Unavailable',
  verified: 'Verified',
  'not-applicable': 'Not applicable',
};

export function toMarkdown(items: ReportItem[], context: { summary: ScanSummary; trust?: TrustInfo; registries: RegistryObservation[] }): string {
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
    lines.push(`## ${STATUS_TITLE[status]} (${group.length})`, '');
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
      for (const { verdict: v } of group) lines.push(`| ${escapeMarkdown(`${v.name}@${v.version}`)} | ${escapeMarkdown(v.reason?.message ?? '')} |`);
    }
    lines.push('');
  }
  return lines.join('\n');
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
