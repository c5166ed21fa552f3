-- Statements of the importer (src/ingest/), "-- name:" blocks, per kind K.
-- Parameters are named after the canonical columns; *_utc, local_date and the
-- micro-unit columns are computed by the importer. Every row the importer inserts
-- gets :rowid, above the table's largest rowid when the file started (the mark);
-- a stored row the file rewrites or finds unchanged has its rowid noted in
-- temp.cr_touched. So a key that conflicts with a row above the mark, or with a
-- noted one, was already written by this very file: a duplicate.
--   K.insert   INSERT OR IGNORE: one change when the key is new
--   K.lookup   rowid of the stored row, whether the new values differ, whether
--              the new row may replace it (tickets: SPEC 3 updated_at rule)
--   K.replace  the new values, in place
--   K.source   the source of a row written or re-sourced (schema_v5.sql); the
--              lookup's fourth column says whether a row the file leaves
--              unchanged came from other content or another line

-- name: partners.insert
INSERT OR IGNORE INTO partners (rowid, partner_id, partner_name, locale, currency, recipients, timezone)
VALUES (:rowid, :partner_id, :partner_name, :locale, :currency, :recipients, :timezone);

-- name: partners.lookup
SELECT rowid, (partner_name, locale, currency, recipients, timezone)
       IS NOT (:partner_name, :locale, :currency, :recipients, :timezone),
       1,
       NOT EXISTS (SELECT 1 FROM partners_src AS s JOIN import_log AS l ON l.id = s.src_import
                    WHERE s.row = partners.rowid AND s.src_line = :src_line AND l.sha256 = :src_sha256)
  FROM partners WHERE partner_id = :partner_id;

-- name: partners.replace
UPDATE partners SET
    partner_name = :partner_name,
    locale = :locale,
    currency = :currency,
    recipients = :recipients,
    timezone = :timezone
WHERE rowid = :old_rowid;

-- name: partners.max_rowid
SELECT coalesce(max(rowid), 0) FROM partners;

-- name: partners.source
INSERT OR REPLACE INTO partners_src (row, src_import, src_line) VALUES (:row, :src_import, :src_line);

-- name: accounts.insert
INSERT OR IGNORE INTO accounts (rowid, account_id, account_name, partner_id, partner_name, program, term_start, term_end, country, region, timezone, locale, currency, recipients, options, csm_name, csm_email)
VALUES (:rowid, :account_id, :account_name, :partner_id, :partner_name, :program, :term_start, :term_end, :country, :region, :timezone, :locale, :currency, :recipients, :options, :csm_name, :csm_email);

-- name: accounts.lookup
SELECT rowid, (account_name, partner_id, partner_name, program, term_start, term_end, country, region, timezone, locale, currency, recipients, options, csm_name, csm_email)
       IS NOT (:account_name, :partner_id, :partner_name, :program, :term_start, :term_end, :country, :region, :timezone, :locale, :currency, :recipients, :options, :csm_name, :csm_email),
       1,
       NOT EXISTS (SELECT 1 FROM accounts_src AS s JOIN import_log AS l ON l.id = s.src_import
                    WHERE s.row = accounts.rowid AND s.src_line = :src_line AND l.sha256 = :src_sha256)
  FROM accounts WHERE account_id = :account_id;

-- name: accounts.replace
UPDATE accounts SET
    account_name = :account_name,
    partner_id = :partner_id,
    partner_name = :partner_name,
    program = :program,
    term_start = :term_start,
    term_end = :term_end,
    country = :country,
    region = :region,
    timezone = :timezone,
    locale = :locale,
    currency = :currency,
    recipients = :recipients,
    options = :options,
    csm_name = :csm_name,
    csm_email = :csm_email
WHERE rowid = :old_rowid;

-- name: accounts.max_rowid
SELECT coalesce(max(rowid), 0) FROM accounts;

-- name: accounts.source
INSERT OR REPLACE INTO accounts_src (row, src_import, src_line) VALUES (:row, :src_import, :src_line);

-- name: contracts.insert
INSERT OR IGNORE INTO contracts (rowid, account_id, category, agreed_count, annual_unit_price_micros, trueup_pct_micros, rma_threshold_pct_micros)
VALUES (:rowid, :account_id, :category, :agreed_count, :annual_unit_price, coalesce(:trueup_pct, 5000000), coalesce(:rma_threshold_pct, 5000000));

