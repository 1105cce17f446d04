// Seals the secrets a subscription must keep (the connection's auth token) with AES-256-GCM under
// CONNECTOR_SECRET_KEY. Against the sandbox a key is generated once per data directory, so local use
// needs no setup; against real Twilio the connector refuses to store secrets without a given key.
import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { ConfigError, isErrnoException } from '../../shared/errors.js';
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

const KEY_TEXT = /^[0-9a-f]{64}$/i;

/**
 * The key a key file holds. Anything but 64 hex digits is refused rather than read as far as it
 * goes: a key that is not the one the subscriptions were sealed under fails only later, one
 * subscription at a time. The message describes the contents without repeating them.
 */
function keyFromFile(file: string, text: string): Buffer {
  const hex = text.trim();
  if (KEY_TEXT.test(hex)) return Buffer.from(hex, 'hex');
  const notHex = hex.replace(/[0-9a-f]/gi, '').length;
  const found =
    hex.length === 0
      ? 'it is empty'
      : `it holds ${hex.length} characters` + (notHex === 0 ? '' : `, ${notHex} of them not hexadecimal digits`);
  throw new ConfigError([
    `${file} is not a valid secret key: it must hold 64 hexadecimal digits (32 bytes) on one line, and ${found}. ` +
      `If no trigger subscription was stored under it, remove it and a new one is made at the next start; ` +
      `otherwise put back the key it held (subscriptions sealed under another key cannot be opened), ` +
      `or give that key with --secret-key or CONNECTOR_SECRET_KEY`,
  ]);
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
  const existing = readPrivateFile(file);
  if (existing !== undefined) return keyFromFile(file, existing);
  privateDir(options.dataDir);
  const key = randomBytes(32);
  try {
    writeFileSync(file, `${key.toString('hex')}\n`, { mode: 0o600, flag: 'wx' });
    return key;
  } catch (err) {
    // another instance wrote it first: use theirs
    if (isErrnoException(err) && err.code === 'EEXIST') return keyFromFile(file, readPrivateFile(file) ?? '');
    throw err;
  }
}
