/**
 * Status bar text for the active package.json. No `vscode` import.
 * Text is `Provenance <verified>/<total>` (with codicons); tooltip lines are plain text.
 */
import type { StatusCounts } from '../state/documentState';

export function statusBarText(counts: StatusCounts, options: { running: boolean; untrusted: boolean }): string {
  const icon = options.running ? '$(sync~spin)' : counts.invalid > 0 ? '$(error)' : '$(shield)';
  const invalid = counts.invalid > 0 ? ` · ${counts.invalid} invalid` : '';
  const trust = options.untrusted ? '$(workspace-untrusted) ' : '';
  return `${trust}${icon} Provenance ${counts.verified}/${counts.total}${invalid}`;
}

export function statusBarTooltip(counts: StatusCounts, notes: readonly string[]): string {
  const lines = [
    `Provenance of this package.json's ${counts.total} dependencies:`,
    `✓ verified: ${counts.verified}`,
    `✗ invalid: ${counts.invalid}`,
    `○ no provenance: ${counts['no-provenance']}`,
    `? unavailable (not checked): ${counts.unavailable}`,
    `· not applicable: ${counts['not-applicable']}`,
  ];
  if (counts.pending) lines.push(`… pending: ${counts.pending}`);
  for (const note of notes) lines.push('', note);
  lines.push('', 'Click to open the Provenance view.');
  return lines.join('\n');
}

/** Whether the status bar should use the warning background. */
export function statusBarWarning(counts: StatusCounts): boolean {
  return counts.invalid > 0;
}
