export { RegistryClient, escapeName, DEFAULT_LIMITS, NPM_PUBLIC_REGISTRY } from './client';
export type { RegistryClientOptions, RequestOptions, ResponseLimits } from './client';
export { RegistryError, isRegistryError, redactUrl } from './errors';
export type { RegistryErrorCode } from './errors';
export type {
  AttestationEntry,
  AttestationsDocument,
  DistAttestations,
  Packument,
  RegistryDist,
  RegistryKey,
  RegistryKeysDocument,
  RegistrySignatureEntry,
  VersionDocument,
} from './documents';
export { DEFAULT_RETRY, parseRetryAfter } from './http';
export type { RetryInfo, RetryPolicy } from './http';
export { DEFAULT_REGISTRY, envReplace, loadNpmConfig, nerfDart, normalizeRegistryUrl, parseNpmrc, findLocalPrefix } from './npmrc';
export type { ConfigFileInfo, NpmConfig, NpmConfigOptions } from './npmrc';
