import { createHash } from 'node:crypto';
import type { Actor } from '../domain/actor.js';
import { mayUploadPhotos } from '../domain/roles.js';
import { DomainError } from '../domain/errors.js';
import { checkPhoto, detectPhotoType, PHOTO_KEY_PATTERN, type PhotoType } from '../domain/photos.js';
import type { PhotoStorage } from '../infra/storage.js';

/** Stores checked photos under content-addressed keys that incident steps then refer to. */
export class PhotoService {
  constructor(private readonly storage: PhotoStorage) {}

  async upload(actor: Actor, bytes: Uint8Array): Promise<{ key: string; type: PhotoType; size: number }> {
    if (!mayUploadPhotos(actor.role)) throw new DomainError('FORBIDDEN', `a ${actor.role} does not upload photos`);
    const { type, extension } = checkPhoto(bytes);
    const key = `photos/${createHash('sha256').update(bytes).digest('hex')}.${extension}`;
    await this.storage.put(key, bytes, type);
    return { key, type, size: bytes.length };
  }

  async download(key: string): Promise<{ bytes: Uint8Array; type: PhotoType }> {
    if (!PHOTO_KEY_PATTERN.test(key)) throw new DomainError('BAD_USER_INPUT', `${key} is not a photo key`);
    const bytes = await this.storage.get(key);
    if (!bytes) throw new DomainError('NOT_FOUND', `photo ${key} not found`);
    return { bytes, type: detectPhotoType(bytes)! };
  }
}
