/**
 * Plain-text hygiene for strings that come from registries, lockfiles or manifests.
 * Used before anything untrusted is shown, whether as markup, decoration text or a message.
 * No `vscode` import: unit-tested in Node.
 */
import * as semver from '../util/semver';

// Characters that are invisible, reorder text or change how neighbours render, so that what is shown
// could differ from what it is:
// - C0/C1 controls (line breaks and tabs are folded into spaces before this runs);
// - bidi controls: U+061C Arabic letter mark, U+200E/U+200F marks, U+202A–U+202E embeddings and
//   overrides, U+2066–U+2069 isolates;
// - invisible formatting: U+00AD soft hyphen, U+034F combining grapheme joiner, U+115F/U+1160/U+3164/U+FFA0
//   Hangul fillers, U+17B4/U+17B5 Khmer inherent vowels, U+180B–U+180F Mongolian variation selectors and
//   vowel separator (U+180E), U+200B–U+200D zero-width space/joiners, U+2060–U+2065 word joiner and
//   invisible operators, U+206A–U+206F deprecated format characters, U+FEFF BOM, U+FFF9–U+FFFB interlinear
//   annotation, U+1D173–U+1D17A musical formatting;
// - variation selectors U+FE00–U+FE0F and U+E0100–U+E01EF (they only pick a glyph variant);
// - tag characters U+E0000–U+E007F (invisible ASCII look-alikes).
const INVISIBLE =
  // eslint-disable-next-line no-control-regex, no-misleading-character-class
  /[\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f-\u009f\u00ad\u034f\u061c\u115f\u1160\u17b4\u17b5\u180b-\u180f\u200b-\u200f\u202a-\u202e\u2060-\u206f\u3164\ufe00-\ufe0f\ufeff\uffa0\ufff9-\ufffb\u{1d173}-\u{1d17a}\u{e0000}-\u{e007f}\u{e0100}-\u{e01ef}]/gu;

/** Removes control and bidi characters, folds line breaks and tabs into spaces and caps the length. */
export function cleanText(value: unknown, maxLength = 200): string {
  const text = typeof value === 'string' ? value : value === undefined || value === null ? '' : String(value);
  const folded = text.replace(/[\r\n\t\u2028\u2029]+/g, ' ').replace(INVISIBLE, '');
  if (folded.length <= maxLength) return folded;
  // never cut a surrogate pair in half
  let end = Math.max(0, maxLength - 1);
  if (end > 0 && /[\ud800-\udbff]/.test(folded[end - 1]!)) end--;
  return `${folded.slice(0, end)}…`;
}

/**
 * Whether a string is an exact npm version as a registry should list it: semver-valid and identical to
 * its own canonical form (build metadata kept) (no surrounding or embedded whitespace, no `v` or `=` prefix, no hidden characters).
 * A packument key like " 1.2.3 " or "1.2.3\n" is not offered in completions or written by quick fixes.
 */
export function isExactVersion(value: unknown): value is string {
  if (typeof value !== 'string' || value.length === 0 || value.length > 256) return false;
  const parsed = semver.parse(value);
  if (!parsed) return false;
  const canonical = parsed.build.length ? `${parsed.version}+${parsed.build.join('.')}` : parsed.version;
  return canonical === value && cleanText(value, 256) === value;
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
  const path = parsed.pathname
    .replace(/^\/+/, '')
    .replace(/\/+$/, '')
    .replace(/\.git$/, '');
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
