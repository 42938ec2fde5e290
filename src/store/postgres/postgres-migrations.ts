import type pg from 'pg';
import type { Migration } from '../sqlite/migrations.js';
import { transaction } from './postgres-transaction.js';

/**
 * First key of the advisory lock under which migrations run; the second is the schema's name
 * hashed, so instances sharing one schema migrate one at a time while tests in other schemas of
 * the same database do not wait for each other.
 */
const MIGRATION_LOCK = 0x4b50_4d49; // "KPMI"

/**
 * Versioned schema migrations of the PostgreSQL store: the same tables and columns as the SQLite
 * store's, in PostgreSQL types (BIGINT for epoch ms and counters, BYTEA for pseudonyms). The
 * versions follow the SQLite ones; version 4 is a plain index here, because PostgreSQL has none of
 * the write amplification that made SQLite's per-person index a bucketed side table. Append only.
 */
export const POSTGRES_MIGRATIONS: readonly Migration[] = [
  {
    version: 1,
    name: 'used client-assertion ids (jti replay protection)',
    sql: `
      CREATE TABLE gebruikte_assertion_id (
        uitgever TEXT NOT NULL,
        jti      TEXT NOT NULL,
        verloopt BIGINT NOT NULL,
        PRIMARY KEY (uitgever, jti)
      );
      CREATE INDEX gebruikte_assertion_id_verloopt ON gebruikte_assertion_id (verloopt);
    `,
  },
  {
    version: 2,
    name: 'aanwijzingen, their feed counter, and the processing log',
    sql: `
      CREATE TABLE teller (naam TEXT PRIMARY KEY, waarde BIGINT NOT NULL);
      INSERT INTO teller (naam, waarde) VALUES ('aanwijzing', 0);

      CREATE TABLE aanwijzing (
        id               TEXT PRIMARY KEY,
        aanleveraar_oin  TEXT NOT NULL,
        kenmerk          TEXT NOT NULL,
        inhoud_hash      TEXT NOT NULL,
        ontvanger_oin    TEXT NOT NULL,
        soort            TEXT NOT NULL,
        regeling         TEXT NOT NULL,
        gemeentecode     TEXT NOT NULL,
        reden_code       TEXT NOT NULL,
        bsn              TEXT,
        inhoud           TEXT,
        ondertekening    TEXT,
        geldig_tot       TEXT NOT NULL,
        status           TEXT NOT NULL,
        uitkomst         TEXT,
        toelichting      TEXT,
        teruggekoppeld   BIGINT,
        intrekkingsreden TEXT,
        vervangt         TEXT REFERENCES aanwijzing (id) DEFERRABLE INITIALLY DEFERRED,
        vervangen_door   TEXT REFERENCES aanwijzing (id) DEFERRABLE INITIALLY DEFERRED,
        aangeboden       BIGINT NOT NULL,
        gewijzigd        BIGINT NOT NULL,
        volgnummer       BIGINT NOT NULL CONSTRAINT aanwijzing_volgnummer_uniek UNIQUE,
        CONSTRAINT aanwijzing_kenmerk_uniek UNIQUE (aanleveraar_oin, kenmerk)
      );
      CREATE INDEX aanwijzing_feed ON aanwijzing (ontvanger_oin, volgnummer);
      CREATE INDEX aanwijzing_aanleveraar ON aanwijzing (aanleveraar_oin, aangeboden);
      CREATE INDEX aanwijzing_open ON aanwijzing (geldig_tot) WHERE status IN ('AANGEBODEN', 'ONTVANGEN', 'IN_BEHANDELING');
      CREATE INDEX aanwijzing_purge ON aanwijzing (gewijzigd) WHERE bsn IS NOT NULL;

      CREATE TABLE verwerking (
        nr                    BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
        trace_id              TEXT NOT NULL,
        operation_id          TEXT NOT NULL,
        foreign_operation_id  TEXT,
        naam                  TEXT NOT NULL,
        status                TEXT NOT NULL,
        start_tijd            BIGINT NOT NULL,
        eind_tijd             BIGINT NOT NULL,
        verwerkingsactiviteit TEXT NOT NULL,
        verzoeker_oin         TEXT NOT NULL,
        actor_oin             TEXT
      );
      CREATE INDEX verwerking_eind ON verwerking (eind_tijd);
      CREATE TABLE verwerking_betrokkene (
        nr            BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
        verwerking    BIGINT NOT NULL REFERENCES verwerking (nr) ON DELETE CASCADE,
        verzoeker_oin TEXT NOT NULL,
        betrokkene    BYTEA NOT NULL,
        resource_id   TEXT
      );
      CREATE INDEX verwerking_betrokkene_verzoeker ON verwerking_betrokkene (verzoeker_oin, nr);
      CREATE INDEX verwerking_betrokkene_verwerking ON verwerking_betrokkene (verwerking);
    `,
  },
  {
    version: 3,
    name: 'the joint opt-out register',
    sql: `
      INSERT INTO teller (naam, waarde) VALUES ('opt_out', 0);
      CREATE TABLE opt_out (
        id                 TEXT PRIMARY KEY,
        bsn                TEXT,
        scope              TEXT NOT NULL,
        kanaal             TEXT NOT NULL,
        geregistreerd_door TEXT NOT NULL,
        actor_oin          TEXT,
        ingang             BIGINT NOT NULL,
        einde              BIGINT,
        ingetrokken_door   TEXT,
        volgnummer         BIGINT NOT NULL CONSTRAINT opt_out_volgnummer_uniek UNIQUE
      );
      CREATE UNIQUE INDEX opt_out_actief ON opt_out (bsn, scope) WHERE einde IS NULL;
      CREATE INDEX aanwijzing_bsn ON aanwijzing (bsn) WHERE bsn IS NOT NULL;

      CREATE TABLE volgindicatie (
        eigenaar_oin TEXT NOT NULL,
        bsn          TEXT NOT NULL,
        geplaatst    BIGINT NOT NULL,
        PRIMARY KEY (eigenaar_oin, bsn)
      );
      CREATE INDEX volgindicatie_bsn ON volgindicatie (bsn);
    `,
  },
  {
    version: 4,
    name: 'per-person index of the processing log',
    sql: 'CREATE INDEX verwerking_betrokkene_persoon ON verwerking_betrokkene (betrokkene, nr);',
  },
  {
    version: 5,
    name: 'files of aanwijzingen (aanleveringen): progress checkpoint and rejected lines',
    sql: `
      CREATE TABLE aanlevering (
        id               TEXT PRIMARY KEY,
        aanleveraar_oin  TEXT NOT NULL,
        actor_oin        TEXT,
        digest           TEXT NOT NULL,
        formaat          TEXT NOT NULL,
        bestandsnaam     TEXT,
        bytes            BIGINT NOT NULL,
        ondertekening    TEXT NOT NULL,
        trace            TEXT NOT NULL,
        status           TEXT NOT NULL,
        ontvangen        BIGINT NOT NULL,
        afgerond         BIGINT,
        positie          BIGINT NOT NULL DEFAULT 0,
        regel            BIGINT NOT NULL DEFAULT 0,
        geaccepteerd     BIGINT NOT NULL DEFAULT 0,
        afgewezen        BIGINT NOT NULL DEFAULT 0,
        onderdrukt       BIGINT NOT NULL DEFAULT 0,
        al_bekend        BIGINT NOT NULL DEFAULT 0,
        CONSTRAINT aanlevering_digest_uniek UNIQUE (aanleveraar_oin, digest)
      );
      CREATE INDEX aanlevering_open ON aanlevering (ontvangen) WHERE status = 'IN_VERWERKING';
      CREATE TABLE aanlevering_fout (
        aanlevering     TEXT NOT NULL REFERENCES aanlevering (id) ON DELETE CASCADE,
        regel           BIGINT NOT NULL,
        code            TEXT NOT NULL,
        detail          TEXT NOT NULL,
        invalid_params  TEXT,
        PRIMARY KEY (aanlevering, regel)
      );
      CREATE INDEX aanwijzing_ontvanger_aangeboden ON aanwijzing (ontvanger_oin, aangeboden);
    `,
  },
  {
    version: 6,
    name: 'processing log: per-person index in buckets, no foreign-key check per subject',
    // As SQLite's migration 4, for the same reason: an index on the 32-byte pseudonym puts each new
    // record on a random page of one ever-growing B-tree, so a 10,000-BSN look-up dirtied ~10,000
    // pages once the log was large (median 407 ms against a 1,000,000-record log). Keyed
    // (nr >> 16, pseudonym, nr), a burst of records lands in the newest bucket's few pages; a
    // search for a person probes each bucket (= ANY over the bucket numbers). The foreign key cost a
    // look-up per subject row; the one writer (PostgresProcessingLog) inserts an operation and its
    // subjects in one statement, and retention deletes both explicitly.
    sql: `
      ALTER TABLE verwerking_betrokkene DROP CONSTRAINT verwerking_betrokkene_verwerking_fkey;
      DROP INDEX verwerking_betrokkene_persoon;
      CREATE INDEX verwerking_betrokkene_persoon ON verwerking_betrokkene ((nr >> 16), betrokkene, nr);
    `,
  },
];

