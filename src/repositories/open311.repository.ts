import type { EntityManager } from '@mikro-orm/postgresql';
import type { CategoryId } from '../domain/categories.js';
import type { IncidentState } from '../domain/incident-transitions.js';
import { query } from './sql.js';

/** An incident as an Open311 service request needs it. */
export interface Open311Row {
  code: string;
  status: IncidentState;
  category: CategoryId;
  description: string;
  location: string | null;
  created_at: Date;
  updated_at: Date;
  deadline_at: Date;
  source_key: string | null;
  grid_code: string;
  department_name: string | null;
}

export interface Open311Window {
  path: string;
  from: Date;
  to: Date;
  states: readonly IncidentState[] | null;
  categories: readonly string[] | null;
  codes: readonly string[] | null;
  limit: number;
}

const SELECT = `
  select i.code, i.status, i.category, i.description, i.location, i.created_at, i.updated_at, i.deadline_at, i.source_key,
         g.code as grid_code, d.name as department_name
    from incident i
    join grid g on g.id = i.grid_id
    left join department d on d.id = i.department_id`;

/** Incidents read the Open311 way: by time window and filters, or by their request token. */
export class Open311Repository {
  constructor(private readonly em: EntityManager) {}

  /** Incidents under `path` requested in [from, to] (the spec's dates are both inclusive), newest first, at most `limit`. */
  window(w: Open311Window): Promise<Open311Row[]> {
    return query<Open311Row>(
      this.em,
      `${SELECT}
        where (?::text = '' or i.path <@ ?::ltree) and i.created_at >= ? and i.created_at <= ?
          and (?::jsonb is null or i.status in (select jsonb_array_elements_text(?::jsonb)))
          and (?::jsonb is null or i.category in (select jsonb_array_elements_text(?::jsonb)))
          and (?::jsonb is null or i.code in (select jsonb_array_elements_text(?::jsonb)))
        order by i.created_at desc, i.id desc limit ?`,
      [w.path, w.path, w.from, w.to, ...twice(w.states), ...twice(w.categories), ...twice(w.codes), w.limit],
    );
  }

  /** The incidents with these codes under `path`. */
  byCodes(path: string, codes: readonly string[]): Promise<Open311Row[]> {
    return query<Open311Row>(this.em, `${SELECT} where (?::text = '' or i.path <@ ?::ltree) and i.code in (select jsonb_array_elements_text(?::jsonb)) order by i.id`, [path, path, JSON.stringify(codes)]);
  }

  /** The incident filed under a source key (an Open311 request token), if under `path`. */
  async bySourceKey(path: string, sourceKey: string): Promise<Open311Row | null> {
    const rows = await query<Open311Row>(this.em, `${SELECT} where (?::text = '' or i.path <@ ?::ltree) and i.source_key = ?`, [path, path, sourceKey]);
    return rows[0] ?? null;
  }
}

const twice = (list: readonly string[] | null): [string | null, string | null] => {
  const json = list ? JSON.stringify(list) : null;
  return [json, json];
};
