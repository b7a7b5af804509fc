/** Working out the exact version of every dependency: manifests, specs, lockfiles, resolution. */
export { parseManifest, DEPENDENCY_SECTIONS } from './manifest';
export { classifySpec, REGISTRY_KINDS, type SpecClassification } from './spec';
export {
  findLockfile,
  findWorkspacePackages,
  readLockfile,
  parseLockfile,
  lockfileKindOf,
  LockfileError,
  type FoundLockfile,
  type ParsedLockfile,
  type WorkspacePackage,
} from './lockfile';
export { resolveDependencies, lockfileRequests, pickVersion, type ResolveOptions, type LockfileRequest } from './resolve';
