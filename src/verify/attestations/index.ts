export { verifyAttestations, NPM_PUBLISH_ATTESTATION_V01, type AttestationInput, type AttestationResult } from './verify';
export { SLSA_PROVENANCE_V02, SLSA_PROVENANCE_V1, GITHUB_ACTIONS_ISSUER, GITLAB_COM_ISSUER } from './provenance';
export { FULCIO_OID } from './certificate';
