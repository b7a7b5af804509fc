export { startFixtureRegistry, npmKeysFromTufSeed } from './server';
export type { FaultRule, FixturePackage, FixturePrefix, FixtureRegistry, FixtureRegistryOptions, FixtureRequest, FixtureVersion } from './server';
export { REPO_ROOT, loadRealworld, realworldMissingMessage, realworldPath } from './realworld';
export type { Realworld, RealworldCase, RealworldSignature, RealworldSignedVersion } from './realworld';
