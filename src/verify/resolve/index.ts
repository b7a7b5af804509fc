/** Working out the exact version of every dependency: manifests, specs, lockfiles, resolution. */
export { parseManifest, DEPENDENCY_SECTIONS } from './manifest';
export { classifySpec, REGISTRY_KINDS, type SpecClassification } from './spec';
export { findLockfile, readLockfile, parseLockfile, lockfileKindOf, LockfileError, type FoundLockfile, type ParsedLockfile } from './lockfile';
export { resolveDependencies, lockfileRequests, pickVersion, type ResolveOptions } from './resolve';
