-- explain.sql - the input rows behind one figure (csmreport explain,
-- src/metrics/explain.c), each with its source (schema_v5.sql): src_file,
-- src_line and src_date (the import's date); NULL for a row of unknown source.
-- Columns other than src_* are shown as the row's fields, in this order.

-- name: contract
SELECT c.account_id, c.category, c.agreed_count, c.annual_unit_price, c.trueup_pct,
       c.rma_threshold_pct, l.file AS src_file, s.src_line, substr(l.finished_at, 1, 10) AS src_date
  FROM contracts_v AS c
  JOIN contracts AS k ON k.account_id = c.account_id AND k.category = c.category
  LEFT JOIN contracts_src AS s ON s.row = k.rowid
  LEFT JOIN import_log AS l ON l.id = s.src_import
 WHERE c.account_id = :account AND c.category = :category;

-- name: devices
-- One snapshot's devices, of one category or all (:category NULL), with
-- whether their model is end-of-service at :eos_day (NULL: not asked).
SELECT d.serial, d.model, coalesce(k.category, 'unknown') AS category, d.site, d.snapshot_date,
       CASE WHEN :eos_day IS NULL THEN NULL
            ELSE k.eos_date IS NOT NULL AND k.eos_date <= :eos_day END AS eos,
       l.file AS src_file, s.src_line, substr(l.finished_at, 1, 10) AS src_date
  FROM devices AS d
  LEFT JOIN catalog AS k ON k.model = d.model
  LEFT JOIN devices_src AS s ON s.row = d.rowid
  LEFT JOIN import_log AS l ON l.id = s.src_import
 WHERE d.account_id = :account AND d.snapshot_date = :snapshot
   AND (:category IS NULL OR coalesce(k.category, 'unknown') = :category)
   AND (:site IS NULL OR d.site IS :site)
 ORDER BY d.serial;

-- name: usage_months
-- Usage of the account's devices in whole months [:first_day, :last_day]
-- (days since 1970-01-01), per device, with the source of its first month.
SELECT x.serial, sum(m.days) AS usage_days, sum(m.active_days) AS active_days,
       sum(m.calls) AS calls, sum(m.call_minutes) AS call_minutes,
       l.file AS src_file, min(m.src_line) AS src_line, substr(l.finished_at, 1, 10) AS src_date
  FROM usage_months AS m
  JOIN serials AS x ON x.serial_id = m.serial_id
  LEFT JOIN import_log AS l ON l.id = m.src_import
 WHERE m.account_id = :account AND m.first_day BETWEEN :first_day AND :last_day
 GROUP BY x.serial;

-- name: rma_tickets
-- Tickets of the account's RMAs (one RMA, or all of those dated in
-- [:start, :end] UTC), with the RMA's date as SPEC 5.2 dates it.
WITH r AS (
    SELECT rma_number, min(coalesce(rma_approved_utc, opened_utc)) AS date_utc
      FROM tickets
     WHERE account_id = :account AND rma_number IS NOT NULL AND rma_number <> ''
     GROUP BY rma_number
)
SELECT t.rma_number, t.ticket_id, v.category, v.effective_model AS model, t.priority,
       t.opened_at, t.rma_approved_at, t.delivered_at, t.opened_utc, t.rma_approved_utc,
       t.delivered_utc, r.date_utc AS rma_date_utc,
       l.file AS src_file, s.src_line, substr(l.finished_at, 1, 10) AS src_date
  FROM r
  JOIN tickets AS t ON t.account_id = :account AND t.rma_number = r.rma_number
  JOIN tickets_v AS v ON v.ticket_id = t.ticket_id
  LEFT JOIN tickets_src AS s ON s.row = t.rowid
  LEFT JOIN import_log AS l ON l.id = s.src_import
 WHERE (:rma IS NULL OR r.rma_number = :rma)
   AND (:rma IS NOT NULL OR r.date_utc BETWEEN :start AND :end)
 ORDER BY r.date_utc, t.rma_number, t.opened_utc, t.ticket_id;

-- name: holidays
-- The account's holidays between two dates (SPEC 4: country, region '' or its own).
SELECT h.date, h.name, h.country, nullif(h.region, '') AS region,
       l.file AS src_file, s.src_line, substr(l.finished_at, 1, 10) AS src_date
  FROM holidays AS h
  LEFT JOIN holidays_src AS s ON s.row = h.rowid
  LEFT JOIN import_log AS l ON l.id = s.src_import
 WHERE h.country = :country AND (h.region = '' OR h.region = coalesce(:region, ''))
   AND h.date BETWEEN :from AND :to
 ORDER BY h.date;

-- name: tickets
-- Tickets of the account opened (:which 'opened') or closed ('closed') in
-- [:start, :end] UTC, or open at :end ('open'); of one priority or all.
SELECT t.ticket_id, t.priority, t.status, t.opened_at, t.closed_at, t.cloud_partner,
       t.rma_number, l.file AS src_file, s.src_line, substr(l.finished_at, 1, 10) AS src_date
  FROM tickets AS t
  LEFT JOIN tickets_src AS s ON s.row = t.rowid
  LEFT JOIN import_log AS l ON l.id = s.src_import
 WHERE t.account_id = :account
   AND (:priority IS NULL OR t.priority = :priority)
   AND CASE :which
         WHEN 'opened' THEN t.opened_utc BETWEEN :start AND :end
         WHEN 'closed' THEN t.closed_utc BETWEEN :start AND :end
         ELSE t.opened_utc <= :end AND (t.closed_utc IS NULL OR t.closed_utc > :end) END
 ORDER BY t.opened_utc, t.ticket_id;

-- name: firmware
SELECT f.model, f.version, f.release_date,
       l.file AS src_file, s.src_line, substr(l.finished_at, 1, 10) AS src_date
  FROM firmware AS f
  LEFT JOIN firmware_src AS s ON s.row = f.rowid
  LEFT JOIN import_log AS l ON l.id = s.src_import
 WHERE (:model IS NULL OR f.model = :model) AND f.release_date <= :as_of
   AND f.model IN (SELECT model FROM devices WHERE account_id = :account AND snapshot_date = :snapshot)
 ORDER BY f.model, f.release_date;

-- name: account
SELECT a.account_id, a.account_name, a.program, a.term_start, a.term_end, a.options,
       l.file AS src_file, s.src_line, substr(l.finished_at, 1, 10) AS src_date
  FROM accounts AS a
  LEFT JOIN accounts_src AS s ON s.row = a.rowid
  LEFT JOIN import_log AS l ON l.id = s.src_import
 WHERE a.account_id = :account;

-- name: call_days
-- Days of per-call records without a usage row (SPEC 3: calls count as usage,
-- never twice) of the account's devices in [:from, :to], per device, with the
-- source of its first call record.
SELECT u.serial, count(*) AS active_days, sum(u.call_minutes) AS call_minutes,
       l.file AS src_file, s.src_line, substr(l.finished_at, 1, 10) AS src_date
  FROM usage_from_calls AS u
  LEFT JOIN calls AS c ON c.rowid = (SELECT c2.rowid FROM calls AS c2 JOIN calls_src AS s2 ON s2.row = c2.rowid
                                      WHERE c2.account_id = :account AND c2.serial = u.serial
                                        AND c2.local_date BETWEEN :from AND :to
                                      ORDER BY s2.src_import DESC, s2.src_line LIMIT 1)
  LEFT JOIN calls_src AS s ON s.row = c.rowid
  LEFT JOIN import_log AS l ON l.id = s.src_import
 WHERE u.account_id = :account AND u.date BETWEEN :from AND :to
 GROUP BY u.serial;
