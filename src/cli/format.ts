/** Human output of the CLI: one line per package and a summary. */
import { cleanText, shortRepository } from '../verify/format/text';
import { STATUSES } from '../verify/reasons/catalogue';
import type { ScanSummary, TrustInfo, Verdict } from '../verify/types';

export interface Colours {
  green(s: string): string;
  red(s: string): string;
  yellow(s: string): string;
  dim(s: string): string;
  bold(s: string): string;
}

export function colours(enabled: boolean): Colours {
  const wrap = (open: number, close: number) => (s: string) => (enabled ? `\x1b[${open}m${s}\x1b[${close}m` : s);
  return { green: wrap(32, 39), red: wrap(31, 39), yellow: wrap(33, 39), dim: wrap(2, 22), bold: wrap(1, 22) };
}

/**
 * One line per package. `seen` collects reason codes already explained, so a reason shared by many
 * packages (a stripping mirror, say) is spelled out once and then named by its code.
 */
export function formatLine(v: Verdict, c: Colours, seen?: Set<string>): string {
  const label = STATUSES[v.status].cli.padEnd(13);
  const id = cleanText(`${v.name}@${v.version}`, 240);
  // Two copies of one version are told apart by where the lockfile installs them.
  const where = v.location ? `  [${cleanText(v.location, 240)}]` : '';
  let detail = '';
  if (v.status === 'verified' && v.facts) {
    detail = `${shortRepository(v.facts.sourceRepository)}@${cleanText(v.facts.sourceCommit, 80).slice(0, 7)}`;
  } else if (v.reason) {
    const key = `${v.status}/${v.reason.code}/${v.registry ?? ''}`;
    const repeated = seen?.has(key) && v.reason.code !== 'lockfile-integrity-mismatch' && v.status !== 'invalid';
    seen?.add(key);
    detail = repeated ? `${v.reason.code} (as above)` : `${v.reason.code}: ${v.reason.message}`;
  }
  const painted =
    v.status === 'verified'
      ? c.green(label)
      : v.status === 'invalid'
        ? c.red(c.bold(label))
        : v.status === 'no-provenance'
          ? c.yellow(label)
          : c.dim(label);
  return `${painted} ${id}${detail ? `  ${c.dim(cleanText(detail, 1000))}` : ''}${where ? c.dim(where) : ''}`;
}

export function formatSummary(s: ScanSummary, trust?: TrustInfo): string {
  const parts = [
    `${s.verified} verified`,
    `${s.invalid} invalid`,
    `${s['no-provenance']} without provenance`,
    `${s.unavailable} unavailable`,
    `${s['not-applicable']} not applicable`,
  ];
  const seconds = (s.elapsedMs / 1000).toFixed(s.elapsedMs < 10_000 ? 2 : 1);
  const trustLine = trust ? `\ntrust: ${trust.source}${trust.age ? ` (${trust.age} old)` : ''}${trust.note ? ` — ${trust.note}` : ''}` : '';
  return `${s.total} ${s.total === 1 ? 'package' : 'packages'}: ${parts.join(', ')} — in ${seconds}s${trustLine}`;
}