-- name: contracts.lookup
SELECT rowid, (agreed_count, annual_unit_price_micros, trueup_pct_micros, rma_threshold_pct_micros)
       IS NOT (:agreed_count, :annual_unit_price, coalesce(:trueup_pct, 5000000), coalesce(:rma_threshold_pct, 5000000)),
       1,
       NOT EXISTS (SELECT 1 FROM contracts_src AS s JOIN import_log AS l ON l.id = s.src_import
                    WHERE s.row = contracts.rowid AND s.src_line = :src_line AND l.sha256 = :src_sha256)
  FROM contracts WHERE account_id = :account_id AND category = :category;

-- name: contracts.replace
UPDATE contracts SET
    agreed_count = :agreed_count,
    annual_unit_price_micros = :annual_unit_price,
    trueup_pct_micros = coalesce(:trueup_pct, 5000000),
    rma_threshold_pct_micros = coalesce(:rma_threshold_pct, 5000000)
WHERE rowid = :old_rowid;

-- name: contracts.max_rowid
SELECT coalesce(max(rowid), 0) FROM contracts;

-- name: contracts.source
INSERT OR REPLACE INTO contracts_src (row, src_import, src_line) VALUES (:row, :src_import, :src_line);

-- name: catalog.insert
INSERT OR IGNORE INTO catalog (rowid, model, category, eos_date, list_price_micros)
VALUES (:rowid, :model, :category, :eos_date, :list_price);

-- name: catalog.lookup
SELECT rowid, (category, eos_date, list_price_micros)
       IS NOT (:category, :eos_date, :list_price),
       1,
       NOT EXISTS (SELECT 1 FROM catalog_src AS s JOIN import_log AS l ON l.id = s.src_import
                    WHERE s.row = catalog.rowid AND s.src_line = :src_line AND l.sha256 = :src_sha256)
  FROM catalog WHERE model = :model;

-- name: catalog.replace
UPDATE catalog SET
    category = :category,
    eos_date = :eos_date,
    list_price_micros = :list_price
WHERE rowid = :old_rowid;

-- name: catalog.max_rowid
SELECT coalesce(max(rowid), 0) FROM catalog;

-- name: catalog.source
INSERT OR REPLACE INTO catalog_src (row, src_import, src_line) VALUES (:row, :src_import, :src_line);

-- name: firmware.insert
INSERT OR IGNORE INTO firmware (rowid, model, version, release_date)
VALUES (:rowid, :model, :version, :release_date);

-- name: firmware.lookup
SELECT rowid, (release_date)
       IS NOT (:release_date),
       1,
       NOT EXISTS (SELECT 1 FROM firmware_src AS s JOIN import_log AS l ON l.id = s.src_import
                    WHERE s.row = firmware.rowid AND s.src_line = :src_line AND l.sha256 = :src_sha256)
  FROM firmware WHERE model = :model AND version = :version;

-- name: firmware.replace
UPDATE firmware SET
    release_date = :release_date
WHERE rowid = :old_rowid;

-- name: firmware.max_rowid
SELECT coalesce(max(rowid), 0) FROM firmware;

-- name: firmware.source
INSERT OR REPLACE INTO firmware_src (row, src_import, src_line) VALUES (:row, :src_import, :src_line);

-- name: holidays.insert
INSERT OR IGNORE INTO holidays (rowid, country, region, date, name)
VALUES (:rowid, :country, coalesce(:region, ''), :date, :name);

-- name: holidays.lookup
SELECT rowid, (name)
       IS NOT (:name),
       1,
       NOT EXISTS (SELECT 1 FROM holidays_src AS s JOIN import_log AS l ON l.id = s.src_import
                    WHERE s.row = holidays.rowid AND s.src_line = :src_line AND l.sha256 = :src_sha256)
  FROM holidays WHERE country = :country AND region = coalesce(:region, '') AND date = :date;

-- name: holidays.replace
UPDATE holidays SET
    name = :name
WHERE rowid = :old_rowid;

-- name: holidays.max_rowid
SELECT coalesce(max(rowid), 0) FROM holidays;

