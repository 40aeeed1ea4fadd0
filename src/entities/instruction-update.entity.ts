import { Entity, ManyToOne, PrimaryKey, Property, type Rel, Unique } from '@mikro-orm/core';
import { InstructionEntity } from './instruction.entity.js';

/** An amendment (appended text) or the cancellation of an instruction, sent to every group that got it. */
@Entity({ tableName: 'instruction_update' })
@Unique({ properties: ['instruction', 'seq'] })
export class InstructionUpdateEntity {
  @PrimaryKey({ type: 'integer', autoincrement: true })
  id!: number;

  @ManyToOne(() => InstructionEntity, { fieldName: 'instruction_id', deleteRule: 'cascade', index: true })
  instruction!: Rel<InstructionEntity>;

  /** 1, 2, … per instruction; the cancellation takes the next number too. */
  @Property({ type: 'integer' })
  seq!: number;

  /** `amend` or `cancel`. */
  @Property({ type: 'string', length: 8 })
  kind!: string;

  @Property({ type: 'text', nullable: true })
  text?: string | null;

  @Property({ type: 'string', length: 16 })
  actorRole!: string;

  @Property({ type: 'integer', nullable: true })
  actorMemberId?: number | null;

  @Property({ type: 'datetime', columnType: 'timestamptz' })
  at!: Date;
}
