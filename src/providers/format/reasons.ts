/**
 * Reason codes as the editor shows them: badge labels and explanation links, all from the engine's
 * catalogue (src/verify/reasons/catalogue.ts). No `vscode` import.
 */
import { README_URL, STATUSES, reasonDocsUrl, reasonEntry, type VerdictStatus } from '../../verify/reasons/catalogue';

export { reasonDocsUrl };

/** The README's reason-code section (the editor's links fall back to it). */
export const DOCS_URL = `${README_URL}#reason-codes`;

/** A few words for a badge; unknown codes (a newer engine) fall back to the code itself. */
export function shortReason(code: string | undefined): string {
  if (!code) return '';
  return reasonEntry(code)?.label ?? code.replace(/[^a-z0-9-]/gi, '').replace(/-/g, ' ');
}

export const STATUS_LABEL: Record<VerdictStatus | 'pending', string> = {
  ...Object.fromEntries(Object.entries(STATUSES).map(([status, entry]) => [status, entry.title])),
  pending: 'Pending',
} as Record<VerdictStatus | 'pending', string>;
