// Seals the secrets a subscription must keep (the connection's auth token) with AES-256-GCM under
// CONNECTOR_SECRET_KEY. Against the sandbox a key is generated once per data directory, so local use
// needs no setup; against real Twilio the connector refuses to store secrets without a given key.
import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { isErrnoException } from '../../shared/errors.js';
import { privateDir, readPrivateFile } from '../../store/private-files.js';

const VERSION = 'v1';

export interface SecretBox {
  seal(plain: string): string;
  /** throws when the text was sealed under another key or altered */
  open(sealed: string): string;
}

export function secretBox(key: Buffer): SecretBox {
  if (key.length !== 32) throw new RangeError('the secret key must be 32 bytes');
  return {
    seal(plain) {
      const iv = randomBytes(12);
      const cipher = createCipheriv('aes-256-gcm', key, iv);
      const data = Buffer.concat([cipher.update(plain, 'utf8'), cipher.final()]);
      return [
        VERSION,
        iv.toString('base64url'),
        cipher.getAuthTag().toString('base64url'),
        data.toString('base64url'),
      ].join('.');
    },
    open(sealed) {
      const [version, iv, tag, data] = sealed.split('.');
      if (version !== VERSION || iv === undefined || tag === undefined || data === undefined) {
        throw new Error('not a sealed secret');
      }
      const decipher = createDecipheriv('aes-256-gcm', key, Buffer.from(iv, 'base64url'));
      decipher.setAuthTag(Buffer.from(tag, 'base64url'));
      return Buffer.concat([decipher.update(Buffer.from(data, 'base64url')), decipher.final()]).toString('utf8');
    },
  };
}

/**
 * The key to seal with: the configured one, else (sandbox upstream only) one generated and kept in
 * `<dataDir>/secret.key` with owner-only permissions. Undefined means "refuse to store secrets".
 */
export function resolveSecretKey(options: {
  secretKey?: Buffer | undefined;
  dataDir: string;
  sandboxUpstream: boolean;
}): Buffer | undefined {
  if (options.secretKey !== undefined) return options.secretKey;
  if (!options.sandboxUpstream) return undefined;
  const file = join(options.dataDir, 'secret.key');
  const hex = readPrivateFile(file)?.trim();
  if (hex !== undefined && /^[0-9a-f]{64}$/i.test(hex)) return Buffer.from(hex, 'hex');
  privateDir(options.dataDir);
  const key = randomBytes(32);
  try {
    writeFileSync(file, `${key.toString('hex')}\n`, { mode: 0o600, flag: 'wx' });
    return key;
  } catch (err) {
    // another instance wrote it first: use theirs
    if (isErrnoException(err) && err.code === 'EEXIST') return Buffer.from(readPrivateFile(file)!.trim(), 'hex');
    throw err;
  }
}
