-- csmreport store, schema version 2: daily usage keyed by an integer.
--
-- Usage is most of any store (one row per device and day: millions). Version 1
-- kept it as TEXT columns with two indexes, and building those indexes was
-- most of the time of a large import. Version 2 stores each row once, in key
-- order, under an INTEGER PRIMARY KEY that is the natural key itself:
--
--     id = serial_id << 16 | day      day = days since 1970-01-01 (0..65535,
--                                     1970-01-01..2149-06-06)
--
-- with serial_id from the serials dictionary. One device's days are one range
-- of ids, so a device's usage over a period is a single B-tree range, and the
-- importer sorts a file's rows by id in C and appends them (src/ingest_usage.c).
-- The view "usage" gives the rows back with their version 1 columns, for
-- reports and ad-hoc SQL, and usage_months keeps their monthly roll-up.

CREATE TABLE serials (
    serial_id  INTEGER PRIMARY KEY,
    serial     TEXT NOT NULL UNIQUE
);

CREATE TABLE usage_days (
    id            INTEGER PRIMARY KEY,  -- serial_id << 16 | days since 1970-01-01
    account_id    TEXT NOT NULL,
    calls         INTEGER NOT NULL DEFAULT 0 CHECK (calls >= 0),
    call_minutes  INTEGER NOT NULL DEFAULT 0 CHECK (call_minutes >= 0),
    meetings      INTEGER NOT NULL DEFAULT 0 CHECK (meetings >= 0)
);

-- A version 1 store may hold dates the id cannot: then the migration fails
-- (and leaves the store as it was) with a CHECK message that says why.
CREATE TEMP TABLE v2_migration_check (
    usage_date TEXT CHECK (usage_date BETWEEN '1970-01-01' AND '2149-06-06')
);
INSERT INTO v2_migration_check SELECT min(date) FROM usage UNION ALL SELECT max(date) FROM usage;
DROP TABLE v2_migration_check;

-- The monthly roll-up of usage_days per device, month and account, kept exact
-- by every import (src/ingest_usage.c) and by the usage view's triggers. The
-- adoption metrics of whole months read it: a year of a 450-device account is
-- 5,400 rows instead of 120,000.
CREATE TABLE usage_months (
    serial_id     INTEGER NOT NULL,
    first_day     INTEGER NOT NULL,  -- the month's first day, days since 1970-01-01
    account_id    TEXT NOT NULL,
    days          INTEGER NOT NULL,  -- usage rows
    active_days   INTEGER NOT NULL,  -- rows with calls or call minutes
    calls         INTEGER NOT NULL,
    call_minutes  INTEGER NOT NULL,
    PRIMARY KEY (serial_id, first_day, account_id)
) WITHOUT ROWID;

INSERT INTO serials (serial) SELECT DISTINCT serial FROM usage ORDER BY serial;
INSERT INTO usage_days (id, account_id, calls, call_minutes, meetings)
SELECT (s.serial_id << 16) | (unixepoch(u.date) / 86400), u.account_id, u.calls, u.call_minutes, u.meetings
  FROM usage AS u JOIN serials AS s ON s.serial = u.serial
 ORDER BY 1;

INSERT INTO usage_months
SELECT id >> 16, unixepoch((id & 65535) * 86400, 'unixepoch', 'start of month') / 86400, account_id,
       count(*), sum(calls > 0 OR call_minutes > 0), sum(calls), sum(call_minutes)
  FROM usage_days
 GROUP BY 1, 2, 3;

DROP VIEW usage_effective;
DROP TABLE usage;

CREATE VIEW usage AS
    SELECT date((u.id & 65535) * 86400, 'unixepoch') AS date, s.serial AS serial,
           u.account_id AS account_id, u.calls AS calls, u.call_minutes AS call_minutes,
           u.meetings AS meetings
      FROM usage_days AS u
      JOIN serials AS s ON s.serial_id = u.id >> 16;

-- The roll-up with a month 'YYYY-MM' and the serial, for reports and SQL.
CREATE VIEW usage_by_month AS
    SELECT strftime('%Y-%m', m.first_day * 86400, 'unixepoch') AS month, s.serial AS serial,
           m.account_id AS account_id, m.days AS days, m.active_days AS active_days,
           m.calls AS calls, m.call_minutes AS call_minutes
      FROM usage_months AS m
      JOIN serials AS s ON s.serial_id = m.serial_id;

