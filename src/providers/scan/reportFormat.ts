/**
 * Export Report contents: the shared JSON / SARIF / Markdown formats (src/verify/report.ts) applied to
 * scan results. No `vscode` import.
 */
import * as path from 'node:path';
import { toJsonReport, toMarkdown, toSarif } from '../../verify/report';
import type { RegistryObservation, ScanSummary, TrustInfo } from '../../verify/types';
import { type ScanResults, toReportItems } from './model';

export type ReportFormat = 'json' | 'sarif' | 'markdown';

export function summariseResults(results: ScanResults): ScanSummary {
  const s: ScanSummary = { total: 0, verified: 0, 'no-provenance': 0, invalid: 0, unavailable: 0, 'not-applicable': 0, elapsedMs: 0 };
  for (const { verdict } of results.items) {
    s.total++;
    if (verdict.status in s) s[verdict.status]++;
  }
  s.elapsedMs = Math.max(0, (results.finishedAt ?? results.startedAt) - results.startedAt);
  return s;
}

export function renderReport(
  results: ScanResults,
  format: ReportFormat,
  context: { root: string; toolVersion: string; trust?: TrustInfo; registries: RegistryObservation[] },
): string {
  const items = toReportItems(results.items, (p) => (context.root ? path.relative(context.root, p) : p));
  const summary = summariseResults(results);
  switch (format) {
    case 'json':
      return `${JSON.stringify(toJsonReport(items, { toolVersion: context.toolVersion, trust: context.trust, registries: context.registries, summary }), null, 2)}\n`;
    case 'sarif':
      return `${JSON.stringify(toSarif(items, { toolVersion: context.toolVersion }), null, 2)}\n`;
    case 'markdown':
      return toMarkdown(items, { summary, trust: context.trust, registries: context.registries });
  }
}
