import { createHash } from 'node:crypto';
import type { EntityManager } from '@mikro-orm/postgresql';
import type { Actor } from '../domain/actor.js';
import { DomainError } from '../domain/errors.js';
import { checkPhoto, detectPhotoType, PHOTO_KEY_PATTERN, type PhotoType } from '../domain/photos.js';
import { retrySeconds } from '../domain/rate-limits.js';
import { UPLOAD_RIGHTS } from '../domain/roles.js';
import { PhotoRepository, type PhotoUploader } from '../repositories/photo.repository.js';
import type { AppDeps } from './context.js';

const DAY_MS = 86_400_000;
/** Uploads the sweep removes per pass (the job runs again at its next tick). */
const SWEEP_BATCH = 1000;

export interface StoredPhoto {
  key: string;
  type: PhotoType;
  size: number;
}

/**
 * Photos: checked and stored under content-addressed keys that incident steps then refer to,
 * each upload recorded with its uploader (who may use it in a step and see it before an
 * incident refers to it), capped by role, rate and a daily quota per token, and swept when
 * nothing refers to it a day later. Works on entity managers of its own (the bot and the HTTP
 * routes hold one service for the hub's life).
 */
export class PhotoService {
  constructor(private readonly deps: AppDeps) {}

  /** POST /photos: the actor's upload, if their role may upload and their budget allows. */
  async upload(actor: Actor, bytes: Uint8Array): Promise<StoredPhoto> {
    const em = this.deps.orm.em.fork();
    await this.assertMayUpload(actor, em);
    const checked = checkPhoto(bytes);
    if (actor.tokenId !== null) await this.deps.limits.enforce('upload', `t:${actor.tokenId}`, 'photo uploads');
    return this.store(em, bytes, checked, { tokenId: actor.tokenId, memberId: actor.memberId, gridId: actor.gridId });
  }

  /**
   * A photo sent to a grid's group: recorded with the group's grid (and the sender, when bound).
   * A bound sender's role must allow uploads like on POST /photos (a viewer's never, a
   * department's only while work dispatched to it is open); an unbound contact (`null`, a
   * resident) may send photos with a report.
   */
  async uploadFromChat(gridId: number, sender: Actor | null, bytes: Uint8Array): Promise<StoredPhoto> {
    const em = this.deps.orm.em.fork();
    if (sender) await this.assertMayUpload(sender, em);
    const checked = checkPhoto(bytes);
    await this.deps.limits.enforce('upload', `g:${gridId}`, 'photo uploads');
    return this.store(em, bytes, checked, { tokenId: null, memberId: sender?.memberId ?? null, gridId });
  }

  /** GET /photos/<key>: for tokens whose subtree holds an incident referring to it, or its uploader before that. */
  async download(actor: Actor, key: string): Promise<{ bytes: Uint8Array; type: PhotoType }> {
    if (!PHOTO_KEY_PATTERN.test(key)) throw new DomainError('BAD_USER_INPUT', `${key} is not a photo key`);
    const visible = actor.role === 'admin' || (await new PhotoRepository(this.deps.orm.em.fork()).maySee(key, actor.path, actor.tokenId, actor.memberId));
    // Not visible and not there read alike: a key's existence is not told to those who may not see it.
    const bytes = visible ? await this.deps.photoStorage.get(key) : null;
    if (!bytes) throw new DomainError('NOT_FOUND', `photo ${key} not found`);
    return { bytes, type: detectPhotoType(bytes)! };
  }

  /**
   * Refuses photo keys an incident step may not carry: not a key, or not uploaded by this token
   * or member or in a grid of the actor's subtree (the operator: any uploaded key).
   */
  async assertUsable(actor: Actor, keys: readonly string[] | null | undefined, em: EntityManager): Promise<void> {
    if (!keys?.length) return;
    for (const key of keys) {
      if (!PHOTO_KEY_PATTERN.test(key)) throw new DomainError('BAD_USER_INPUT', `${key} is not a photo key; upload the photo to POST /photos first`);
    }
    const path = actor.role === 'admin' ? null : actor.path;
    const [missing] = await new PhotoRepository(em).notUsableBy(keys, { tokenId: actor.tokenId, memberId: actor.memberId, path });
    if (missing) throw new DomainError('BAD_USER_INPUT', `photo ${missing} was not uploaded by you or your grid; upload it to POST /photos first`, { reason: 'PHOTO_NOT_YOURS', key: missing });
  }

  /** Deletes uploads nothing refers to, made PHOTO_SWEEP_AFTER_HOURS before `now`, and their files. */
  async sweep(now: Date): Promise<{ uploads: number; files: number }> {
    const before = new Date(now.getTime() - this.deps.config.photoQuota.sweepAfterHours * 3_600_000);
    const repo = new PhotoRepository(this.deps.orm.em.fork());
    let files = 0;
    let uploads = 0;
    for (;;) {
      const { deleted, orphaned } = await repo.sweep(before, SWEEP_BATCH);
      uploads += deleted;
      for (const key of orphaned) await this.deps.photoStorage.delete(key);
      files += orphaned.length;
      if (deleted < SWEEP_BATCH) return { uploads, files };
    }
  }

  private async assertMayUpload(actor: Actor, em: EntityManager): Promise<void> {
    const right = UPLOAD_RIGHTS[actor.role];
    const refuse = (why: string) => new DomainError('FORBIDDEN', why, { reason: 'ROLE_MAY_NOT', role: actor.role, event: 'upload' });
    if (right === 'never') throw refuse(`a ${actor.role} only watches and uploads no photos`);
    if (right === 'dispatched' && !(actor.memberId !== null && (await new PhotoRepository(em).hasDispatchedWork(actor.memberId)))) {
      throw refuse(`a ${actor.role} uploads photos only while an incident dispatched to it is open`);
    }
  }

  /**
   * Records the upload (under the token's quota, counted in one transaction per token), then
   * writes the file; a failed write takes the record back.
   */
  private async store(em: EntityManager, bytes: Uint8Array, checked: { type: PhotoType; extension: string }, who: PhotoUploader): Promise<StoredPhoto> {
    const key = `photos/${createHash('sha256').update(bytes).digest('hex')}.${checked.extension}`;
    const now = this.deps.clock.now();
    const quota = this.deps.config.photoQuota;
    const id = await em.transactional(async (tx) => {
      const repo = new PhotoRepository(tx);
      if (who.tokenId !== null) {
        await repo.lockToken(who.tokenId);
        const used = await repo.usedSince(who.tokenId, new Date(now.getTime() - DAY_MS));
        const over = used.count + 1 > quota.count ? ('count' as const) : used.bytes + bytes.length > quota.bytes ? ('bytes' as const) : null;
        if (over) {
          const retryAfterSeconds = retrySeconds((used.oldest?.getTime() ?? now.getTime()) + DAY_MS - now.getTime());
          throw new DomainError('RATE_LIMITED', `this token's daily photo quota (${over === 'count' ? `${quota.count} photos` : `${quota.bytes / 1024 / 1024} MB`}) is used up`, {
            reason: 'PHOTO_QUOTA',
            what: over,
            limit: over === 'count' ? quota.count : quota.bytes,
            retryAfterSeconds,
          });
        }
      }
      return repo.record(key, bytes.length, who, now);
    });
    try {
      await this.deps.photoStorage.put(key, bytes, checked.type);
    } catch (err) {
      await new PhotoRepository(em).remove(id);
      throw err;
    }
    return { key, type: checked.type, size: bytes.length };
  }
}
