/** Human output of the CLI: one line per package and a summary. */
import type { ScanSummary, TrustInfo, Verdict, VerdictStatus } from '../verify/types';

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

/** Strip control characters from registry-provided strings before they reach a terminal. */
export function sanitise(s: string): string {
  // eslint-disable-next-line no-control-regex
  return s.replace(/[\u0000-\u001f\u007f-\u009f\u202a-\u202e\u2066-\u2069]/g, '�');
}

const LABEL: Record<VerdictStatus, string> = {
  verified: 'verified',
  invalid: 'INVALID',
  'no-provenance': 'no provenance',
  unavailable: 'unavailable',
  'not-applicable': 'n/a',
};

export function shortRepo(url: string): string {
  const m = /^https:\/\/(?:github\.com|gitlab\.com)\/(.+?)(?:\.git)?$/.exec(url);
  return m ? m[1] : url;
}

/**
 * One line per package. `seen` collects reason codes already explained, so a reason shared by many
 * packages (a stripping mirror, say) is spelled out once and then named by its code.
 */
export function formatLine(v: Verdict, c: Colours, seen?: Set<string>): string {
  const label = LABEL[v.status].padEnd(13);
  const id = sanitise(`${v.name}@${v.version}`);
  let detail = '';
  if (v.status === 'verified' && v.facts) {
    detail = `${shortRepo(v.facts.sourceRepository)}@${v.facts.sourceCommit.slice(0, 7)}`;
  } else if (v.reason) {
    const key = `${v.status}/${v.reason.code}/${v.registry ?? ''}`;
    const repeated = seen?.has(key) && v.reason.code !== 'lockfile-integrity-mismatch' && v.status !== 'invalid';
    seen?.add(key);
    detail = repeated ? `${v.reason.code} (as above)` : `${v.reason.code}: ${v.reason.message}`;
  }
  const painted =
    v.status === 'verified' ? c.green(label) : v.status === 'invalid' ? c.red(c.bold(label)) : v.status === 'no-provenance' ? c.yellow(label) : c.dim(label);
  return `${painted} ${id}${detail ? `  ${c.dim(sanitise(detail))}` : ''}`;
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
