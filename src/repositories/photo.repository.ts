import type { EntityManager } from '@mikro-orm/postgresql';
import { query } from './sql.js';

/** Who uploaded a photo: a token, a member (bound WeChat), a grid (token's or chat group's). */
export interface PhotoUploader {
  tokenId: number | null;
  memberId: number | null;
  gridId: number | null;
}

/** Photo uploads: quotas, who may use and see a key, references, and the sweep of the unused. */
export class PhotoRepository {
  constructor(private readonly em: EntityManager) {}

  /**
   * Serialises one token's uploads until the transaction ends (pg advisory lock), so two
   * parallel uploads cannot both slip under the quota.
   */
  async lockToken(tokenId: number): Promise<void> {
    await query(this.em, `select pg_advisory_xact_lock(hashtext('photo-quota'), ?)`, [tokenId]);
  }

  /** What `tokenId` uploaded since `since`: how many, how many bytes, and when the oldest of them. */
  async usedSince(tokenId: number, since: Date): Promise<{ count: number; bytes: number; oldest: Date | null }> {
    const rows = await query<{ count: number; bytes: string | null; oldest: Date | string | null }>(
      this.em,
      `select count(*)::int as count, sum(size) as bytes, min(created_at) as oldest from photo where uploader_token_id = ? and created_at >= ?`,
      [tokenId, since],
    );
    const r = rows[0];
    return { count: r?.count ?? 0, bytes: Number(r?.bytes ?? 0), oldest: r?.oldest ? new Date(r.oldest) : null };
  }

  async record(key: string, size: number, who: PhotoUploader, now: Date): Promise<string> {
    const rows = await query<{ id: string }>(
      this.em,
      `insert into photo (key, size, uploader_token_id, uploader_member_id, uploader_grid_id, created_at) values (?, ?, ?, ?, ?, ?) returning id`,
      [key, size, who.tokenId, who.memberId, who.gridId, now],
    );
    return rows[0]!.id;
  }

  async remove(id: string): Promise<void> {
    await query(this.em, `delete from photo where id = ?`, [id]);
  }

  /** Whether the member's department has work dispatched to it that is not done (dispatched or in progress). */
  async hasDispatchedWork(memberId: number): Promise<boolean> {
    const rows = await query<{ ok: boolean }>(
      this.em,
      `select exists (select 1 from member m join incident i on i.department_id = m.department_id where m.id = ? and i.status in ('dispatched', 'in_progress')) as ok`,
      [memberId],
    );
    return Boolean(rows[0]?.ok);
  }

  /**
   * The keys among `keys` with no upload by this token or member, or in a grid under `path`
   * (`null`: any upload will do, for the operator).
   */
  async notUsableBy(keys: readonly string[], who: { tokenId: number | null; memberId: number | null; path: string | null }): Promise<string[]> {
    if (!keys.length) return [];
    const rows = await query<{ key: string }>(
      this.em,
      `select k.key from unnest(?::text[]) as k(key)
        where not exists (
          select 1 from photo p left join grid g on g.id = p.uploader_grid_id
           where p.key = k.key
             and (?::boolean or p.uploader_token_id = ? or p.uploader_member_id = ? or g.path <@ ?::ltree))`,
      [`{${keys.join(',')}}`, who.path === null, who.tokenId ?? -1, who.memberId ?? -1, who.path ?? ''],
    );
    return rows.map((r) => r.key);
  }

  /** Marks the uploads of `keys` as referenced by an incident (they are no longer swept). */
  async markReferenced(keys: readonly string[], now: Date): Promise<void> {
    if (!keys.length) return;
    await query(this.em, `update photo set referenced_at = ? where key = any(?::text[]) and referenced_at is null`, [now, `{${keys.join(',')}}`]);
  }

  /**
   * Whether `key` may be shown to a token of subtree `path`: an incident under `path` refers to
   * it, or this token or member uploaded it and nothing refers to it yet.
   */
  async maySee(key: string, path: string, tokenId: number | null, memberId: number | null): Promise<boolean> {
    const rows = await query<{ ok: boolean }>(
      this.em,
      `select exists (select 1 from incident_event e join incident i on i.id = e.incident_id where e.photos @> ?::jsonb and i.path <@ ?::ltree)
           or exists (select 1 from photo p where p.key = ? and p.referenced_at is null and (p.uploader_token_id = ? or p.uploader_member_id = ?)) as ok`,
      [JSON.stringify([key]), path, key, tokenId ?? -1, memberId ?? -1],
    );
    return Boolean(rows[0]?.ok);
  }

  /**
   * Deletes up to `limit` uploads made before `before` that nothing refers to (no referenced
   * mark and no timeline entry naming the key). Returns how many it deleted and the keys left
   * with no live upload, whose files the caller deletes.
   */
  async sweep(before: Date, limit: number): Promise<{ deleted: number; orphaned: string[] }> {
    const rows = await query<{ key: string; orphaned: boolean }>(
      this.em,
      `with doomed as (
         delete from photo p
          where p.id in (
            select c.id from photo c
             where c.referenced_at is null and c.created_at < ?
               and not exists (select 1 from incident_event e where e.photos @> jsonb_build_array(c.key))
             order by c.created_at limit ?)
         returning p.key)
       select d.key, not exists (select 1 from photo q where q.key = d.key and (q.referenced_at is not null or q.created_at >= ?)) as orphaned
         from doomed d`,
      [before, limit, before],
    );
    return { deleted: rows.length, orphaned: [...new Set(rows.filter((r) => r.orphaned).map((r) => r.key))] };
  }
}
