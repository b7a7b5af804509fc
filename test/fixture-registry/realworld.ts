/**
 * Reads the recorded real-world npm data (cases.json and the files it names) from the repository's own
 * copy, test/fixtures/realworld (public registry and transparency-log records; its README says where each
 * file came from). A plain clone has everything: nothing is read from outside the repository, and a
 * missing or unreadable copy is an error, never a reason to skip.
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

/** The in-repository copy of the real-world data. */
export const REALWORLD_DIR = path.join(REPO_ROOT, 'test', 'fixtures', 'realworld');

/** Where the real-world data is: always the in-repository copy (kept as a function for its callers). */
export function realworldPath(): string {
  return REALWORLD_DIR;
}

const cache = new Map<string, Realworld | undefined>();

function read(resolved: string): Realworld {
  const raw = JSON.parse(fs.readFileSync(path.join(resolved, 'cases.json'), 'utf8')) as { cases?: unknown; registrySignatures?: unknown };
  const cases = Array.isArray(raw.cases)
    ? (raw.cases as RealworldCase[]).filter((c) => c && typeof c.id === 'string' && typeof c.name === 'string')
    : [];
  const registrySignatures = Array.isArray(raw.registrySignatures) ? (raw.registrySignatures as RealworldSignedVersion[]) : [];
  const inside = (relative: string): string => {
    const full = path.resolve(resolved, relative);
    if (!full.startsWith(resolved + path.sep)) throw new Error(`path outside the real-world folder: ${relative}`);
    return full;
  };
  return {
    dir: resolved,
    cases,
    registrySignatures,
    read: (relative) => fs.readFileSync(inside(relative)),
    readJson: (relative) => JSON.parse(fs.readFileSync(inside(relative), 'utf8')) as unknown,
  };
}

/** The in-repository real-world data; throws when it is missing or unreadable (a broken checkout). */
export function realworld(): Realworld {
  const data = loadRealworld(REALWORLD_DIR);
  if (!data) throw new Error(`unreachable: ${REALWORLD_DIR}`);
  return data;
}

/**
 * Loads cases.json from `dir` (default: the in-repository copy). For the in-repository copy a missing or
 * unreadable cases.json throws, and it must hold cases; for any other folder (a test of the registry
 * without real-world data) it gives undefined.
 */
export function loadRealworld(dir: string = REALWORLD_DIR): Realworld | undefined {
  const resolved = path.resolve(dir);
  if (cache.has(resolved)) return cache.get(resolved);
  let data: Realworld | undefined;
  if (resolved === REALWORLD_DIR) {
    try {
      data = read(resolved);
    } catch (err) {
      throw new Error(`the repository's real-world data (${REALWORLD_DIR}) is missing or unreadable: ${(err as Error).message}`);
    }
    if (data.cases.length === 0) throw new Error(`${path.join(REALWORLD_DIR, 'cases.json')} holds no cases`);
  } else {
    try {
      data = read(resolved);
    } catch {
      data = undefined;
    }
  }
  cache.set(resolved, data);
  return data;
}
