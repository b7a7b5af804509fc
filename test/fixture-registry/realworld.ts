/**
 * Reads the recorded real-world npm data (cases.json and the files it names) at run time from the
 * repository's sibling `shared/realworld` folder, or from $PROVENANCE_LENS_REALWORLD. Nothing is copied
 * into the project. When the folder is absent, `loadRealworld()` returns undefined.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';

export interface RealworldSignature {
  keyid: string;
  sig: string;
}

export interface RealworldCase {
  id: string;
  name: string;
  version: string;
  integrity: string;
  /** Path (relative to the data folder) of the recorded attestations body. */
  attestations: string;
  expected: string;
  origin?: string;
  tarball?: string;
  predicateTypes?: string[];
  facts?: Record<string, string>;
  registrySignatures?: RealworldSignature[];
  /** Path of the recorded full packument, where there is one. */
  packument?: string;
  note?: string;
}

export interface RealworldSignedVersion {
  name: string;
  version: string;
  integrity: string;
  signatures: RealworldSignature[];
}

export interface Realworld {
  dir: string;
  cases: RealworldCase[];
  registrySignatures: RealworldSignedVersion[];
  /** Reads a file named by cases.json (relative path inside the data folder only). */
  read(relative: string): Buffer;
  readJson(relative: string): unknown;
}

/** The repository root (this file is test/fixture-registry/realworld.ts). */
export const REPO_ROOT = path.resolve(__dirname, '..', '..');

/** Where the real-world data is expected: $PROVENANCE_LENS_REALWORLD, else <repo>/../shared/realworld. */
export function realworldPath(): string {
  const fromEnv = process.env.PROVENANCE_LENS_REALWORLD;
  return fromEnv ? path.resolve(fromEnv) : path.resolve(REPO_ROOT, '..', 'shared', 'realworld');
}

export function realworldMissingMessage(dir = realworldPath()): string {
  return `real-world data not found at ${dir} (the sibling shared/realworld folder, or set PROVENANCE_LENS_REALWORLD): skipping`;
}

const cache = new Map<string, Realworld | undefined>();

/** Loads cases.json from `dir`; undefined when there is no readable cases.json there. */
export function loadRealworld(dir = realworldPath()): Realworld | undefined {
  const resolved = path.resolve(dir);
  if (cache.has(resolved)) return cache.get(resolved);
  let data: Realworld | undefined;
  try {
    const raw = JSON.parse(fs.readFileSync(path.join(resolved, 'cases.json'), 'utf8')) as { cases?: unknown; registrySignatures?: unknown };
    const cases = Array.isArray(raw.cases) ? (raw.cases as RealworldCase[]).filter((c) => c && typeof c.id === 'string' && typeof c.name === 'string') : [];
    const registrySignatures = Array.isArray(raw.registrySignatures) ? (raw.registrySignatures as RealworldSignedVersion[]) : [];
    const inside = (relative: string): string => {
      const full = path.resolve(resolved, relative);
      if (!full.startsWith(resolved + path.sep)) throw new Error(`path outside the real-world folder: ${relative}`);
      return full;
    };
    data = {
      dir: resolved,
      cases,
      registrySignatures,
      read: (relative) => fs.readFileSync(inside(relative)),
      readJson: (relative) => JSON.parse(fs.readFileSync(inside(relative), 'utf8')) as unknown,
    };
  } catch {
    data = undefined;
  }
  cache.set(resolved, data);
  return data;
}
