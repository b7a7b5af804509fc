export { startFixtureRegistry, npmKeysFromTufSeed } from './server';
export type {
  FaultRule,
  FixturePackage,
  FixturePrefix,
  FixtureRegistry,
  FixtureRegistryOptions,
  FixtureRequest,
  FixtureVersion,
} from './server';
export { REALWORLD_DIR, REPO_ROOT, loadRealworld, realworld, realworldPath } from './realworld';
export type { Realworld, RealworldCase, RealworldSignature, RealworldSignedVersion } from './realworld';
