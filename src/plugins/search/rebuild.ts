/**
 * Rebuilding a collection's full-text documents after its `search.text` changed, in steps of
 * REBUILD_CHUNK records, each one D1 batch (storage/search-index.ts `rebuildStepStatements`),
 * so 1.2 million records never make one oversized transaction. Run after the collection's
 * commit (within a time budget) and resumed by the cron upkeep until done. While a rebuild is
 * pending, text clauses of `/search` on that collection answer 503.
 */
import { sql } from "drizzle-orm";
import { rebuildStepStatements } from "../../storage/search-index";
import { statement } from "../../storage/sql";

/** Milliseconds one run may spend before leaving the rest to the next upkeep. */
export const REBUILD_BUDGET_MS = 20_000;

/** Runs steps until the rebuild is done (true) or the budget is spent (false). */
export async function rebuild(db: D1Database, collectionUri: string, budgetMs = REBUILD_BUDGET_MS): Promise<boolean> {
  const deadline = Date.now() + budgetMs;
  const statements = rebuildStepStatements(collectionUri).map((query) => statement(db, query));
  do {
    const results = await db.batch(statements);
    const pending = (results.at(-1)?.results?.[0] as { pending?: number } | undefined)?.pending ?? 0;
    if (pending === 0) return true;
  } while (Date.now() < deadline);
  return false;
}

/** Every pending rebuild, each within the budget. */
export async function resumeRebuilds(db: D1Database): Promise<void> {
  const { results } = await statement(db, sql`SELECT collection_uri FROM search_builds`).all<{ collection_uri: string }>();
  for (const row of results) await rebuild(db, row.collection_uri);
}
