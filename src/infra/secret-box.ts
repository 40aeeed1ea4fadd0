import { createCipheriv, createDecipheriv, hkdfSync, randomBytes } from 'node:crypto';

/**
 * Seals secrets kept in the database (a robot's webhook key) with AES-256-GCM under a key
 * derived from CHANNEL_SECRET_KEY. Without a key they are kept as they are (marked `plain:`),
 * and a key set later still opens them; the API never returns them either way.
 */
export interface SecretBox {
  seal(plain: string): string;
  open(sealed: string): string;
}

export function secretBox(secret: string | undefined): SecretBox {
  const key = secret ? Buffer.from(hkdfSync('sha256', secret, 'gridhub', 'grid-channel-target', 32)) : null;
  return {
    seal(plain) {
      if (!key) return `plain:${plain}`;
      const iv = randomBytes(12);
      const cipher = createCipheriv('aes-256-gcm', key, iv);
      const body = Buffer.concat([cipher.update(plain, 'utf8'), cipher.final()]);
      return `v1:${Buffer.concat([iv, cipher.getAuthTag(), body]).toString('base64')}`;
    },
    open(sealed) {
      if (sealed.startsWith('plain:')) return sealed.slice('plain:'.length);
      if (!sealed.startsWith('v1:')) throw new Error('unknown sealed secret format');
      if (!key) throw new Error('a sealed secret needs CHANNEL_SECRET_KEY');
      const raw = Buffer.from(sealed.slice(3), 'base64');
      const decipher = createDecipheriv('aes-256-gcm', key, raw.subarray(0, 12));
      decipher.setAuthTag(raw.subarray(12, 28));
      return Buffer.concat([decipher.update(raw.subarray(28)), decipher.final()]).toString('utf8');
    },
  };
}
