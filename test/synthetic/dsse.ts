/**
 * DSSE envelopes and their transparency-log entry bodies, as npm's Sigstore bundles carry them:
 * `dsse` 0.0.1 entries for provenance (signed by a certificate), `intoto` 0.0.2 entries for the
 * registry's publish attestations (signed by a registry key). Shared by ./generate.ts and ./signer.ts.
 */
import { createHash, sign, type KeyObject } from 'node:crypto';
import { json } from '@sigstore/core';
import { pemCertificate, pemPublicKey } from './pki';

export const INTOTO_PAYLOAD_TYPE = 'application/vnd.in-toto+json';

export interface DsseEnvelope {
  payload: string;
  payloadType: string;
  signatures: { sig: string; keyid: string }[];
}

export const isoSeconds = (ms: number): string => new Date(ms).toISOString().replace(/\.\d{3}Z$/, 'Z');
export const sha256Hex = (b: Buffer | string): string => createHash('sha256').update(b).digest('hex');
const b64 = (b: Buffer | string): string => Buffer.from(b).toString('base64');

export function purl(name: string, version: string): string {
  return `pkg:npm/${name.replace(/^@/, '%40')}@${version}`;
}

/** DSSE pre-authentication encoding. */
function pae(payloadType: string, payload: Buffer): Buffer {
  return Buffer.concat([Buffer.from(`DSSEv1 ${Buffer.byteLength(payloadType)} ${payloadType} ${payload.length} `, 'utf8'), payload]);
}

/** Sign an in-toto payload the DSSE way. */
export function dsseSign(key: KeyObject, payload: Buffer): Buffer {
  return sign('sha256', pae(INTOTO_PAYLOAD_TYPE, payload), key);
}

/** An in-toto DSSE envelope serving `payload` with one signature. */
export function dsseEnvelope(payload: Buffer, sig: Buffer, keyid = ''): DsseEnvelope {
  return { payload: payload.toString('base64'), payloadType: INTOTO_PAYLOAD_TYPE, signatures: [{ sig: sig.toString('base64'), keyid }] };
}

/** The `dsse` 0.0.1 log body of a certificate-signed envelope (`payload` is the one it serves). */
export function dsseLogBody(envelope: DsseEnvelope, payload: Buffer, signature: Buffer, certDer: Buffer): Record<string, unknown> {
  return {
    apiVersion: '0.0.1',
    kind: 'dsse',
    spec: {
      envelopeHash: { algorithm: 'sha256', value: sha256Hex(json.canonicalize(envelope)) },
      payloadHash: { algorithm: 'sha256', value: sha256Hex(payload) },
      signatures: [{ signature: signature.toString('base64'), verifier: b64(pemCertificate(certDer)) }],
    },
  };
}

/** The `intoto` 0.0.2 log body of a registry-key-signed envelope (it base64-encodes the base64 signature again). */
export function intotoLogBody(envelope: DsseEnvelope, payload: Buffer, keyId: string, spki: Buffer, sig: Buffer): Record<string, unknown> {
  return {
    apiVersion: '0.0.2',
    kind: 'intoto',
    spec: {
      content: {
        envelope: {
          payloadType: INTOTO_PAYLOAD_TYPE,
          signatures: [{ keyid: keyId, publicKey: b64(pemPublicKey(spki)), sig: b64(sig.toString('base64')) }],
        },
        hash: { algorithm: 'sha256', value: sha256Hex(json.canonicalize(envelope)) },
        payloadHash: { algorithm: 'sha256', value: sha256Hex(payload) },
      },
    },
  };
}
