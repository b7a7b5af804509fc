/** Real npm provenance data for tests: thin helpers over test/fixture-registry/realworld.ts. */
import { REPO_ROOT, loadRealworld, realworldMissingMessage, type RealworldCase } from '../fixture-registry/realworld';

export { REPO_ROOT, type RealworldCase };

export const realworldDir = (): string | undefined => loadRealworld()?.dir;

export const REALWORLD_MISSING = realworldMissingMessage();

export const realworldCases = (): RealworldCase[] => loadRealworld()?.cases ?? [];
