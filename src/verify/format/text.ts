/**
 * Plain-text hygiene for strings that come from registries, lockfiles or manifests.
 * Used before anything untrusted is shown, whether as markup, decoration text or a message.
 * No `vscode` import: unit-tested in Node.
 */

// C0/C1 controls, bidi embeddings/overrides/isolates, zero-width and BOM characters.
// eslint-disable-next-line no-control-regex
const INVISIBLE = /[\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f-\u009f\u200b-\u200f\u202a-\u202e\u2060-\u2069\ufeff]/g;

/** Removes control and bidi characters, folds line breaks and tabs into spaces and caps the length. */
export function cleanText(value: unknown, maxLength = 200): string {
  const text = typeof value === 'string' ? value : value === undefined || value === null ? '' : String(value);
  const folded = text.replace(/[\r\n\t\u2028\u2029]+/g, ' ').replace(INVISIBLE, '');
  if (folded.length <= maxLength) return folded;
  return `${folded.slice(0, Math.max(0, maxLength - 1))}…`;
}

/** First seven characters of a commit id, when it looks like one. */
export function shortCommit(commit: string | undefined): string {
  if (!commit) return '';
  const clean = cleanText(commit, 80);
  return /^[0-9a-f]{7,64}$/i.test(clean) ? clean.slice(0, 7) : clean.slice(0, 12);
}

/**
 * "owner/repo" for GitHub and GitLab URLs, "host/path" for others; '' when the URL cannot be parsed.
 * The URL comes from verified provenance, but is still treated as text.
 */
export function shortRepository(url: string | undefined): string {
  if (!url) return '';
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    return cleanText(url, 60);
  }
  const path = parsed.pathname.replace(/^\/+/, '').replace(/\/+$/, '').replace(/\.git$/, '');
  const host = parsed.hostname.toLowerCase();
  const short = host === 'github.com' || host === 'gitlab.com' ? path : `${host}/${path}`;
  return cleanText(decodeSafe(short), 80);
}

function decodeSafe(value: string): string {
  try {
    return decodeURIComponent(value);
  } catch {
    return value;
  }
}
