import { Entity, PrimaryKey, Property } from '@mikro-orm/core';

/** The last instruction sequence number per day (grid time zone), bumped in the issuing transaction: gap-free codes. */
@Entity({ tableName: 'instruction_day_seq' })
export class InstructionDaySeqEntity {
  @PrimaryKey({ type: 'string', length: 8 })
  day!: string;

  @Property({ type: 'integer' })
  last!: number;
}
