-- csmreport store, schema version 5: where every stored row came from.
--
-- import_log gains the file's sha256 and takes its id at the start of the
-- import, so the rows a file writes can name it. Every row of the reference,
-- devices, tickets and calls tables has its source in a side table K_src
-- (row = the rowid in K): its import (an import_log id) and the line of the
-- file where its record starts. Kept beside the data, not in it, so that the
-- data stays the same whatever the order of the imports (SPEC 3: "the import
-- log aside"). An insert or a replacement writes the file's import and line;
-- a row the file finds unchanged keeps its source unless that was other
-- content or another line (a snapshot replaced by a corrected export names
-- the new file); re-importing an unchanged file changes nothing
-- (src/ingest/ingest_store.c, ingest_lineage.c).
--
-- Usage, most of the store, does not pay per row: its sources are kept per
-- device and month in the roll-up usage_months, which exists anyway: the last
-- import that wrote a row of that device's month and the first line of those
-- rows in its file. Rows stored before version 5 have no source: "unknown
-- source".

ALTER TABLE import_log ADD COLUMN sha256 TEXT;
-- how many accounts or partners an accounts or partners file gave other
-- recipients (reports go by mail to them: a change is worth a line in the
-- log); NULL for the other kinds
ALTER TABLE import_log ADD COLUMN recipients_changed INTEGER;

ALTER TABLE usage_months ADD COLUMN src_import INTEGER;
ALTER TABLE usage_months ADD COLUMN src_line   INTEGER;

CREATE TABLE partners_src (row INTEGER PRIMARY KEY, src_import INTEGER NOT NULL, src_line INTEGER NOT NULL);
CREATE TRIGGER partners_src_delete AFTER DELETE ON partners BEGIN DELETE FROM partners_src WHERE row = OLD.rowid; END;

CREATE TABLE accounts_src (row INTEGER PRIMARY KEY, src_import INTEGER NOT NULL, src_line INTEGER NOT NULL);
CREATE TRIGGER accounts_src_delete AFTER DELETE ON accounts BEGIN DELETE FROM accounts_src WHERE row = OLD.rowid; END;

CREATE TABLE contracts_src (row INTEGER PRIMARY KEY, src_import INTEGER NOT NULL, src_line INTEGER NOT NULL);
CREATE TRIGGER contracts_src_delete AFTER DELETE ON contracts BEGIN DELETE FROM contracts_src WHERE row = OLD.rowid; END;

CREATE TABLE catalog_src (row INTEGER PRIMARY KEY, src_import INTEGER NOT NULL, src_line INTEGER NOT NULL);
CREATE TRIGGER catalog_src_delete AFTER DELETE ON catalog BEGIN DELETE FROM catalog_src WHERE row = OLD.rowid; END;

CREATE TABLE firmware_src (row INTEGER PRIMARY KEY, src_import INTEGER NOT NULL, src_line INTEGER NOT NULL);
CREATE TRIGGER firmware_src_delete AFTER DELETE ON firmware BEGIN DELETE FROM firmware_src WHERE row = OLD.rowid; END;

CREATE TABLE holidays_src (row INTEGER PRIMARY KEY, src_import INTEGER NOT NULL, src_line INTEGER NOT NULL);
CREATE TRIGGER holidays_src_delete AFTER DELETE ON holidays BEGIN DELETE FROM holidays_src WHERE row = OLD.rowid; END;

CREATE TABLE devices_src (row INTEGER PRIMARY KEY, src_import INTEGER NOT NULL, src_line INTEGER NOT NULL);
CREATE TRIGGER devices_src_delete AFTER DELETE ON devices BEGIN DELETE FROM devices_src WHERE row = OLD.rowid; END;

CREATE TABLE tickets_src (row INTEGER PRIMARY KEY, src_import INTEGER NOT NULL, src_line INTEGER NOT NULL);
CREATE TRIGGER tickets_src_delete AFTER DELETE ON tickets BEGIN DELETE FROM tickets_src WHERE row = OLD.rowid; END;

CREATE TABLE calls_src (row INTEGER PRIMARY KEY, src_import INTEGER NOT NULL, src_line INTEGER NOT NULL);
CREATE TRIGGER calls_src_delete AFTER DELETE ON calls BEGIN DELETE FROM calls_src WHERE row = OLD.rowid; END;

-- The import of a source, for readers: file, sha256, profile, when.
CREATE VIEW sources AS
SELECT id AS src_import, file, sha256, profile, kind, finished_at AS imported_at,
       substr(finished_at, 1, 10) AS import_date
  FROM import_log;
