import type { EntityManager } from '@mikro-orm/postgresql';

/** Runs raw SQL on the entity manager's connection (inside its transaction, if any). */
export async function query<T extends object>(em: EntityManager, sql: string, params: unknown[] = []): Promise<T[]> {
  return em.getConnection().execute<T[]>(sql, params, 'all', em.getTransactionContext());
}

/**
 * A `values (…), (…)` list of `rows`, each value a `?` parameter, the first row carrying the
 * column `casts` (PostgreSQL types the rest from it). Returns the SQL text and its parameters.
 */
export function valuesList(rows: ReadonlyArray<readonly unknown[]>, casts: readonly string[]): { sql: string; params: unknown[] } {
  const first = `(${casts.map((c) => `?::${c}`).join(', ')})`;
  const rest = `(${casts.map(() => '?').join(', ')})`;
  return { sql: `values ${rows.map((_, i) => (i === 0 ? first : rest)).join(', ')}`, params: rows.flat() };
}

interface PgClient {
  query(config: { name: string; text: string; values: unknown[] }): Promise<{ rows: unknown[] }>;
}
interface KnexClient {
  acquireConnection(): Promise<PgClient>;
  releaseConnection(conn: PgClient): Promise<void>;
}

/**
 * Runs one statement as a named prepared statement with `$n` parameters, outside any
 * transaction: PostgreSQL plans it once per connection instead of per call. For hot statements
 * of a fixed shape (arrays for lists); MikroORM's `execute` inlines values, so it cannot.
 */
export async function preparedQuery<T extends object>(em: EntityManager, name: string, text: string, values: unknown[]): Promise<T[]> {
  const client = (em.getConnection().getKnex() as unknown as { client: KnexClient }).client;
  const conn = await client.acquireConnection();
  const started = performance.now();
  try {
    const rows = (await conn.query({ name, text, values })).rows as T[];
    // Through MikroORM's logger like every other statement (debug logs, tests counting them).
    em.config.getLogger().logQuery({ query: text.trim(), took: Math.round(performance.now() - started), results: rows.length });
    return rows;
  } finally {
    await client.releaseConnection(conn);
  }
}