-- name: holidays.source
INSERT OR REPLACE INTO holidays_src (row, src_import, src_line) VALUES (:row, :src_import, :src_line);

-- name: devices.insert
INSERT OR IGNORE INTO devices (rowid, account_id, snapshot_date, serial, model, firmware, site, room, status, last_seen, last_seen_utc)
VALUES (:rowid, :account_id, :snapshot_date, :serial, :model, :firmware, :site, :room, :status, :last_seen, :last_seen_utc);

-- name: devices.lookup
SELECT rowid, (model, firmware, site, room, status, last_seen, last_seen_utc)
       IS NOT (:model, :firmware, :site, :room, :status, :last_seen, :last_seen_utc),
       1,
       NOT EXISTS (SELECT 1 FROM devices_src AS s JOIN import_log AS l ON l.id = s.src_import
                    WHERE s.row = devices.rowid AND s.src_line = :src_line AND l.sha256 = :src_sha256)
  FROM devices WHERE account_id = :account_id AND snapshot_date = :snapshot_date AND serial = :serial;

-- name: devices.replace
UPDATE devices SET
    model = :model,
    firmware = :firmware,
    site = :site,
    room = :room,
    status = :status,
    last_seen = :last_seen,
    last_seen_utc = :last_seen_utc
WHERE rowid = :old_rowid;

-- name: devices.max_rowid
SELECT coalesce(max(rowid), 0) FROM devices;

-- name: devices.source
INSERT OR REPLACE INTO devices_src (row, src_import, src_line) VALUES (:row, :src_import, :src_line);

-- name: tickets.insert
INSERT OR IGNORE INTO tickets (rowid, ticket_id, account_id, site_id, serial, model, priority, status, opened_at, closed_at, cloud_partner, rma_number, rma_approved_at, shipped_at, delivered_at, root_cause, updated_at, opened_utc, closed_utc, rma_approved_utc, shipped_utc, delivered_utc, updated_utc)
VALUES (:rowid, :ticket_id, :account_id, :site_id, :serial, :model, :priority, :status, :opened_at, :closed_at, :cloud_partner, :rma_number, :rma_approved_at, :shipped_at, :delivered_at, :root_cause, :updated_at, :opened_utc, :closed_utc, :rma_approved_utc, :shipped_utc, :delivered_utc, :updated_utc);

-- name: tickets.lookup
SELECT rowid, (account_id, site_id, serial, model, priority, status, opened_at, closed_at, cloud_partner, rma_number, rma_approved_at, shipped_at, delivered_at, root_cause, updated_at, opened_utc, closed_utc, rma_approved_utc, shipped_utc, delivered_utc, updated_utc)
       IS NOT (:account_id, :site_id, :serial, :model, :priority, :status, :opened_at, :closed_at, :cloud_partner, :rma_number, :rma_approved_at, :shipped_at, :delivered_at, :root_cause, :updated_at, :opened_utc, :closed_utc, :rma_approved_utc, :shipped_utc, :delivered_utc, :updated_utc),
       (:updated_utc > updated_utc OR (:updated_utc IS NOT NULL AND updated_utc IS NULL)
        OR (:updated_utc IS NULL AND updated_utc IS NULL)),
       NOT EXISTS (SELECT 1 FROM tickets_src AS s JOIN import_log AS l ON l.id = s.src_import
                    WHERE s.row = tickets.rowid AND s.src_line = :src_line AND l.sha256 = :src_sha256)
  FROM tickets WHERE ticket_id = :ticket_id;

-- name: tickets.replace
UPDATE tickets SET
    account_id = :account_id,
    site_id = :site_id,
    serial = :serial,
    model = :model,
    priority = :priority,
    status = :status,
    opened_at = :opened_at,
    closed_at = :closed_at,
    cloud_partner = :cloud_partner,
    rma_number = :rma_number,
    rma_approved_at = :rma_approved_at,
    shipped_at = :shipped_at,
    delivered_at = :delivered_at,
    root_cause = :root_cause,
    updated_at = :updated_at,
    opened_utc = :opened_utc,
    closed_utc = :closed_utc,
    rma_approved_utc = :rma_approved_utc,
    shipped_utc = :shipped_utc,
    delivered_utc = :delivered_utc,
    updated_utc = :updated_utc
