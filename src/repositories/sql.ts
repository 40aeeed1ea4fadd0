import type { EntityManager } from '@mikro-orm/postgresql';

/** Runs raw SQL on the entity manager's connection (inside its transaction, if any). */
export async function query<T extends object>(em: EntityManager, sql: string, params: unknown[] = []): Promise<T[]> {
  return em.getConnection().execute<T[]>(sql, params, 'all', em.getTransactionContext());
}
