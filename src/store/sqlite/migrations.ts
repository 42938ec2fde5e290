/**
 * Versioned schema migrations of the embedded store. Append only: a released migration is never
 * edited, a change is a new entry. Each runs in its own transaction with its version recorded.
 */
export interface Migration {
  readonly version: number;
  readonly name: string;
  readonly sql: string;
}

export const SQLITE_MIGRATIONS: readonly Migration[] = [
  {
    version: 1,
    name: 'used client-assertion ids (jti replay protection)',
    sql: `
      CREATE TABLE gebruikte_assertion_id (
        uitgever   TEXT    NOT NULL,
        jti        TEXT    NOT NULL,
        verloopt   INTEGER NOT NULL,  -- epoch milliseconds
        PRIMARY KEY (uitgever, jti)
      ) WITHOUT ROWID;
      CREATE INDEX gebruikte_assertion_id_verloopt ON gebruikte_assertion_id (verloopt);
    `,
  },
];
