-- csmreport store, schema version 1.
--
-- Conventions
-- * Natural keys of SPEC section 3 are PRIMARY KEYs or UNIQUE, so an import is an
--   upsert and a re-import changes nothing. Data tables are rowid tables: the
--   importer gives every row it writes a rowid above the table's largest at the
--   start of the file, which is how it tells a key repeated within one file from
--   a key stored earlier, in constant memory (src/ingest.c).
-- * An empty CSV value is stored as NULL.
-- * Dates are TEXT 'YYYY-MM-DD'. Timestamps are kept as imported, in canonical
--   text 'YYYY-MM-DDTHH:MM:SS' with a 'Z' or '+HH:MM' suffix only when the export
--   gave an offset (a naive time is local time of the account's time zone).
--   Beside each timestamp, a *_utc INTEGER column holds the UTC epoch second. It
--   depends on the account's time zone for naive values, so it is derived data:
--   computed at import with the time zone known then, and recomputed for an
--   account whenever an accounts import changes its time zone (order independence).
-- * Money is INTEGER micro-units of the currency (1350.00 EUR = 1350000000) and
--   percentages INTEGER micro-percent (5 % = 5000000), so every comparison and
--   every charge is exact integer arithmetic; views expose plain numbers.

CREATE TABLE partners (
    partner_id    TEXT NOT NULL UNIQUE,
    partner_name  TEXT NOT NULL,
    locale        TEXT,
    currency      TEXT,
    recipients    TEXT
);

CREATE TABLE accounts (
    account_id    TEXT NOT NULL UNIQUE,
    account_name  TEXT NOT NULL,
    partner_id    TEXT,
    partner_name  TEXT,
    program       TEXT NOT NULL CHECK (program IN ('elite', 'poly_plus', 'enterprise',
                                                   'partner_poly_plus', 'partner_enterprise')),
    term_start    TEXT NOT NULL,
    term_end      TEXT NOT NULL,
    country       TEXT,
    region        TEXT,
    timezone      TEXT,
    locale        TEXT,
    currency      TEXT,
    recipients    TEXT,
    options       TEXT,
    csm_name      TEXT,
    csm_email     TEXT
);
CREATE INDEX accounts_partner ON accounts (partner_id);

CREATE TABLE contracts (
    account_id                 TEXT NOT NULL,
    category                   TEXT NOT NULL CHECK (category IN ('headset', 'video', 'voice')),
    agreed_count               INTEGER NOT NULL CHECK (agreed_count >= 0),
    annual_unit_price_micros   INTEGER,
    trueup_pct_micros          INTEGER NOT NULL DEFAULT 5000000,
    rma_threshold_pct_micros   INTEGER NOT NULL DEFAULT 5000000,
    UNIQUE (account_id, category)
);

CREATE TABLE catalog (
    model              TEXT NOT NULL UNIQUE,
    category           TEXT NOT NULL CHECK (category IN ('headset', 'video', 'voice', 'infrastructure')),
    eos_date           TEXT,
    list_price_micros  INTEGER
);

CREATE TABLE firmware (
    model         TEXT NOT NULL,
    version       TEXT NOT NULL,
    release_date  TEXT NOT NULL,
    UNIQUE (model, version)
);

-- region '' = the whole country (the natural key needs a non-NULL value).
CREATE TABLE holidays (
    country  TEXT NOT NULL,
    region   TEXT NOT NULL DEFAULT '',
    date     TEXT NOT NULL,
    name     TEXT,
    UNIQUE (country, region, date)
);

CREATE TABLE devices (
    account_id     TEXT NOT NULL,
    snapshot_date  TEXT NOT NULL,
    serial         TEXT NOT NULL,
    model          TEXT NOT NULL,
    firmware       TEXT,
    site           TEXT,
    room           TEXT,
    status         TEXT,
    last_seen      TEXT,
    last_seen_utc  INTEGER,
    UNIQUE (account_id, snapshot_date, serial)
);
CREATE INDEX devices_serial ON devices (serial, snapshot_date);

CREATE TABLE tickets (
    ticket_id         TEXT NOT NULL UNIQUE,
    account_id        TEXT NOT NULL,
    site_id           TEXT,
    serial            TEXT,
    model             TEXT,
    priority          TEXT NOT NULL CHECK (priority IN ('P1', 'P2', 'P3', 'P4')),
    status            TEXT,
    opened_at         TEXT NOT NULL,
    closed_at         TEXT,
    cloud_partner     TEXT,
    rma_number        TEXT,
    rma_approved_at   TEXT,
    shipped_at        TEXT,
    delivered_at      TEXT,
    root_cause        TEXT,
    updated_at        TEXT,
    opened_utc        INTEGER NOT NULL,
    closed_utc        INTEGER,
    rma_approved_utc  INTEGER,
    shipped_utc       INTEGER,
    delivered_utc     INTEGER,
    updated_utc       INTEGER
);
CREATE INDEX tickets_account_opened ON tickets (account_id, opened_utc);
CREATE INDEX tickets_account_closed ON tickets (account_id, closed_utc);
CREATE INDEX tickets_rma ON tickets (rma_number) WHERE rma_number IS NOT NULL;
CREATE INDEX tickets_account_rma ON tickets (account_id, rma_number) WHERE rma_number IS NOT NULL;
CREATE INDEX tickets_serial ON tickets (serial) WHERE serial IS NOT NULL;

-- Daily usage per device. (date, serial) is the natural key. The second index
-- serves the adoption query, which reads the usage of each inventory device as
-- one contiguous range (account, serial, dates) with the columns it tests, so
-- it needs neither the table nor a sort by serial (tests/bench/metrics.sh).
CREATE TABLE usage (
    date          TEXT NOT NULL,
    serial        TEXT NOT NULL,
    account_id    TEXT NOT NULL,
    calls         INTEGER NOT NULL DEFAULT 0 CHECK (calls >= 0),
    call_minutes  INTEGER NOT NULL DEFAULT 0 CHECK (call_minutes >= 0),
    meetings      INTEGER NOT NULL DEFAULT 0 CHECK (meetings >= 0)
);
-- The natural key as a named index (not a table constraint): a first bulk load
-- into the empty table drops it and builds it once after the rows (ingest.c).
CREATE UNIQUE INDEX usage_key ON usage (date, serial);
CREATE INDEX usage_account_serial ON usage (account_id, serial, date, calls, call_minutes);

-- Per-call records. local_date is the account-local day of start_time (derived,
-- recomputed like the *_utc columns).
CREATE TABLE calls (
    serial        TEXT NOT NULL,
    start_time    TEXT NOT NULL,
    account_id    TEXT NOT NULL,
    end_time      TEXT NOT NULL,
    direction     TEXT,
    protocol      TEXT,
    remote_party  TEXT,
    start_utc     INTEGER NOT NULL,
    end_utc       INTEGER NOT NULL,
    local_date    TEXT NOT NULL
);
CREATE UNIQUE INDEX calls_key ON calls (serial, start_time);
CREATE INDEX calls_account_date ON calls (account_id, local_date);

CREATE TABLE import_log (
    id             INTEGER PRIMARY KEY,
    file           TEXT NOT NULL,
    kind           TEXT NOT NULL,
    size_bytes     INTEGER NOT NULL,
    rows_read      INTEGER NOT NULL,
    rows_inserted  INTEGER NOT NULL,
    rows_updated   INTEGER NOT NULL,
    rows_unchanged INTEGER NOT NULL,
    rows_rejected  INTEGER NOT NULL,
    rows_superseded INTEGER NOT NULL DEFAULT 0, -- lost to a profile keep rule
    rows_deleted   INTEGER NOT NULL DEFAULT 0, -- devices dropped from a replaced snapshot
    started_at     TEXT NOT NULL,
    finished_at    TEXT NOT NULL,
    seconds        REAL NOT NULL,
    profile        TEXT,
    program_version TEXT NOT NULL
);

-- Usage as the metrics see it: usage rows, plus per-call records rolled up per
-- device and local day where no usage row exists for that day (SPEC section 3).
CREATE VIEW usage_effective AS
    SELECT date, serial, account_id, calls, call_minutes, meetings, 'usage' AS source
      FROM usage
    UNION ALL
    SELECT c.local_date, c.serial, c.account_id, count(*),
           (sum(c.end_utc - c.start_utc) + 30) / 60, 0, 'calls'
      FROM calls AS c
     WHERE NOT EXISTS (SELECT 1 FROM usage AS u
                        WHERE u.date = c.local_date AND u.serial = c.serial)
     GROUP BY c.account_id, c.serial, c.local_date;

-- Devices with their category from the catalog ('unknown' for a model not in it).
CREATE VIEW devices_v AS
    SELECT d.*, coalesce(k.category, 'unknown') AS category, k.eos_date
      FROM devices AS d LEFT JOIN catalog AS k ON k.model = d.model;

-- Tickets with the effective model (own, else the serial's latest inventory row on
-- or before opened_at, else the earliest after) and its category.
CREATE VIEW tickets_v AS
    SELECT t.*, m.eff_model AS effective_model,
           coalesce(k.category, 'unknown') AS category
      FROM tickets AS t
      LEFT JOIN (SELECT t2.ticket_id,
                        coalesce(t2.model,
                          (SELECT d.model FROM devices AS d
                            WHERE d.serial = t2.serial AND d.snapshot_date <= substr(t2.opened_at, 1, 10)
                            ORDER BY d.snapshot_date DESC LIMIT 1),
                          (SELECT d.model FROM devices AS d
                            WHERE d.serial = t2.serial AND d.snapshot_date > substr(t2.opened_at, 1, 10)
                            ORDER BY d.snapshot_date ASC LIMIT 1)) AS eff_model
                   FROM tickets AS t2) AS m ON m.ticket_id = t.ticket_id
      LEFT JOIN catalog AS k ON k.model = m.eff_model;

CREATE VIEW contracts_v AS
    SELECT account_id, category, agreed_count,
           annual_unit_price_micros / 1e6 AS annual_unit_price,
           trueup_pct_micros / 1e6 AS trueup_pct,
           rma_threshold_pct_micros / 1e6 AS rma_threshold_pct
      FROM contracts;
