/**
 * Test databases: SQLite in memory, and the PostgreSQL that runs on every machine of this
 * project (127.0.0.1:5432, trust auth) instead of a container, since no image registry is
 * reachable here. `SLIPWAY_TEST_PG_CONNECTION` points elsewhere when needed.
 */
export const TEST_POSTGRES_ID = 'POSTGRES_15' as const;
const CONNECTION_ENV = 'BACKSTAGE_TEST_DATABASE_POSTGRES15_CONNECTION_STRING';

export type SlipwayTestDatabaseId = 'SQLITE_3' | typeof TEST_POSTGRES_ID;

/** The database ids for `TestDatabases.create({ ids })`, with PostgreSQL wired to the local server. */
export function slipwayTestDatabaseIds(): SlipwayTestDatabaseId[] {
  process.env[CONNECTION_ENV] ??=
    process.env.SLIPWAY_TEST_PG_CONNECTION ??
    'postgresql://postgres@127.0.0.1:5432';
  return ['SQLITE_3', TEST_POSTGRES_ID];
}