WHERE rowid = :old_rowid;

-- name: tickets.max_rowid
SELECT coalesce(max(rowid), 0) FROM tickets;

-- name: tickets.source
INSERT OR REPLACE INTO tickets_src (row, src_import, src_line) VALUES (:row, :src_import, :src_line);

-- Usage goes by its own path (src/ingest/ingest_usage.c): rows keyed by
-- id = serial_id << 16 | day, written in id order.

-- name: usage.insert
-- One row; the importer repeats the VALUES tuple for its 32-row INSERT.
INSERT INTO usage_days (id, account_id, calls, call_minutes, meetings) VALUES (?, ?, ?, ?, ?);

-- name: usage.lookup
SELECT account_id, calls, call_minutes, meetings FROM usage_days WHERE id = ?1;

-- name: usage.update
UPDATE usage_days SET account_id = ?2, calls = ?3, call_minutes = ?4, meetings = ?5 WHERE id = ?1;

-- name: usage.max_id
SELECT coalesce(max(id), -1) FROM usage_days;

-- name: usage.month_add
-- Adds a change (rows, active rows, calls, minutes; negative for rows gone)
-- to the monthly roll-up.
-- ?8, ?9: the import and the first line of the rows this file wrote for the
-- device's month (NULL when it wrote none: the month keeps its source).
INSERT INTO usage_months (serial_id, first_day, account_id, days, active_days, calls, call_minutes,
                          src_import, src_line)
VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9)
ON CONFLICT (serial_id, first_day, account_id) DO UPDATE SET
    days = days + excluded.days, active_days = active_days + excluded.active_days,
    calls = calls + excluded.calls, call_minutes = call_minutes + excluded.call_minutes,
    src_import = coalesce(excluded.src_import, src_import),
    src_line = coalesce(excluded.src_line, src_line);

-- name: usage.month_drop_empty
DELETE FROM usage_months WHERE serial_id = ?1 AND first_day = ?2 AND account_id = ?3 AND days = 0;

-- name: usage.serial_lookup
SELECT serial_id FROM serials WHERE serial = ?1;

-- name: usage.serial_insert
INSERT INTO serials (serial) VALUES (?1);

-- name: calls.insert
INSERT OR IGNORE INTO calls (rowid, serial, start_time, account_id, end_time, direction, protocol, remote_party, start_utc, end_utc, local_date)
VALUES (:rowid, :serial, :start_time, :account_id, :end_time, :direction, :protocol, :remote_party, :start_utc, :end_utc, :local_date);

-- name: calls.lookup
SELECT rowid, (account_id, end_time, direction, protocol, remote_party, start_utc, end_utc, local_date)
       IS NOT (:account_id, :end_time, :direction, :protocol, :remote_party, :start_utc, :end_utc, :local_date),
       1,
       NOT EXISTS (SELECT 1 FROM calls_src AS s JOIN import_log AS l ON l.id = s.src_import
                    WHERE s.row = calls.rowid AND s.src_line = :src_line AND l.sha256 = :src_sha256)
  FROM calls WHERE serial = :serial AND start_time = :start_time;

-- name: calls.replace
UPDATE calls SET
    account_id = :account_id,
    end_time = :end_time,
    direction = :direction,
    protocol = :protocol,
    remote_party = :remote_party,
    start_utc = :start_utc,
    end_utc = :end_utc,
    local_date = :local_date
WHERE rowid = :old_rowid;

-- name: calls.max_rowid
SELECT coalesce(max(rowid), 0) FROM calls;

-- name: calls.source
INSERT OR REPLACE INTO calls_src (row, src_import, src_line) VALUES (:row, :src_import, :src_line);

-- A devices file replaces each (account, snapshot) it contains, whole: the rows
-- of those snapshots that the file did not write (at or below the mark and not
-- noted) are removed. temp.cr_snapshots lists the file's snapshots.
-- name: devices.delete_unlisted
DELETE FROM devices
 WHERE rowid <= :mark
   AND rowid NOT IN (SELECT id FROM temp.cr_touched)
   AND (account_id, snapshot_date) IN (SELECT account_id, snapshot_date FROM temp.cr_snapshots);

