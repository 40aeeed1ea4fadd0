import type { EntityManager } from '@mikro-orm/postgresql';
import type { InstructionGrade } from '../domain/instruction-grades.js';
import { query } from './sql.js';

/** One message of an instruction's CAP history: the issue (seq 0) or an update. */
export interface CapMessageRow {
  code: string;
  grade: InstructionGrade;
  title: string;
  body: string | null;
  levels: string[];
  issued_at: Date;
  result_deadline_at: Date;
  scope_code: string;
  scope_name: string;
  issuer_code: string | null;
  issuer_name: string | null;
  seq: number;
  kind: 'issue' | 'amend' | 'cancel';
  text: string | null;
  at: Date;
  /** The earlier updates' numbers and times (the issue's time is `issued_at`), for `references`. */
  earlier: Array<{ seq: number; at: string }> | null;
}

/** Instructions visible from `path` (scope inside it, or it inside the scope), as in InstructionService.get. */
const VISIBLE = `(?::text = '' or i.scope_path <@ ?::ltree or ?::ltree <@ i.scope_path)`;

const MESSAGES = `
  select i.code, i.grade, i.title, i.body, i.levels, i.issued_at, i.result_deadline_at,
         g.code as scope_code, g.name as scope_name, ig.code as issuer_code, ig.name as issuer_name,
         m.seq, m.kind, m.text, m.at,
         (select json_agg(json_build_object('seq', e.seq, 'at', e.at) order by e.seq)
            from instruction_update e where e.instruction_id = i.id and e.seq < m.seq) as earlier
    from instruction i
    join grid g on g.id = i.scope_grid_id
    left join grid ig on ig.path = i.issuer_path and i.issuer_path <> ''::ltree
    join lateral (
      select 0 as seq, 'issue' as kind, null::text as text, i.issued_at as at
      union all
      select u.seq, u.kind, u.text, u.at from instruction_update u where u.instruction_id = i.id
    ) m on true`;

/** The CAP view of instructions: every issue, amendment and cancellation as one message. */
export class CapRepository {
  constructor(private readonly em: EntityManager) {}

  /** The latest `limit` messages of instructions visible from `path`, newest first. */
  latest(path: string, limit: number): Promise<CapMessageRow[]> {
    return query<CapMessageRow>(this.em, `${MESSAGES} where ${VISIBLE} order by m.at desc, i.id desc, m.seq desc limit ?`, [path, path, path, limit]);
  }

  /** Every message of one instruction (if visible from `path`), oldest first. */
  history(code: string, path: string): Promise<CapMessageRow[]> {
    return query<CapMessageRow>(this.em, `${MESSAGES} where i.code = ? and ${VISIBLE} order by m.seq`, [code, path, path, path]);
  }
}
