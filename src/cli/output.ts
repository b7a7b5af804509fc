/**
 * Writing results: human lines and GitHub workflow annotations here; JSON, SARIF and Markdown are the
 * shared report formats (src/verify/report.ts, also behind the editor's Export Report).
 */
import { cleanText } from '../verify/format/text';
import type { TrustFinding } from '../verify/history';
import { formatReport } from '../verify/report';
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

/** Findings that count (severity other than off). */
export const activeFindings = (items: CliItem[]): TrustFinding[] =>
  items.flatMap((i) => (i.verdict.trust?.findings ?? []).filter((f) => f.severity !== 'off'));

export function render(format: OutputFormat, items: CliItem[], ctx: OutputContext): string {
  switch (format) {
    case 'json':
    case 'sarif':
    case 'markdown':
      return formatReport(format, items, ctx);
    case 'github':
      return github(items, ctx);
    default:
      return human(items, ctx);
  }
}

/** GitHub Actions workflow commands: `::error file=…,line=…,title=…::message`, escaped as the runner expects. */
function github(items: CliItem[], ctx: OutputContext): string {
  const data = (s: string) => cleanText(s, 4000).replace(/%/g, '%25').replace(/\r/g, '%0D').replace(/\n/g, '%0A');
  const prop = (s: string) => data(s).replace(/:/g, '%3A').replace(/,/g, '%2C');
  const out: string[] = [];
  const annotate = (level: 'error' | 'warning' | 'notice', item: CliItem, title: string, message: string) => {
    const props = [
      item.file ? `file=${prop(item.file.split('\\').join('/'))}` : '',
      item.region && item.file ? `line=${item.region.startLine}` : '',
      `title=${prop(title)}`,
    ].filter(Boolean);
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
