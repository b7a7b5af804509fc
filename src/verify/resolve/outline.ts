/**
 * Reading a package.json with positions, as npm reads it (a byte-order mark skipped, the last of duplicate
 * keys counts): every dependency with the span of its key and of its spec (both including the quotes),
 * each section's key, the syntax errors, and problems for people. The one reading of package.json: the
 * engine's parseManifest (./manifest.ts) classifies its specs, the editor's locator
 * (src/providers/locate/manifestLocator.ts) puts badges, hovers and quick fixes on its spans.
 *
 * The text is parsed with jsonc-parser, which recovers from errors: a malformed package.json gives
 * problems (with spans) and still every dependency that could be read. Imports only jsonc-parser (the
 * editor loads it at activation).
 */
// The ES module entry: jsonc-parser's UMD entry hides its requires from bundlers, and the editor loads this file at activation.
import { getNodeValue, parseTree, printParseErrorCode, ParseErrorCode, type Node, type ParseError } from 'jsonc-parser/lib/esm/main.js';
import type { DependencySection, ManifestParseResult, TextSpan } from '../types';

/**
 * What a package.json says about how the installer picks versions, beyond the dependency sections (read as written;
 * interpreted by ./overrides.ts): npm `overrides`, yarn (and bun) `resolutions`, `pnpm.overrides`, `packageManager`.
 */
export interface InstallerFields {
  overrides?: unknown;
  resolutions?: unknown;
  pnpmOverrides?: unknown;
  packageManager?: string;
}

export const DEPENDENCY_SECTIONS: readonly DependencySection[] = [
  'dependencies',
  'devDependencies',
  'optionalDependencies',
  'peerDependencies',
];

type Problem = ManifestParseResult['problems'][number];

/** One entry of a dependency section as written (spans include the quotes). */
export interface ManifestEntry {
  section: DependencySection;
  name: string;
  /** Undefined when the value is not a string (a problem says so). */
  spec?: string;
  nameSpan: TextSpan;
  specSpan: TextSpan;
  /** The key or the value is an unterminated string (being typed): not a spec, the parse problem says where. */
  unterminated?: true;
}

/** A package.json read but not interpreted. */
export interface ManifestOutline {
  packageName?: string;
  packageVersion?: string;
  workspaces?: string[];
  installer?: InstallerFields;
  /** Every dependency entry in document order (section by section as they appear); the last of duplicates only. */
  entries: ManifestEntry[];
  /** The key (with quotes) of each dependency section, the one that counts when a section appears twice. */
  sectionKeys: Partial<Record<DependencySection, TextSpan>>;
  /** jsonc-parser's syntax errors, as it reports them (code: its ParseErrorCode). */
  syntaxErrors: { offset: number; length: number; code: number }[];
  /** Whether the text holds a JSON value at all (false when empty or only white space). */
  hasValue: boolean;
  /** Problems for people (malformed JSON, wrong types, duplicates), with spans. */
  problems: Problem[];
}

/** Read package.json text into its outline. Never throws. */
export function readManifest(text: string): ManifestOutline {
  const result: ManifestOutline = { entries: [], sectionKeys: {}, syntaxErrors: [], hasValue: false, problems: [] };
  if (typeof text !== 'string') {
    result.problems.push({ message: 'package.json could not be read as text.', span: { offset: 0, length: 0 } });
    return result;
  }
  try {
    readInto(text, result);
  } catch (err) {
    // jsonc-parser does not throw on bad input; this is a last line of defence so callers never see an exception.
    result.problems.push({
      message: `package.json could not be parsed: ${(err as Error)?.message ?? String(err)}`,
      span: { offset: 0, length: text.length },
    });
  }
  return result;
}