-- Naive timestamps are read in an account's effective time zone
-- (accounts_resolved: its own, else its partner's, else UTC). An accounts or
-- partners file may change it: a zone given or taken away, a partner's zone
-- changed, an account moved to another partner, an account or partner that
-- arrives after the records. The zones are noted before such a file
-- (temp.cr_zones_before); at its end the naive timestamps of every account whose
-- zone changed are read again in the new zone (temp.cr_zones_changed), so that
-- an import in any order gives the same data. '' is UTC.
-- name: zones.note
INSERT INTO temp.cr_zones_before (account_id, timezone)
SELECT account_id, coalesce(timezone, '') FROM accounts_resolved;

-- An account new to the store had its records read in UTC.
-- name: zones.changed
INSERT INTO temp.cr_zones_changed (account_id, timezone)
SELECT r.account_id, coalesce(r.timezone, '')
  FROM accounts_resolved AS r
  LEFT JOIN temp.cr_zones_before AS b ON b.account_id = r.account_id
 WHERE coalesce(r.timezone, '') IS NOT coalesce(b.timezone, '');

-- The recipients of every account and partner before an accounts or partners
-- file, so that its log line can say how many it changed (mail goes there).
-- name: recipients.note
INSERT INTO temp.cr_recipients_before (who, recipients)
SELECT 'a:' || account_id, coalesce(recipients, '') FROM accounts
UNION ALL
SELECT 'p:' || partner_id, coalesce(recipients, '') FROM partners;

-- name: recipients.changed
SELECT count(*) FROM (
    SELECT 'a:' || account_id AS who, coalesce(recipients, '') AS recipients FROM accounts
    UNION ALL
    SELECT 'p:' || partner_id, coalesce(recipients, '') FROM partners) AS now
  LEFT JOIN temp.cr_recipients_before AS b USING (who)
 WHERE now.recipients IS NOT coalesce(b.recipients, '');

-- name: zones.retime_tickets
UPDATE tickets SET
    opened_utc = cr_local_to_utc(opened_at, z.timezone),
    closed_utc = cr_local_to_utc(closed_at, z.timezone),
    rma_approved_utc = cr_local_to_utc(rma_approved_at, z.timezone),
    shipped_utc = cr_local_to_utc(shipped_at, z.timezone),
    delivered_utc = cr_local_to_utc(delivered_at, z.timezone),
    updated_utc = cr_local_to_utc(updated_at, z.timezone)
  FROM temp.cr_zones_changed AS z
 WHERE tickets.account_id = z.account_id;

-- name: zones.retime_calls
UPDATE calls SET
    start_utc = cr_local_to_utc(start_time, z.timezone),
    end_utc = cr_local_to_utc(end_time, z.timezone),
    local_date = cr_local_date(cr_local_to_utc(start_time, z.timezone), z.timezone)
  FROM temp.cr_zones_changed AS z
 WHERE calls.account_id = z.account_id;

-- name: zones.retime_devices
UPDATE devices SET last_seen_utc = cr_local_to_utc(last_seen, z.timezone)
  FROM temp.cr_zones_changed AS z
 WHERE devices.account_id = z.account_id AND devices.last_seen IS NOT NULL;

-- name: account.timezone
-- The zone naive timestamps of the account are read in: its own, else its
-- partner's (accounts_resolved), else UTC.
SELECT coalesce(timezone, '') FROM accounts_resolved WHERE account_id = :account_id;

-- name: log.insert
INSERT INTO import_log (id, sha256, file, kind, size_bytes, rows_read, rows_inserted, rows_updated,
                        rows_unchanged, rows_rejected, rows_superseded, rows_deleted, started_at,
                        finished_at, seconds, profile, program_version, recipients_changed)
VALUES (:id, :sha256, :file, :kind, :size_bytes, :rows_read, :rows_inserted, :rows_updated, :rows_unchanged,
        :rows_rejected, :rows_superseded, :rows_deleted, :started_at, :finished_at, :seconds, :profile,
        :program_version, :recipients_changed);

-- name: log.next_id
-- The id this file's import_log row will have (read under the write lock, so
-- that rows can name their import before the log row is written).
SELECT coalesce(max(id), 0) + 1 FROM import_log;
