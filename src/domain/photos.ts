import { DomainError } from './errors.js';

/** Photos grid workers send: JPEG, PNG or WebP, at most 10 MB (WeChat's originals stay under it). */
export const MAX_PHOTO_BYTES = 10 * 1024 * 1024;

export type PhotoType = 'image/jpeg' | 'image/png' | 'image/webp';

const EXTENSIONS: Record<PhotoType, string> = { 'image/jpeg': 'jpg', 'image/png': 'png', 'image/webp': 'webp' };

/** The image type from the file's first bytes (never from a declared name or header). */
export function detectPhotoType(bytes: Uint8Array): PhotoType | null {
  const b = bytes;
  if (b.length >= 3 && b[0] === 0xff && b[1] === 0xd8 && b[2] === 0xff) return 'image/jpeg';
  if (b.length >= 8 && [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a].every((v, i) => b[i] === v)) return 'image/png';
  if (b.length >= 12 && String.fromCharCode(...b.subarray(0, 4)) === 'RIFF' && String.fromCharCode(...b.subarray(8, 12)) === 'WEBP') return 'image/webp';
  return null;
}

/** Checks a photo and returns its type and file extension, or refuses with BAD_USER_INPUT. */
export function checkPhoto(bytes: Uint8Array): { type: PhotoType; extension: string } {
  if (bytes.length === 0) throw new DomainError('BAD_USER_INPUT', 'the photo is empty');
  if (bytes.length > MAX_PHOTO_BYTES) throw new DomainError('BAD_USER_INPUT', `the photo is larger than ${MAX_PHOTO_BYTES / 1024 / 1024} MB`);
  const type = detectPhotoType(bytes);
  if (!type) throw new DomainError('BAD_USER_INPUT', 'only JPEG, PNG and WebP photos are accepted');
  return { type, extension: EXTENSIONS[type] };
}

/** Storage keys are content-addressed: `photos/<sha256>.<ext>`. */
export const PHOTO_KEY_PATTERN = /^photos\/[0-9a-f]{64}\.(jpg|png|webp)$/;
