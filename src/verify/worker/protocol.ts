/** Messages between the engine and its verification worker. */
import type { AttestationResult } from '../attestations';
import type { NpmKey, TrustedRootJson } from '../trust';

export interface TrustMessage {
  type: 'trust';
  trustId: string;
  trustedRoot: TrustedRootJson;
  /** KeyObjects and Dates survive structured cloning. */
  npmKeys: NpmKey[];
}

export interface VerifyMessage {
  type: 'verify';
  id: number;
  trustId: string;
  name: string;
  version: string;
  integrity: string;
  document: unknown;
  publishTime?: Date;
  gitlabIssuers?: readonly string[];
  now?: Date;
}

export type ToWorker = TrustMessage | VerifyMessage;

export type FromWorker = { id: number; result: AttestationResult } | { id: number; error: string };
