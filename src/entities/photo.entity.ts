import { Entity, Index, PrimaryKey, Property } from '@mikro-orm/core';

/**
 * One upload of a photo file (`key` is content-addressed, so two uploads of the same bytes share
 * a file): who uploaded it (token, member, grid: the bot records a chat photo with its group's
 * grid), when, and when an incident step first referred to it. Unreferenced uploads are swept
 * after PHOTO_SWEEP_AFTER_HOURS with their file (jobs/photo-sweep.job.ts).
 */
@Entity({ tableName: 'photo' })
@Index({ properties: ['uploaderTokenId', 'createdAt'] })
export class PhotoEntity {
  @PrimaryKey({ type: 'bigint', autoincrement: true })
  id!: string;

  @Property({ type: 'string', length: 80, index: true })
  key!: string;

  @Property({ type: 'integer' })
  size!: number;

  @Property({ type: 'integer', nullable: true })
  uploaderTokenId?: number | null;

  @Property({ type: 'integer', nullable: true })
  uploaderMemberId?: number | null;

  @Property({ type: 'integer', nullable: true })
  uploaderGridId?: number | null;

  @Property({ type: 'datetime', columnType: 'timestamptz', index: true })
  createdAt!: Date;

  @Property({ type: 'datetime', columnType: 'timestamptz', nullable: true })
  referencedAt?: Date | null;
}