/**
 * Applies the pending migrations, each in its own transaction under a transaction-scoped advisory
 * lock: two instances starting together on one database migrate once (the second waits for the
 * lock, then finds the version recorded). DDL is transactional in PostgreSQL, so a failing
 * migration leaves nothing behind.
 */
export async function migrate(pool: pg.Pool, migrations: readonly Migration[]): Promise<void> {
  for (const migration of [...migrations].sort((a, b) => a.version - b.version)) {
    await transaction(pool, async (tx) => {
      await tx.run('SELECT pg_advisory_xact_lock($1, hashtext(current_schema()))', [MIGRATION_LOCK]);
      await tx.run(`CREATE TABLE IF NOT EXISTS schema_migratie (
        version INTEGER PRIMARY KEY, naam TEXT NOT NULL, toegepast TEXT NOT NULL)`);
      const applied = await tx.rows('SELECT 1 FROM schema_migratie WHERE version = $1', [migration.version]);
      if (applied.length > 0) return;
      await tx.run(migration.sql);
      await tx.run('INSERT INTO schema_migratie (version, naam, toegepast) VALUES ($1, $2, $3)', [migration.version, migration.name, new Date().toISOString()]);
    });
  }
}

/** Versions of the applied migrations, oldest first. */
export async function appliedMigrations(pool: pg.Pool): Promise<number[]> {
  const { rows } = await pool.query<{ version: number }>('SELECT version FROM schema_migratie ORDER BY version');
  return rows.map((r) => r.version);
}
