export {
  loadTrustMaterial,
  parseTrustedRoot,
  resetTrustRefreshMemo,
  humanAge,
  TRUSTED_ROOT_TARGET,
  NPM_KEYS_TARGET,
  type TrustBundle,
  type TrustedRootJson,
  type LoadTrustOptions,
} from './load';
export { parseNpmKeys, npmKeysFromRegistryResponse, keysFor, keyValidAt, type NpmKey, type NpmKeyUsage } from './keys';
