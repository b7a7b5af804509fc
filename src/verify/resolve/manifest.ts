/**
 * The engine's package.json: the outline (./outline.ts, the one reading of package.json, shared with the
 * editor's locator) with every dependency's spec classified (./spec.ts).
 */
import type { ManifestParseResult } from '../types';
import { readManifest, type InstallerFields } from './outline';
import { classifySpec } from './spec';
import { runSliced, runToEnd } from '../util/sliced';

export { DEPENDENCY_SECTIONS, type InstallerFields } from './outline';

/** parseManifest's result: the shared shape, plus the installer fields used when resolving without a lockfile. */
export interface ParsedManifest extends ManifestParseResult {
  installer?: InstallerFields;
}

/** Parse package.json text. Never throws. */
export function parseManifest(text: string): ParsedManifest {
  return runToEnd(manifestSteps(text));
}

/**
 * parseManifest in slices that let the event loop turn every `budgetMs` (a package.json with a thousand
 * dependencies is about a hundred milliseconds of spec parsing: npm-package-arg for each). Same result.
 */
export function parseManifestSliced(text: string, budgetMs?: number): Promise<ParsedManifest> {
  return runSliced(manifestSteps(text), budgetMs);
}

function* manifestSteps(text: string): Generator<void, ParsedManifest> {
  const outline = readManifest(text);
  const result: ParsedManifest = { dependencies: [], problems: outline.problems };
  if (outline.packageName !== undefined) result.packageName = outline.packageName;
  if (outline.packageVersion !== undefined) result.packageVersion = outline.packageVersion;
  if (outline.workspaces !== undefined) result.workspaces = outline.workspaces;
  if (outline.installer !== undefined) result.installer = outline.installer;
  for (const entry of outline.entries) {
    if (entry.unterminated || entry.spec === undefined) continue;
    const { section, name, spec, nameSpan, specSpan } = entry;
    result.dependencies.push({ name, spec, section, ...classifySpec(name, spec), nameSpan, specSpan });
    yield;
  }
  return result;
}
