import { Entity, Index, PrimaryKey, Property } from '@mikro-orm/core';

/**
 * Every acknowledgement and result ever sent for a receipt, from GraphQL or a group, whether
 * it counted (the first) or not: who answered, what, when ("事事有对应").
 */
@Entity({ tableName: 'instruction_answer' })
@Index({ properties: ['instructionId', 'gridId'] })
export class InstructionAnswerEntity {
  @PrimaryKey({ type: 'bigint', autoincrement: true })
  id!: string;

  @Property({ type: 'integer' })
  instructionId!: number;

  @Property({ type: 'integer' })
  gridId!: number;

  /** `ack` or `result`. */
  @Property({ type: 'string', length: 8 })
  kind!: string;

  @Property({ type: 'boolean' })
  counted!: boolean;

  @Property({ type: 'integer', nullable: true })
  memberId?: number | null;

  @Property({ type: 'string', length: 64, nullable: true })
  name?: string | null;

  @Property({ type: 'string', length: 16 })
  role!: string;

  @Property({ type: 'text', nullable: true })
  text?: string | null;

  @Property({ type: 'datetime', columnType: 'timestamptz' })
  at!: Date;
}
