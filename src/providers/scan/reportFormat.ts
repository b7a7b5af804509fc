/**
 * Export Report contents: the shared JSON / SARIF / Markdown formats (src/verify/report.ts, the same as
 * the CLI's) applied to scan results. No `vscode` import.
 */
import * as path from 'node:path';
import { formatReport, type ReportFormat } from '../../verify/report';
import { summarise } from '../../verify/summary';
import type { RegistryObservation, ScanSummary, TrustInfo } from '../../verify/types';
import { type ScanResults, toReportItems } from './scanResults';

export type { ReportFormat };

export function summariseResults(results: ScanResults): ScanSummary {
  return summarise(
    results.items.map((i) => i.verdict),
    Math.max(0, (results.finishedAt ?? results.startedAt) - results.startedAt),
  );
}

export function renderReport(
  results: ScanResults,
  format: ReportFormat,
  context: { root: string; toolVersion: string; trust?: TrustInfo; registries: RegistryObservation[] },
): string {
  const items = toReportItems(results.items, (p) => (context.root ? path.relative(context.root, p) : p));
  return formatReport(format, items, {
    toolVersion: context.toolVersion,
    trust: context.trust,
    registries: context.registries,
    summary: summariseResults(results),
  });
}
