/** Real npm provenance data for tests (the in-repository copy): thin helpers over test/fixture-registry/realworld.ts. */
import { REALWORLD_DIR, REPO_ROOT, realworld, type RealworldCase } from '../fixture-registry/realworld';

export { REALWORLD_DIR, REPO_ROOT, realworld, type RealworldCase };

export const realworldDir = (): string => realworld().dir;

export const realworldCases = (): RealworldCase[] => realworld().cases;