-- Per-call records rolled up per device and local day, for the days without a
-- usage row (SPEC section 3: calls count as usage, never twice). The usage row
-- of a call's day is one lookup by id.
CREATE VIEW usage_from_calls AS
    SELECT c.local_date AS date, c.serial AS serial, c.account_id AS account_id,
           count(*) AS calls, (sum(c.end_utc - c.start_utc) + 30) / 60 AS call_minutes,
           0 AS meetings
      FROM calls AS c
     WHERE NOT EXISTS (SELECT 1 FROM usage_days AS u
                        WHERE u.id = ((SELECT s.serial_id FROM serials AS s WHERE s.serial = c.serial) << 16)
                                     | (unixepoch(c.local_date) / 86400))
     GROUP BY c.account_id, c.serial, c.local_date;

-- Usage as the metrics see it: usage rows, plus the days of per-call records
-- without one.
CREATE VIEW usage_effective AS
    SELECT date, serial, account_id, calls, call_minutes, meetings, 'usage' AS source
      FROM usage
    UNION ALL
    SELECT date, serial, account_id, calls, call_minutes, meetings, 'calls'
      FROM usage_from_calls;

-- The view takes INSERT and DELETE too, so hand-made rows and clean-ups in SQL
-- need not know the id; the roll-up follows. A date the id cannot hold is
-- refused, never stored under a made-up id (date(julianday(x)) also turns
-- 2026-02-30 into 03-02).
CREATE TRIGGER usage_insert INSTEAD OF INSERT ON usage
BEGIN
    SELECT RAISE(ABORT, 'usage.date must be a date YYYY-MM-DD from 1970-01-01 to 2149-06-06')
     WHERE NEW.date IS NOT date(julianday(NEW.date)) OR NEW.date NOT BETWEEN '1970-01-01' AND '2149-06-06';
    SELECT RAISE(ABORT, 'usage.serial must not be NULL') WHERE NEW.serial IS NULL;
    INSERT OR IGNORE INTO serials (serial) VALUES (NEW.serial);
    INSERT INTO usage_days (id, account_id, calls, call_minutes, meetings)
    VALUES (((SELECT serial_id FROM serials WHERE serial = NEW.serial) << 16) | (unixepoch(NEW.date) / 86400),
            NEW.account_id, coalesce(NEW.calls, 0), coalesce(NEW.call_minutes, 0), coalesce(NEW.meetings, 0));
    INSERT INTO usage_months (serial_id, first_day, account_id, days, active_days, calls, call_minutes)
    VALUES ((SELECT serial_id FROM serials WHERE serial = NEW.serial),
            unixepoch(NEW.date, 'start of month') / 86400, NEW.account_id, 1,
            coalesce(NEW.calls, 0) > 0 OR coalesce(NEW.call_minutes, 0) > 0,
            coalesce(NEW.calls, 0), coalesce(NEW.call_minutes, 0))
    ON CONFLICT (serial_id, first_day, account_id) DO UPDATE SET
        days = days + 1, active_days = active_days + excluded.active_days,
        calls = calls + excluded.calls, call_minutes = call_minutes + excluded.call_minutes;
END;

CREATE TRIGGER usage_delete INSTEAD OF DELETE ON usage
BEGIN
    DELETE FROM usage_days
     WHERE id = ((SELECT serial_id FROM serials WHERE serial = OLD.serial) << 16) | (unixepoch(OLD.date) / 86400);
    UPDATE usage_months
       SET days = days - 1, active_days = active_days - (OLD.calls > 0 OR OLD.call_minutes > 0),
           calls = calls - OLD.calls, call_minutes = call_minutes - OLD.call_minutes
     WHERE serial_id = (SELECT serial_id FROM serials WHERE serial = OLD.serial)
       AND first_day = unixepoch(OLD.date, 'start of month') / 86400 AND account_id = OLD.account_id;
    DELETE FROM usage_months
     WHERE serial_id = (SELECT serial_id FROM serials WHERE serial = OLD.serial)
       AND first_day = unixepoch(OLD.date, 'start of month') / 86400 AND account_id = OLD.account_id
       AND days = 0;
END;
