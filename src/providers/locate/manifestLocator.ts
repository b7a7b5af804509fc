/**
 * Finds dependencies in the current text of a package.json, with their positions.
 * The editor uses this (not the spans of the last verification run) so that badges, hovers and
 * completions line up with the text as it is now, even while a new run is pending. No `vscode` import.
 */
import { type Node, parseTree, type ParseError } from 'jsonc-parser/lib/esm/main.js';
import type { DependencySection, TextSpan } from '../../verify/types';

export const SECTIONS: readonly DependencySection[] = ['dependencies', 'devDependencies', 'optionalDependencies', 'peerDependencies'];

export interface LocatedDependency {
  section: DependencySection;
  name: string;
  /** The spec string (undefined when the value is not a string). */
  spec?: string;
  /** Key string including quotes. */
  nameSpan: TextSpan;
  /** Value including quotes. */
  specSpan: TextSpan;
}

export interface LocatedManifest {
  dependencies: LocatedDependency[];
  /** Span of each section's key (including quotes). */
  sectionKeys: Partial<Record<DependencySection, TextSpan>>;
  /** True when the text is not valid JSON (what could be read is still returned). */
  malformed: boolean;
  /** Parse errors (offset, length) for a clear problem report. */
  errors: { offset: number; length: number; code: number }[];
}

export function locateDependencies(text: string): LocatedManifest {
  const errors: ParseError[] = [];
  let root: Node | undefined;
  try {
    root = parseTree(text, errors, { allowTrailingComma: false, disallowComments: true });
  } catch {
    root = undefined;
  }
  const result: LocatedManifest = {
    dependencies: [],
    sectionKeys: {},
    malformed: errors.length > 0 || !root,
    errors: errors.map((e) => ({ offset: e.offset, length: e.length, code: e.error })),
  };
  if (!root || root.type !== 'object' || !root.children) return result;
  for (const prop of root.children) {
    const [keyNode, valueNode] = prop.children ?? [];
    if (!keyNode || typeof keyNode.value !== 'string') continue;
    const section = keyNode.value as DependencySection;
    if (!SECTIONS.includes(section)) continue;
    result.sectionKeys[section] ??= { offset: keyNode.offset, length: keyNode.length };
    if (!valueNode || valueNode.type !== 'object' || !valueNode.children) continue;
    for (const dep of valueNode.children) {
      const [nameNode, specNode] = dep.children ?? [];
      if (!nameNode || typeof nameNode.value !== 'string' || !specNode) continue;
      result.dependencies.push({
        section,
        name: nameNode.value,
        spec: specNode.type === 'string' && typeof specNode.value === 'string' ? specNode.value : undefined,
        nameSpan: { offset: nameNode.offset, length: nameNode.length },
        specSpan: { offset: specNode.offset, length: specNode.length },
      });
    }
  }
  return result;
}

function within(span: TextSpan, offset: number): boolean {
  return offset >= span.offset && offset <= span.offset + span.length;
}

export interface DependencyHit {
  dependency: LocatedDependency;
  part: 'name' | 'spec';
}

/** The dependency whose key or value contains `offset` (ends inclusive). */
export function dependencyAt(located: LocatedManifest, offset: number): DependencyHit | undefined {
  for (const dependency of located.dependencies) {
    if (within(dependency.nameSpan, offset)) return { dependency, part: 'name' };
    if (within(dependency.specSpan, offset)) return { dependency, part: 'spec' };
  }
  return undefined;
}

/** The first dependency on the same line as `offset` (for commands run with the cursor on the line). */
export function dependencyOnLine(located: LocatedManifest, text: string, offset: number): LocatedDependency | undefined {
  const start = text.lastIndexOf('\n', offset - 1) + 1;
  const endIdx = text.indexOf('\n', offset);
  const end = endIdx < 0 ? text.length : endIdx;
  return located.dependencies.find((d) => d.nameSpan.offset >= start && d.nameSpan.offset <= end);
}
