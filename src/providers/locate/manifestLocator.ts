/**
 * Finds dependencies in the current text of a package.json, with their positions.
 * The editor uses this (not the spans of the last verification run) so that badges, hovers and
 * completions line up with the text as it is now, even while a new run is pending. It is the engine's
 * reading of package.json (src/verify/resolve/manifest.ts: a byte-order mark skipped, the last of
 * duplicate keys counts), without interpreting the specs. No `vscode` import.
 */
import { ParseErrorCode } from 'jsonc-parser/lib/esm/main.js';
import { DEPENDENCY_SECTIONS, readManifest, type ManifestEntry } from '../../verify/resolve/outline';
import type { DependencySection, TextSpan } from '../../verify/types';

export const SECTIONS = DEPENDENCY_SECTIONS;

/** A dependency entry where it stands in the text (spans include the quotes; spec undefined when not a string). */
export type LocatedDependency = Pick<ManifestEntry, 'section' | 'name' | 'spec' | 'nameSpan' | 'specSpan'>;

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
  const outline = readManifest(text);
  const errors = [...outline.syntaxErrors];
  // An empty document is not valid JSON: a value is expected where the text ends.
  if (!outline.hasValue && errors.length === 0) errors.push({ offset: text.length, length: 0, code: ParseErrorCode.ValueExpected });
  return {
    dependencies: outline.entries.map(({ section, name, spec, nameSpan, specSpan }) => ({ section, name, spec, nameSpan, specSpan })),
    sectionKeys: outline.sectionKeys,
    malformed: errors.length > 0,
    errors,
  };
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