function readInto(text: string, result: ManifestOutline): void {
  const errors: ParseError[] = [];
  // npm strips a byte-order mark; replacing it by a space keeps every offset pointing into the original text.
  const source = text.charCodeAt(0) === 0xfeff ? ` ${text.slice(1)}` : text;
  const root = parseTree(source, errors, { allowTrailingComma: false, disallowComments: true, allowEmptyContent: true });
  result.hasValue = root !== undefined;
  result.syntaxErrors = errors.map((e) => ({ offset: e.offset, length: e.length, code: e.error }));
  const brokenStrings = new Set<number>();
  const seenProblems = new Set<string>();
  for (const e of errors) {
    if (e.error === ParseErrorCode.UnexpectedEndOfString) brokenStrings.add(e.offset);
    const problem = parseErrorProblem(e, text);
    // jsonc-parser can report the same thing twice at one place (a trailing comma, nested unclosed braces).
    const key = `${problem.span.offset}:${problem.message}`;
    if (seenProblems.has(key)) continue;
    seenProblems.add(key);
    result.problems.push(problem);
  }

  if (!root) {
    if (text.trim() === '') result.problems.push({ message: 'package.json is empty.', span: { offset: 0, length: text.length } });
    else if (errors.length === 0)
      result.problems.push({ message: 'package.json has no JSON object.', span: { offset: 0, length: text.length } });
    return;
  }
  if (root.type !== 'object') {
    result.problems.push({ message: `package.json must contain a JSON object, not ${describeType(root)}.`, span: spanOf(root) });
    return;
  }

  // JSON.parse (and so npm) keeps the last of duplicate keys: do the same, and say so.
  const top = lastProperties(root, result.problems, (key) => `"${key}" appears more than once in package.json; only the last one counts.`);
  const nameNode = top.get('name');
  if (nameNode) {
    if (nameNode.type === 'string') result.packageName = nameNode.value as string;
    else result.problems.push({ message: `"name" must be a string, not ${describeType(nameNode)}.`, span: spanOf(nameNode) });
  }
  const versionNode = top.get('version');
  if (versionNode) {
    if (versionNode.type === 'string') result.packageVersion = versionNode.value as string;
    else result.problems.push({ message: `"version" must be a string, not ${describeType(versionNode)}.`, span: spanOf(versionNode) });
  }
  const workspacesNode = top.get('workspaces');
  if (workspacesNode) result.workspaces = readWorkspaces(workspacesNode, result.problems);
  const installer: InstallerFields = {};
  const overridesNode = top.get('overrides');
  if (overridesNode) installer.overrides = getNodeValue(overridesNode);
  const resolutionsNode = top.get('resolutions');
  if (resolutionsNode) installer.resolutions = getNodeValue(resolutionsNode);
  const pnpmNode = top.get('pnpm');
  if (pnpmNode?.type === 'object') {
    const pnpmOverrides = lastProperties(pnpmNode, [], () => '').get('overrides');
    if (pnpmOverrides) installer.pnpmOverrides = getNodeValue(pnpmOverrides);
  }
  const pmNode = top.get('packageManager');
  if (pmNode?.type === 'string') installer.packageManager = pmNode.value as string;
  if (Object.keys(installer).length > 0) result.installer = installer;

  // Dependencies in document order (section by section as they appear), which is the order the editor shows them.
  const sections = [...top.entries()]
    .filter(([key]) => (DEPENDENCY_SECTIONS as readonly string[]).includes(key))
    .sort((a, b) => a[1].offset - b[1].offset);
  for (const [key, node] of sections) {
    const keyNode = node.parent?.children?.[0];
    if (keyNode) result.sectionKeys[key as DependencySection] = spanOf(keyNode);
    readSection(key as DependencySection, node, result, brokenStrings);
  }
}

function readSection(section: DependencySection, node: Node, result: ManifestOutline, brokenStrings: ReadonlySet<number>): void {
  if (node.type !== 'object') {
    if (node.type !== 'null')
      result.problems.push({ message: `"${section}" must be an object of name → spec, not ${describeType(node)}.`, span: spanOf(node) });
    return;
  }
  const seen = new Map<string, Node>();
  const deps: { keyNode: Node; valueNode: Node }[] = [];
  for (const prop of node.children ?? []) {
    const keyNode = prop.children?.[0];
    const valueNode = prop.children?.[1];
    if (!keyNode || keyNode.type !== 'string') continue;
    const name = keyNode.value as string;
    if (name.trim() === '') {
      result.problems.push({ message: `An entry in "${section}" has an empty package name.`, span: spanOf(keyNode) });
      continue;
    }
    if (!valueNode) {
      // e.g. `"foo":` cut off by a syntax error: already reported as a parse problem.
      continue;
    }
    const previous = seen.get(name);
    if (previous) {
      result.problems.push({
        message: `"${name}" appears more than once in "${section}"; npm uses only the last one.`,
        span: spanOf(previous),
      });
      const i = deps.findIndex((d) => d.keyNode === previous);
      if (i >= 0) deps.splice(i, 1);
    }
    seen.set(name, keyNode);
    deps.push({ keyNode, valueNode });
  }
  for (const { keyNode, valueNode } of deps) {
    const entry: ManifestEntry = { section, name: keyNode.value as string, nameSpan: spanOf(keyNode), specSpan: spanOf(valueNode) };
    if (valueNode.type === 'string') entry.spec = valueNode.value as string;
    if (brokenStrings.has(valueNode.offset) || brokenStrings.has(keyNode.offset)) {
      // An unterminated string: its text runs to the end of the line and is not the spec. The parse problem says where.
      entry.unterminated = true;
    } else if (valueNode.type !== 'string') {
      result.problems.push({
        message: `The spec of "${entry.name}" in "${section}" must be a string, not ${describeType(valueNode)}.`,
        span: spanOf(valueNode),
      });
    }
    result.entries.push(entry);
  }
}

