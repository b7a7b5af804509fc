/**
 * The README's reason-code and finding-code tables, written from the catalogue. `npm run docs:reasons`
 * rewrites them (scripts/docs-reasons.ts); test/unit/reasons checks that the README is up to date.
 * Each row's first cell carries the anchor the per-code links point at (`#reason-<code>`, `#finding-<code>`).
 */
import { FINDINGS, REASONS, findingAnchor, reasonAnchor, type ReasonCode, type TrustFindingCode } from './catalogue';

/** A generated block: the lines between its begin and end markers (HTML comments, invisible when rendered). */
export interface GeneratedBlock {
  name: string;
  render(): string;
}

export const REASON_TABLE: GeneratedBlock = {
  name: 'reason-codes',
  render: () =>
    [
      '| Code | Verdict | Label | Meaning |',
      '| --- | --- | --- | --- |',
      ...Object.entries(REASONS).map(
        ([code, r]) => `| <a id="${reasonAnchor(code as ReasonCode)}"></a>\`${code}\` | ${r.status} | ${r.label} | ${r.meaning} |`,
      ),
    ].join('\n'),
};

export const FINDING_TABLE: GeneratedBlock = {
  name: 'finding-codes',
  render: () =>
    [
      '| Code | Default | Meaning |',
      '| --- | --- | --- |',
      ...Object.entries(FINDINGS).map(
        ([code, f]) => `| <a id="${findingAnchor(code as TrustFindingCode)}"></a>\`${code}\` | ${f.severity} | ${f.meaning} |`,
      ),
    ].join('\n'),
};

export const README_BLOCKS: readonly GeneratedBlock[] = [REASON_TABLE, FINDING_TABLE];

const begin = (name: string) => `<!-- ${name}: generated from src/verify/reasons/catalogue.ts by npm run docs:reasons -->`;
const end = (name: string) => `<!-- /${name} -->`;

/** The text between a block's markers, or undefined when the markers are missing. */
export function readBlock(readme: string, name: string): string | undefined {
  const a = readme.indexOf(begin(name));
  const b = readme.indexOf(end(name));
  if (a < 0 || b < a) return undefined;
  return readme
    .slice(a + begin(name).length, b)
    .replace(/^\n+/, '')
    .replace(/\n+$/, '');
}

/** The README with every generated block rewritten; throws when a block's markers are missing. */
export function writeBlocks(readme: string, blocks: readonly GeneratedBlock[] = README_BLOCKS): string {
  let out = readme;
  for (const block of blocks) {
    const a = out.indexOf(begin(block.name));
    const b = out.indexOf(end(block.name));
    if (a < 0 || b < a) throw new Error(`README.md has no ${begin(block.name)} … ${end(block.name)} markers`);
    // Blank lines around the table: a comment right after a table's last row could be read as a row.
    out = `${out.slice(0, a)}${begin(block.name)}\n\n${block.render()}\n\n${out.slice(b)}`;
  }
  return out;
}
