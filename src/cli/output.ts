/** Writing results: human lines, JSON (with `trust` per result), SARIF, Markdown and GitHub workflow annotations. */
import { cleanText } from '../verify/format/text';
import type { TrustAssessment, TrustFinding } from '../verify/history';
import { toJsonReport, toJsonResult, toMarkdown, toSarif, DOCS_URL } from '../verify/report';
import type { RegistryObservation, ScanSummary, TrustInfo } from '../verify/types';
import type { OutputFormat } from './args';
import type { CliItem } from './context';
import { colours, formatLine, formatSummary, type Colours } from './format';

export interface OutputContext {
  toolVersion: string;
  summary: ScanSummary;
  trust?: TrustInfo;
  registries: RegistryObservation[];
  /** Printed before human output (scan). */
  header?: string;
  /** Whether stdout is a terminal that takes colours. */
  colour: boolean;
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

/** Findings that count (severity other than off). */
export const activeFindings = (items: CliItem[]): TrustFinding[] => items.flatMap((i) => (i.verdict.trust?.findings ?? []).filter((f) => f.severity !== 'off'));

export function render(format: OutputFormat, items: CliItem[], ctx: OutputContext): string {
  switch (format) {
    case 'json':
      return `${JSON.stringify(jsonReport(items, ctx), null, 2)}\n`;
    case 'sarif':
      return `${JSON.stringify(sarif(items, ctx), null, 2)}\n`;
    case 'markdown':
      return `${markdown(items, ctx)}\n`;
    case 'github':
      return github(items, ctx);
    default:
      return human(items, ctx);
  }
}

function jsonReport(items: CliItem[], ctx: OutputContext): object {
  const report = toJsonReport(items, { toolVersion: ctx.toolVersion, trust: ctx.trust, registries: ctx.registries, summary: ctx.summary });
  return {
    ...report,
    results: items.map((item) => {
      const r: Record<string, unknown> = { ...toJsonResult(item) };
      if (item.verdict.trust) r.trust = trustJson(item.verdict.trust);
      if (item.change) r.change = item.change;
      if (item.region && item.file) r.line = item.region.startLine;
      return r;
    }),
  };
}

const SARIF_LEVEL = { error: 'error', warning: 'warning', information: 'note', off: 'none' } as const;

function sarif(items: CliItem[], ctx: OutputContext): object {
  const doc = toSarif(items, { toolVersion: ctx.toolVersion }) as { runs: { tool: { driver: { rules: object[] } }; results: object[] }[] };
  const run = doc.runs[0]!;
  const seen = new Set<string>();
  for (const item of items) {
    for (const f of item.verdict.trust?.findings ?? []) {
      if (f.severity === 'off') continue;
      const ruleId = `trust/${f.code}`;
      if (!seen.has(ruleId)) {
        seen.add(ruleId);
        run.tool.driver.rules.push({ id: ruleId, shortDescription: { text: `trust: ${f.code}` }, helpUri: DOCS_URL.replace('#reason-codes', '#trust-history'), defaultConfiguration: { level: SARIF_LEVEL[f.severity] } });
      }
      run.results.push({
        ruleId,
        level: SARIF_LEVEL[f.severity],
        message: { text: f.message },
        locations: item.file ? [{ physicalLocation: { artifactLocation: { uri: item.file.split('\\').join('/') }, ...(item.region ? { region: item.region } : {}) } }] : [],
        partialFingerprints: { package: `${item.verdict.name}@${item.verdict.version}`, finding: f.code },
        properties: { package: item.verdict.name, version: item.verdict.version, finding: f.code, ...(f.previous ? { previousVersion: f.previous.version } : {}) },
      });
    }
  }
  return doc;
}

function markdown(items: CliItem[], ctx: OutputContext): string {
  const base = toMarkdown(items, { summary: ctx.summary, trust: ctx.trust, registries: ctx.registries });
  const findings = items.flatMap((i) => (i.verdict.trust?.findings ?? []).filter((f) => f.severity !== 'off').map((f) => ({ i, f })));
  if (!findings.length) return base;
  const cell = (s: string) => cleanText(s, 2000).replace(/[|\\`*_[\]<>]/g, (c) => `\\${c}`);
  const lines = ['', '## Trust findings', '', '| Package | Finding | Severity | Message |', '| --- | --- | --- | --- |'];
  for (const { i, f } of findings) lines.push(`| ${cell(`${i.verdict.name}@${i.verdict.version}`)} | ${f.code} | ${f.severity} | ${cell(f.message)} |`);
  return `${base}\n${lines.join('\n')}`;
}

/** GitHub Actions workflow commands: `::error file=…,line=…,title=…::message`, escaped as the runner expects. */
function github(items: CliItem[], ctx: OutputContext): string {
  const data = (s: string) => cleanText(s, 4000).replace(/%/g, '%25').replace(/\r/g, '%0D').replace(/\n/g, '%0A');
  const prop = (s: string) => data(s).replace(/:/g, '%3A').replace(/,/g, '%2C');
  const out: string[] = [];
  const annotate = (level: 'error' | 'warning' | 'notice', item: CliItem, title: string, message: string) => {
    const props = [item.file ? `file=${prop(item.file.split('\\').join('/'))}` : '', item.region && item.file ? `line=${item.region.startLine}` : '', `title=${prop(title)}`].filter(Boolean);
    out.push(`::${level} ${props.join(',')}::${data(message)}`);
  };
  for (const item of items) {
    const v = item.verdict;
    const id = `${v.name}@${v.version}`;
    if (v.status === 'invalid' && v.reason) annotate('error', item, `${id}: invalid provenance (${v.reason.code})`, v.reason.message);
    for (const f of v.trust?.findings ?? []) {
      if (f.severity === 'off') continue;
      annotate(f.severity === 'error' ? 'error' : f.severity === 'warning' ? 'warning' : 'notice', item, `${id}: ${f.code}`, f.message);
    }
  }
  out.push(formatSummary(ctx.summary, ctx.trust) + findingsSummary(items));
  return `${out.join('\n')}\n`;
}

function findingsSummary(items: CliItem[]): string {
  const active = activeFindings(items);
  if (!active.length) return '';
  const n = (s: string) => active.filter((f) => f.severity === s).length;
  return `\ntrust findings: ${n('error')} errors, ${n('warning')} warnings, ${n('information')} information`;
}

const MARK: Record<TrustFinding['severity'], string> = { error: 'error', warning: 'warning', information: 'info', off: 'off' };

function human(items: CliItem[], ctx: OutputContext): string {
  const c: Colours = colours(ctx.colour);
  const out: string[] = [];
  if (ctx.header) out.push(ctx.header);
  const seen = new Set<string>();
  for (const item of items) {
    const v = item.verdict;
    let line = formatLine(v, c, seen);
    if (item.change) {
      const from = item.change.from;
      const was = from ? `was ${cleanText(from.version, 80)}${from.level && from.level !== 'unknown' ? ` (${from.level})` : ''}` : 'added';
      const now = v.trust && v.trust.level !== 'unknown' ? ` → ${v.trust.level}` : '';
      line += `  ${c.dim(`[${was}${now}]`)}`;
    }
    out.push(line);
    for (const f of v.trust?.findings ?? []) {
      if (f.severity === 'off') continue;
      const label = `${MARK[f.severity]} ${f.code}`;
      const painted = f.severity === 'error' ? c.red(label) : f.severity === 'warning' ? c.yellow(label) : c.dim(label);
      out.push(`    ${painted}: ${cleanText(f.message, 2000)}`);
    }
  }
  for (const r of ctx.registries) if (r.stripsProvenance && r.message) out.push('', `${c.yellow('note:')} ${r.message}`);
  out.push('', formatSummary(ctx.summary, ctx.trust) + findingsSummary(items));
  return `${out.join('\n')}\n`;
}