function readWorkspaces(node: Node, problems: Problem[]): string[] | undefined {
  let list: Node | undefined = node;
  if (node.type === 'object') {
    // yarn classic: { "packages": [...], "nohoist": [...] }
    list = lastProperties(node, problems, (key) => `"workspaces.${key}" appears more than once; only the last one counts.`).get('packages');
    if (!list) return [];
  }
  if (list.type !== 'array') {
    problems.push({
      message: `"workspaces" must be an array of folder globs (or { "packages": [...] }), not ${describeType(list)}.`,
      span: spanOf(list),
    });
    return undefined;
  }
  const globs: string[] = [];
  for (const item of list.children ?? []) {
    if (item.type === 'string') globs.push(item.value as string);
    else problems.push({ message: `Each workspace must be a folder glob string, not ${describeType(item)}.`, span: spanOf(item) });
  }
  return globs;
}

/** Properties of an object node by key, keeping the last of duplicates (as JSON.parse does), with a problem for the others. */
function lastProperties(node: Node, problems: Problem[], duplicateMessage: (key: string) => string): Map<string, Node> {
  const out = new Map<string, Node>();
  const keys = new Map<string, Node>();
  for (const prop of node.children ?? []) {
    const keyNode = prop.children?.[0];
    const valueNode = prop.children?.[1];
    if (!keyNode || keyNode.type !== 'string' || !valueNode) continue;
    const key = keyNode.value as string;
    const earlier = keys.get(key);
    if (earlier) problems.push({ message: duplicateMessage(key), span: spanOf(earlier) });
    keys.set(key, keyNode);
    out.set(key, valueNode);
  }
  return out;
}

function spanOf(node: Node): TextSpan {
  return { offset: node.offset, length: node.length };
}

function describeType(node: Node): string {
  switch (node.type) {
    case 'object':
      return 'an object';
    case 'array':
      return 'an array';
    case 'number':
      return `the number ${String(node.value)}`;
    case 'boolean':
      return String(node.value);
    case 'null':
      return 'null';
    case 'string':
      return 'a string';
    default:
      return node.type;
  }
}

const ERROR_MESSAGES: Partial<Record<ParseErrorCode, string>> = {
  [ParseErrorCode.InvalidSymbol]: 'Unexpected character',
  [ParseErrorCode.InvalidNumberFormat]: 'Invalid number',
  [ParseErrorCode.PropertyNameExpected]: 'A property name (in double quotes) is expected here',
  [ParseErrorCode.ValueExpected]: 'A value is expected here',
  [ParseErrorCode.ColonExpected]: 'A colon is expected here',
  [ParseErrorCode.CommaExpected]: 'A comma is expected here',
  [ParseErrorCode.CloseBraceExpected]: 'A closing brace "}" is expected here',
  [ParseErrorCode.CloseBracketExpected]: 'A closing bracket "]" is expected here',
  [ParseErrorCode.EndOfFileExpected]: 'Unexpected content after the end of the JSON value',
  [ParseErrorCode.InvalidCommentToken]: 'Comments are not allowed in package.json',
  [ParseErrorCode.UnexpectedEndOfComment]: 'Unterminated comment',
  [ParseErrorCode.UnexpectedEndOfString]: 'Unterminated string',
  [ParseErrorCode.UnexpectedEndOfNumber]: 'Unterminated number',
  [ParseErrorCode.InvalidUnicode]: 'Invalid unicode escape',
  [ParseErrorCode.InvalidEscapeCharacter]: 'Invalid escape character',
  [ParseErrorCode.InvalidCharacter]: 'Invalid character in a string',
};

function parseErrorProblem(e: ParseError, text: string): Problem {
  let what = ERROR_MESSAGES[e.error] ?? printParseErrorCode(e.error);
  if ((e.error === ParseErrorCode.PropertyNameExpected || e.error === ParseErrorCode.ValueExpected) && isTrailingComma(text, e.offset)) {
    what = 'Trailing commas are not allowed in package.json';
    const comma = text.lastIndexOf(',', e.offset);
    return {
      message: `Malformed package.json: ${what} (line ${lineColumn(text, comma).line}, column ${lineColumn(text, comma).column}).`,
      span: { offset: comma, length: 1 },
    };
  }
  const { line, column } = lineColumn(text, e.offset);
  return { message: `Malformed package.json: ${what} (line ${line}, column ${column}).`, span: { offset: e.offset, length: e.length } };
}

function isTrailingComma(text: string, offset: number): boolean {
  const c = text[offset];
  if (c !== '}' && c !== ']') return false;
  let i = offset - 1;
  while (i >= 0 && /\s/.test(text[i])) i--;
  return text[i] === ',';
}

function lineColumn(text: string, offset: number): { line: number; column: number } {
  let line = 1;
  let lineStart = 0;
  const end = Math.min(offset, text.length);
  for (let i = 0; i < end; i++) {
    if (text.charCodeAt(i) === 10) {
      line++;
      lineStart = i + 1;
    }
  }
  return { line, column: end - lineStart + 1 };
}
