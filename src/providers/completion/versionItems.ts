/**
 * Version completion inside a dependency's version string. No `vscode` import.
 */
import type { VersionInfo } from '../../verify/api';
import type { Verdict } from '../../verify/types';
import { cleanText, isExactVersion } from '../../verify/format/text';

export interface VersionItem {
  version: string;
  /** 'verified' only when the engine verified this exact version. */
  marker: 'verified' | 'invalid' | 'no-provenance' | 'attested' | 'none' | 'unknown';
  /** Short text shown beside the label. */
  detail: string;
  sortText: string;
  deprecated: boolean;
  publishTime?: string;
  /** The newest verified version: selected by default, so Enter never picks a failed or unchecked one first. */
  preselect?: boolean;
}

const MARKER_TEXT: Record<VersionItem['marker'], string> = {
  verified: '✓ verified provenance',
  invalid: '✗ provenance check failed',
  'no-provenance': '○ no provenance',
  attested: 'provenance advertised (not verified yet)',
  none: '○ no provenance advertised',
  unknown: '? provenance unknown (the registry strips it)',
};

/**
 * Items newest first. `known` holds engine verdicts by `name@version`. With `verifiedOnly`, only
 * versions the engine verified are listed. Only the engine's verdicts say "verified" or "no provenance".
 * Only exact versions are offered (a registry key such as " 1.2.3 " or "1.2.3\n" is skipped: it would be
 * inserted into package.json as it is).
 */
export function versionItems(
  name: string,
  versions: readonly VersionInfo[],
  known: ReadonlyMap<string, Verdict>,
  verifiedOnly: boolean,
  /** The registry was seen stripping attestations: a missing `dist.attestations` says nothing. */
  registryStrips = false,
): VersionItem[] {
  const items: VersionItem[] = [];
  versions.forEach((info) => {
    if (!isExactVersion(info.version)) return;
    const verdict = known.get(`${name}@${info.version}`);
    let marker: VersionItem['marker'];
    if (verdict?.status === 'verified') marker = 'verified';
    else if (verdict?.status === 'invalid') marker = 'invalid';
    else if (verdict?.status === 'no-provenance') marker = 'no-provenance';
    else marker = info.hasAttestations ? 'attested' : registryStrips ? 'unknown' : 'none';
    if (verifiedOnly && marker !== 'verified') return;
    items.push({
      version: info.version,
      marker,
      detail: info.deprecated ? `${MARKER_TEXT[marker]} · deprecated` : MARKER_TEXT[marker],
      sortText: String(items.length).padStart(6, '0'),
      deprecated: Boolean(info.deprecated),
      ...(typeof info.publishTime === 'string' && info.publishTime ? { publishTime: cleanText(info.publishTime, 40) } : {}),
    });
  });
  const newestVerified = items.find((i) => i.marker === 'verified' && !i.deprecated);
  if (newestVerified) newestVerified.preselect = true;
  return items;
}

export interface VersionSlot {
  /** Offset (in the document) where the version part starts (after quote, alias prefix and operator). */
  start: number;
  /** Offset where it ends (before the closing quote). */
  end: number;
  /** Registry name for `npm:` aliases. */
  aliasName?: string;
}

/**
 * Where a version goes inside a spec string literal starting at `literalOffset` (the opening quote).
 * Keeps `npm:name@` and a leading `^`, `~`, `>=`, `<=`, `>`, `<` or `=`. Undefined for non-registry specs.
 */
export function versionSlot(literal: string, literalOffset: number): VersionSlot | undefined {
  if (literal.length < 2 || literal[0] !== '"') return undefined;
  const closed = literal.length >= 2 && literal.endsWith('"') && !literal.endsWith('\\"');
  const body = closed ? literal.slice(1, -1) : literal.slice(1);
  let index = 0;
  let aliasName: string | undefined;
  const alias = /^npm:((?:@[^/@\s]+\/)?[^@\s]+)@/.exec(body);
  if (alias) {
    aliasName = alias[1];
    index = alias[0].length;
  } else if (/^[a-z]+:|^[./~]|\//i.test(body) && !/^[~^<>=]/.test(body)) {
    return undefined; // git, file, link, workspace, URL specs
  }
  const op = /^(?:\^|~|>=|<=|>|<|=)\s*/.exec(body.slice(index));
  if (op) index += op[0].length;
  return { start: literalOffset + 1 + index, end: literalOffset + 1 + body.length, aliasName };
}
