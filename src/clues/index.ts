/** Clue store (migration 003): identity, screening upserts, runs, queries. */
export * from './repository.ts';
