import type { EntityManager } from '@mikro-orm/postgresql';
import { ApiTokenEntity } from '../entities/api-token.entity.js';

/** Bearer tokens by label inside a subtree (the operator's tokens have no grid: only the root scope sees them). */
export class TokenRepository {
  constructor(private readonly em: EntityManager) {}

  /** Tokens under `scopePath` ('' for the whole tree), optionally with exactly this label, newest first (all when `limit` is null). */
  list(scopePath: string, label: string | null, limit: number | null): Promise<ApiTokenEntity[]> {
    const qb = this.em.createQueryBuilder(ApiTokenEntity, 't').select('t.*').leftJoinAndSelect('t.grid', 'g').orderBy({ id: 'desc' });
    if (limit !== null) qb.limit(limit);
    if (scopePath !== '') qb.where('g.path <@ ?::ltree', [scopePath]);
    if (label !== null) qb.andWhere({ label });
    return qb.getResultList();
  }
}
