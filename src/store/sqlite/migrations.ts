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
  {
    version: 2,
    name: 'aanwijzingen, their feed counter, and the processing log',
    sql: `
      CREATE TABLE teller (naam TEXT PRIMARY KEY, waarde INTEGER NOT NULL) WITHOUT ROWID;
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
        reden_code       TEXT NOT NULL,   -- kept after the purge: feedback statistics need it, it is not personal
        bsn              TEXT,            -- personal data: emptied by the retention purge
        inhoud           TEXT,            -- the delivery as JSON: emptied by the retention purge
        ondertekening    TEXT,            -- signature + signed bytes as JSON: emptied by the retention purge
        geldig_tot       TEXT NOT NULL,   -- date
        status           TEXT NOT NULL,
        uitkomst         TEXT,
        toelichting      TEXT,
        teruggekoppeld   INTEGER,         -- epoch ms
        intrekkingsreden TEXT,
        vervangt         TEXT REFERENCES aanwijzing (id) DEFERRABLE INITIALLY DEFERRED,
        vervangen_door   TEXT REFERENCES aanwijzing (id) DEFERRABLE INITIALLY DEFERRED, -- a correction points here before it is inserted
        aangeboden       INTEGER NOT NULL,
        gewijzigd        INTEGER NOT NULL,
        volgnummer       INTEGER NOT NULL UNIQUE, -- feed position: taken from teller in the writing transaction
        UNIQUE (aanleveraar_oin, kenmerk)
      );
      CREATE INDEX aanwijzing_feed ON aanwijzing (ontvanger_oin, volgnummer);
      CREATE INDEX aanwijzing_aanleveraar ON aanwijzing (aanleveraar_oin, aangeboden);
      CREATE INDEX aanwijzing_open ON aanwijzing (geldig_tot) WHERE status IN ('AANGEBODEN', 'ONTVANGEN', 'IN_BEHANDELING');
      CREATE INDEX aanwijzing_purge ON aanwijzing (gewijzigd) WHERE bsn IS NOT NULL;

      -- The processing log, normalised: one row per operation, one narrow row per data subject
      -- (a 10,000-BSN look-up is one operation with 10,000 subjects).
      CREATE TABLE verwerking (
        nr                    INTEGER PRIMARY KEY,
        trace_id              TEXT NOT NULL,
        operation_id          TEXT NOT NULL,
        foreign_operation_id  TEXT,
        naam                  TEXT NOT NULL,
        status                TEXT NOT NULL,
        start_tijd            INTEGER NOT NULL,
        eind_tijd             INTEGER NOT NULL,
        verwerkingsactiviteit TEXT NOT NULL,
        verzoeker_oin         TEXT NOT NULL,
        actor_oin             TEXT
      );
      CREATE INDEX verwerking_eind ON verwerking (eind_tijd);
      CREATE TABLE verwerking_betrokkene (
        nr          INTEGER PRIMARY KEY AUTOINCREMENT,   -- the record's position in the log
        verwerking  INTEGER NOT NULL REFERENCES verwerking (nr) ON DELETE CASCADE,
        verzoeker_oin TEXT NOT NULL,                     -- copied from the operation: the per-party listing needs no join to filter
        betrokkene  BLOB NOT NULL,                       -- pseudonym (keyed hash of the BSN), 32 bytes
        resource_id TEXT
      );
      CREATE INDEX verwerking_betrokkene_verzoeker ON verwerking_betrokkene (verzoeker_oin, nr);
      CREATE INDEX verwerking_betrokkene_persoon ON verwerking_betrokkene (betrokkene, nr);
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
        bsn                TEXT,                -- the register must match on it; emptied by retention after withdrawal
        scope              TEXT NOT NULL,       -- '*' for all regelingen, else the sorted codes joined by ','
        kanaal             TEXT NOT NULL,
        geregistreerd_door TEXT NOT NULL,       -- OIN of the party the citizen told
        actor_oin          TEXT,
        ingang             INTEGER NOT NULL,    -- epoch ms
        einde              INTEGER,             -- epoch ms of the withdrawal; NULL while active
        ingetrokken_door   TEXT,
        volgnummer         INTEGER NOT NULL UNIQUE -- position in the changes feed
      );
      -- One active opt-out per person and scope: registering it again returns the existing one.
      CREATE UNIQUE INDEX opt_out_actief ON opt_out (bsn, scope) WHERE einde IS NULL;
      CREATE INDEX opt_out_volgnummer ON opt_out (volgnummer);
      CREATE INDEX aanwijzing_bsn ON aanwijzing (bsn) WHERE bsn IS NOT NULL;

      -- Follow indications (like the BRP's afnemersindicaties): whose opt-out changes a party wants.
      CREATE TABLE volgindicatie (
        eigenaar_oin TEXT NOT NULL,
        bsn          TEXT NOT NULL,
        geplaatst    INTEGER NOT NULL,
        PRIMARY KEY (eigenaar_oin, bsn)
      ) WITHOUT ROWID;
      CREATE INDEX volgindicatie_bsn ON volgindicatie (bsn);
    `,
  },
  {
    version: 4,
    name: 'per-person index of the processing log: in buckets, filled behind the log',
    // An index on the 32-byte pseudonym of every record put each new record on a random page of
    // one ever-growing B-tree: a 10,000-BSN look-up dirtied ~10,000 pages once the log held a
    // million records (≈ 400 ms). Now the per-person index is keyed (bucket, short pseudonym, nr),
    // a bucket per 65,536 records, so a write touches only the newest bucket; and it is filled
    // behind the log in sorted batches (IndexBehind, index-behind.ts), so a request only
    // appends. A search for a person reads the index up to the mark and scans the short tail after it.
    sql: `
      CREATE TABLE verwerking_persoon (
        emmer INTEGER NOT NULL,   -- nr >> 16
        kort  BLOB NOT NULL,      -- the first 8 bytes of the pseudonym (the record itself is compared in full)
        nr    INTEGER NOT NULL,   -- verwerking_betrokkene.nr
        PRIMARY KEY (emmer, kort, nr)
      ) WITHOUT ROWID;
      INSERT INTO verwerking_persoon (emmer, kort, nr) SELECT nr >> 16, substr(betrokkene, 1, 8), nr FROM verwerking_betrokkene;
      INSERT INTO teller (naam, waarde) SELECT 'verwerking_persoon', coalesce(max(nr), 0) FROM verwerking_betrokkene;
      DROP INDEX verwerking_betrokkene_persoon;
      CREATE TRIGGER verwerking_persoon_verwijderen AFTER DELETE ON verwerking_betrokkene BEGIN
        DELETE FROM verwerking_persoon WHERE emmer = OLD.nr >> 16 AND kort = substr(OLD.betrokkene, 1, 8) AND nr = OLD.nr;
      END;
    `,
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
        bytes            INTEGER NOT NULL,
        ondertekening    TEXT NOT NULL,
        trace            TEXT NOT NULL,
        status           TEXT NOT NULL,
        ontvangen        INTEGER NOT NULL,
        afgerond         INTEGER,
        positie          INTEGER NOT NULL DEFAULT 0,  -- byte offset: every line before it has its outcome stored
        regel            INTEGER NOT NULL DEFAULT 0,  -- lines read up to positie
        geaccepteerd     INTEGER NOT NULL DEFAULT 0,
        afgewezen        INTEGER NOT NULL DEFAULT 0,
        onderdrukt       INTEGER NOT NULL DEFAULT 0,
        al_bekend        INTEGER NOT NULL DEFAULT 0,
        UNIQUE (aanleveraar_oin, digest)
      );
      CREATE INDEX aanlevering_open ON aanlevering (ontvangen) WHERE status = 'IN_VERWERKING';
      CREATE TABLE aanlevering_fout (
        aanlevering     TEXT NOT NULL REFERENCES aanlevering (id) ON DELETE CASCADE,
        regel           INTEGER NOT NULL,
        code            TEXT NOT NULL,
        detail          TEXT NOT NULL,
        invalid_params  TEXT,
        PRIMARY KEY (aanlevering, regel)
      ) WITHOUT ROWID;
      -- The periodic list: a receiver's signals by delivery time.
      CREATE INDEX aanwijzing_ontvanger_aangeboden ON aanwijzing (ontvanger_oin, aangeboden);
    `,
  },
  {
    version: 6,
    name: 'receiver indexes that a monthly file does not scatter: the feed in position buckets, the periodic list filled behind',
    // A monthly file fans out over ~342 municipalities, and both indexes led by ontvanger_oin put
    // consecutive signals on as many different pages: a batch of 500 lines dirtied a page per
    // receiver in each (npm run bench:indexen: 54-67 instead of 33-35 µs CPU a stored signal).
    // The feed index now starts with the position's bucket of 4,096 (a batch only touches the
    // newest bucket's few pages; a feed reads bucket by bucket, SqliteAanwijzingen.feed). The
    // list's entries never change once written (receiver, delivery time and id are fixed), so
    // they are added behind the signals in sorted chunks, like the per-person log index;
    // a list reads the index up to the mark (a rowid of aanwijzing) and scans the rows after it.
    sql: `
      DROP INDEX aanwijzing_feed;
      CREATE INDEX aanwijzing_feed_emmer ON aanwijzing (volgnummer >> 12, ontvanger_oin, volgnummer);
      DROP INDEX aanwijzing_ontvanger_aangeboden;
      CREATE TABLE aanwijzing_lijst (
        ontvanger_oin TEXT NOT NULL,
        aangeboden    INTEGER NOT NULL,
        id            TEXT NOT NULL,
        PRIMARY KEY (ontvanger_oin, aangeboden, id)
      ) WITHOUT ROWID;
      INSERT INTO aanwijzing_lijst (ontvanger_oin, aangeboden, id) SELECT ontvanger_oin, aangeboden, id FROM aanwijzing WHERE ontvanger_oin <> '';
      INSERT INTO teller (naam, waarde) SELECT 'aanwijzing_lijst', coalesce(max(rowid), 0) FROM aanwijzing;
    `,
  },
];
