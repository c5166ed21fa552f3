-- check.sql - the data-quality checks of `csmreport check` (SPEC section 2).
-- Each "-- name:" block (looked up as "check.<name>") returns two text
-- columns, one row per finding, in a stable order (the finding count is the
-- row count): the finding as a sentence (English, for people reading `check`),
-- and its subject, what to look at, in no language (a model, a serial, a
-- month, "FR 2027"), for a report in any language to name; NULL when the
-- finding has no subject of its own.
--
-- The store may hold millions of usage and device rows, so every check either
-- walks an index or aggregates a big table once before it joins:
-- * "distinct account ids of a table" is a loose index scan (a recursive CTE
--   that seeks to the next account id), one seek per account, not a table scan;
--   usage_days has no account index, so its ids take one pass;
-- * usage and call records are reduced to distinct (account, serial) pairs
--   first, and only those pairs are looked up in the inventory
--   (devices_serial index).
-- Data of account ids missing from the accounts table is reported once, by the
-- *_without_account checks, and left out of the per-account checks.
--
-- :account_id narrows every check to one account (`check --account`, the
-- template function check_json); NULL means every account, the whole-store
-- report. Per account a check keeps the findings that concern it:
-- * unknown_models: models of its devices or tickets the catalog lacks, counted
--   in its data only (an unknown model no device of it uses is not its problem);
-- * *_without_account: its data when it has no accounts row (a typo of an id
--   in an export), else nothing;
-- * tickets_without_device, usage_unknown_serials, stale_snapshots,
--   enterprise_without_contract, rma_incomplete, accounts_missing_settings:
--   its own rows;
-- * unknown_partner: the partner it names, when partners lacks it;
-- * missing_firmware_data: models of its own latest inventory, counted there;
-- * missing_holidays: its own country and region and the years of its own term
--   (another country's missing holidays never reach its business days).
-- Filters are written "col = :account_id" in the branch that only runs for one
-- account (index seeks) or "(:account_id IS NULL OR col = :account_id)" where
-- the whole-store form scans anyway, so the whole-store plans do not change.

-- name: unknown_models
-- Models in the inventory or on tickets that the catalog lacks (category
-- 'unknown': never in a true-up category), most devices first.
SELECT printf('%s: %d device(s), %d ticket(s)', model, sum(devices), sum(tickets)), model
  FROM (SELECT model, count(DISTINCT serial) AS devices, 0 AS tickets
          FROM devices
         WHERE :account_id IS NULL AND model NOT IN (SELECT model FROM catalog)
         GROUP BY model
        UNION ALL
        SELECT model, count(DISTINCT serial) AS devices, 0 AS tickets
          FROM devices
         WHERE account_id = :account_id AND model NOT IN (SELECT model FROM catalog)
         GROUP BY model
        UNION ALL
        SELECT model, 0, count(*)
          FROM tickets
         WHERE :account_id IS NULL AND model IS NOT NULL AND model NOT IN (SELECT model FROM catalog)
         GROUP BY model
        UNION ALL
        -- one account: through its index, not a scan of every ticket
        SELECT model, 0, count(*)
          FROM tickets
         WHERE account_id = :account_id AND model IS NOT NULL
           AND model NOT IN (SELECT model FROM catalog)
         GROUP BY model)
 GROUP BY model
 ORDER BY sum(devices) DESC, model;

-- name: devices_without_account
WITH RECURSIVE ids(account_id) AS (
    SELECT coalesce(:account_id, min(account_id)) FROM devices
    UNION ALL
    SELECT (SELECT min(d.account_id) FROM devices AS d WHERE d.account_id > ids.account_id)
      FROM ids WHERE ids.account_id IS NOT NULL AND :account_id IS NULL),
missing AS (
    SELECT account_id FROM ids
     WHERE account_id IS NOT NULL AND account_id NOT IN (SELECT account_id FROM accounts))
SELECT printf('%s: %d device(s) in %d snapshot(s), latest %s', d.account_id,
              count(DISTINCT d.serial), count(DISTINCT d.snapshot_date), max(d.snapshot_date)),
       d.account_id
  FROM missing AS m
  JOIN devices AS d ON d.account_id = m.account_id
 GROUP BY d.account_id
 ORDER BY d.account_id;

-- name: tickets_without_account
WITH RECURSIVE ids(account_id) AS (
    SELECT coalesce(:account_id, min(account_id)) FROM tickets
    UNION ALL
    SELECT (SELECT min(t.account_id) FROM tickets AS t WHERE t.account_id > ids.account_id)
      FROM ids WHERE ids.account_id IS NOT NULL AND :account_id IS NULL),
missing AS (
    SELECT account_id FROM ids
     WHERE account_id IS NOT NULL AND account_id NOT IN (SELECT account_id FROM accounts))
SELECT printf('%s: %d ticket(s), opened %s..%s', t.account_id, count(*),
              substr(min(t.opened_at), 1, 10), substr(max(t.opened_at), 1, 10)),
       t.account_id
  FROM missing AS m
  JOIN tickets AS t ON t.account_id = m.account_id
 GROUP BY t.account_id
 ORDER BY t.account_id;

-- name: usage_without_account
-- Usage rows and per-call records alike (both count as usage). The account ids
-- of usage_days take one pass over it (no index on account_id: building one
-- would cost every import more than this check); only the ids missing from
-- accounts, normally none, are counted with another pass each.
WITH usage_ids AS (
    SELECT DISTINCT account_id FROM usage_days
     WHERE :account_id IS NULL
    UNION ALL
    -- One account: usage without an account row can only be its own, when it
    -- has no row; the monthly roll-up's account index says whether it has
    -- usage (a pass over usage_days per account rendered would cost seconds).
    SELECT :account_id
     WHERE :account_id IS NOT NULL
       AND NOT EXISTS (SELECT 1 FROM accounts AS a WHERE a.account_id = :account_id)
       AND EXISTS (SELECT 1 FROM usage_months AS m WHERE m.account_id = :account_id)),
call_ids(account_id) AS (
    SELECT CASE WHEN :account_id IS NULL THEN (SELECT min(account_id) FROM calls)
           ELSE (SELECT account_id FROM calls WHERE account_id = :account_id LIMIT 1) END
    UNION ALL
    SELECT (SELECT min(c.account_id) FROM calls AS c WHERE c.account_id > call_ids.account_id)
      FROM call_ids WHERE call_ids.account_id IS NOT NULL AND :account_id IS NULL),
missing AS (
    SELECT account_id FROM usage_ids
    UNION
    SELECT account_id FROM call_ids WHERE account_id IS NOT NULL
    EXCEPT
    SELECT account_id FROM accounts),
counted AS (
    SELECT m.account_id,
           (SELECT count(*) FROM usage_days AS u WHERE u.account_id = m.account_id) AS usage_rows,
           (SELECT date(min(u.id & 65535) * 86400, 'unixepoch') FROM usage_days AS u
             WHERE u.account_id = m.account_id) AS usage_first,
           (SELECT date(max(u.id & 65535) * 86400, 'unixepoch') FROM usage_days AS u
             WHERE u.account_id = m.account_id) AS usage_last,
           (SELECT count(*) FROM calls AS c WHERE c.account_id = m.account_id) AS call_rows,
           (SELECT min(c.local_date) FROM calls AS c WHERE c.account_id = m.account_id) AS call_first,
           (SELECT max(c.local_date) FROM calls AS c WHERE c.account_id = m.account_id) AS call_last
      FROM missing AS m)
SELECT printf('%s: %d usage row(s), %d call record(s), %s..%s', account_id, usage_rows, call_rows,
              coalesce(min(usage_first, call_first), usage_first, call_first),
              coalesce(max(usage_last, call_last), usage_last, call_last)),
       account_id
  FROM counted
 ORDER BY account_id;

-- name: tickets_without_device
-- One account reads its own tickets (tickets_account_*), not every ticket of
-- the store; +d.account_id looks each serial up by devices_serial (a few
-- snapshots) instead of walking the account's whole inventory for it.
SELECT printf('%s (%s): serial %s never in the inventory', t.ticket_id, t.account_id, t.serial),
       t.ticket_id || ' ' || char(183) || ' ' || t.serial
  FROM (SELECT ticket_id, account_id, serial FROM tickets WHERE :account_id IS NULL
        UNION ALL
        SELECT ticket_id, account_id, serial FROM tickets WHERE account_id = :account_id) AS t
  JOIN accounts AS a ON a.account_id = t.account_id
 WHERE t.serial IS NOT NULL
   AND NOT EXISTS (SELECT 1 FROM devices AS d
                    WHERE d.serial = t.serial AND +d.account_id = t.account_id)
 ORDER BY t.account_id, t.ticket_id;

-- name: usage_unknown_serials
-- Usage of serials never in the account's inventory: listed here, not counted
-- by the adoption metrics (SPEC 5.1). The (serial, account) pairs of
-- usage_days take one pass; only the unknown pairs are then summed, each over
-- its serial's range of ids.
WITH pairs AS (
    SELECT DISTINCT id >> 16 AS serial_id, account_id FROM usage_days
     WHERE :account_id IS NULL
    UNION ALL
    -- One account: its pairs from the monthly roll-up (the same pairs, kept
    -- exact by every import), through its account index (schema v4).
    SELECT DISTINCT serial_id, account_id FROM usage_months
     WHERE :account_id IS NOT NULL AND account_id = :account_id),
unknown AS (
    SELECT p.serial_id, s.serial, p.account_id
      FROM pairs AS p
      JOIN serials AS s ON s.serial_id = p.serial_id
     -- +account_id: look the serial up (devices_serial), not every row of
     -- the account's snapshots
     WHERE NOT EXISTS (SELECT 1 FROM devices AS d
                        WHERE d.serial = s.serial AND +d.account_id = p.account_id)),
per_serial AS (
    SELECT k.account_id, k.serial, count(*) AS days, sum(u.call_minutes) AS minutes, 0 AS calls,
           date(min(u.id & 65535) * 86400, 'unixepoch') AS first,
           date(max(u.id & 65535) * 86400, 'unixepoch') AS last
      FROM unknown AS k
      -- CROSS JOIN keeps the few unknown pairs outside, and +account_id
      -- keeps SQLite from building an automatic index on account_id over
      -- the whole table (3 s on 3.6M rows): each pair reads its serial's
      -- range of ids (0.4 s for the whole store, 16 ms for one account)
      CROSS JOIN usage_days AS u ON u.id BETWEEN k.serial_id << 16 AND (k.serial_id << 16) + 65535
                                AND +u.account_id = k.account_id
     GROUP BY k.account_id, k.serial
    UNION ALL
    SELECT account_id, serial, 0, 0, count(*), min(local_date), max(local_date)
      FROM calls
     WHERE :account_id IS NULL
     GROUP BY account_id, serial
    UNION ALL
    SELECT account_id, serial, 0, 0, count(*), min(local_date), max(local_date)
      FROM calls
     WHERE account_id = :account_id
     GROUP BY account_id, serial),
merged AS (
    SELECT account_id, serial, sum(days) AS days, sum(minutes) AS minutes,
           sum(calls) AS calls, min(first) AS first, max(last) AS last
      FROM per_serial
     GROUP BY account_id, serial)
SELECT printf('%s: serial %s, %s%s%s, %s', s.account_id, s.serial,
              CASE WHEN s.days > 0
                   THEN printf('%d usage day(s), %d call minute(s)', s.days, s.minutes) ELSE '' END,
              CASE WHEN s.days > 0 AND s.calls > 0 THEN ', ' ELSE '' END,
              CASE WHEN s.calls > 0 THEN printf('%d call record(s)', s.calls) ELSE '' END,
              s.first || CASE WHEN s.last > s.first THEN '..' || s.last ELSE '' END),
       s.serial
  FROM merged AS s
 WHERE s.account_id IN (SELECT account_id FROM accounts)
   AND NOT EXISTS (SELECT 1 FROM devices AS d
                    WHERE d.serial = s.serial AND +d.account_id = s.account_id)
 ORDER BY s.account_id, s.serial;

-- name: stale_snapshots
-- Months without a snapshot, per account, from its first snapshot month to the
-- latest snapshot month of the whole database (capped at the month of the
-- account's term_end: an ended term expects no more exports). Such months carry
-- the previous inventory forward (SPEC 4, "stale"). Months are numbered
-- year * 12 + month - 1 so that gaps are plain differences.
WITH RECURSIVE ids(account_id) AS (
    SELECT coalesce(:account_id, min(account_id)) FROM devices
    UNION ALL
    SELECT (SELECT min(d.account_id) FROM devices AS d WHERE d.account_id > ids.account_id)
      FROM ids WHERE ids.account_id IS NOT NULL AND :account_id IS NULL),
-- One index seek per month that has a snapshot: the first snapshot on or after
-- the first day of the next month.
have(account_id, month) AS (
    SELECT i.account_id,
           (SELECT substr(min(d.snapshot_date), 1, 7) FROM devices AS d
             WHERE d.account_id = i.account_id)
      FROM ids AS i
     WHERE i.account_id IS NOT NULL AND i.account_id IN (SELECT account_id FROM accounts)
    UNION ALL
    SELECT h.account_id,
           (SELECT substr(min(d.snapshot_date), 1, 7) FROM devices AS d
             WHERE d.account_id = h.account_id
               AND d.snapshot_date >= date(h.month || '-01', '+1 month'))
      FROM have AS h WHERE h.month IS NOT NULL),
numbered AS (
    SELECT account_id,
           CAST(substr(month, 1, 4) AS INTEGER) * 12 + CAST(substr(month, 6, 2) AS INTEGER) - 1 AS m
      FROM have WHERE month IS NOT NULL),
-- The latest snapshot month of the store: over numbered when it holds every
-- account, else one seek per account.
store_last(m) AS (
    SELECT CASE WHEN :account_id IS NULL THEN (SELECT max(m) FROM numbered)
           ELSE (SELECT max(CAST(substr(s, 1, 4) AS INTEGER) * 12
                            + CAST(substr(s, 6, 2) AS INTEGER) - 1)
                   FROM (SELECT (SELECT max(d.snapshot_date) FROM devices AS d
                                  WHERE d.account_id = a.account_id) AS s
                           FROM accounts AS a)) END),
bounds AS (
    SELECT a.account_id,
           min((SELECT m FROM store_last),
               CAST(substr(a.term_end, 1, 4) AS INTEGER) * 12
                 + CAST(substr(a.term_end, 6, 2) AS INTEGER) - 1) AS last
      FROM accounts AS a),
-- Each month with a snapshot, and the next one (or the month after the bound).
steps AS (
    SELECT n.account_id, n.m, b.last,
           coalesce(lead(n.m) OVER (PARTITION BY n.account_id ORDER BY n.m), b.last + 1) AS next
      FROM numbered AS n
      JOIN bounds AS b ON b.account_id = n.account_id),
gaps AS (
    SELECT account_id, m + 1 AS gap_from, min(next - 1, last) AS gap_to
      FROM steps
     WHERE next > m + 1 AND m + 1 <= last)
SELECT printf('%s: %d month(s) without a snapshot: %s', account_id, sum(gap_to - gap_from + 1),
              group_concat(label, ', ')),
       group_concat(label, ', ')
  FROM (SELECT account_id, gap_from, gap_to,
               printf('%04d-%02d', gap_from / 12, gap_from % 12 + 1)
               || CASE WHEN gap_to > gap_from
                       THEN printf('..%04d-%02d', gap_to / 12, gap_to % 12 + 1) ELSE '' END AS label
          FROM gaps
         ORDER BY account_id, gap_from)
 GROUP BY account_id
 ORDER BY account_id;

-- name: enterprise_without_contract
-- Enterprise terms bill true-ups and carry the RMA threshold; without contract
-- lines neither can be computed.
SELECT printf('%s (%s): program %s', a.account_id, a.account_name, a.program), a.program
  FROM accounts AS a
 WHERE a.program IN ('enterprise', 'partner_enterprise')
   AND (:account_id IS NULL OR a.account_id = :account_id)
   AND NOT EXISTS (SELECT 1 FROM contracts AS c WHERE c.account_id = a.account_id)
 ORDER BY a.account_id;

-- name: contracts_without_account
SELECT printf('%s: %s', account_id, group_concat(category, ', ')), account_id
  FROM (SELECT account_id, category FROM contracts
         WHERE account_id NOT IN (SELECT account_id FROM accounts)
           AND (:account_id IS NULL OR account_id = :account_id)
         ORDER BY account_id, category)
 GROUP BY account_id
 ORDER BY account_id;

-- name: unknown_partner
-- Only when a partners file was imported: without one, partner names come from
-- the accounts by design (SPEC 3).
SELECT printf('%s: %d account(s), e.g. %s', partner_id, count(*), min(account_id)), partner_id
  FROM accounts
 WHERE partner_id IS NOT NULL
   AND partner_id NOT IN (SELECT partner_id FROM partners)
   AND EXISTS (SELECT 1 FROM partners)
   AND (:account_id IS NULL OR account_id = :account_id)
 GROUP BY partner_id
 ORDER BY partner_id;

-- name: missing_firmware_data
-- Models of each account's latest inventory with no firmware releases: their
-- software currency is 'unknown' (SPEC 5.6).
WITH RECURSIVE ids(account_id) AS (
    SELECT coalesce(:account_id, min(account_id)) FROM devices
    UNION ALL
    SELECT (SELECT min(d.account_id) FROM devices AS d WHERE d.account_id > ids.account_id)
      FROM ids WHERE ids.account_id IS NOT NULL AND :account_id IS NULL),
latest AS (
    SELECT i.account_id,
           (SELECT max(d.snapshot_date) FROM devices AS d WHERE d.account_id = i.account_id)
             AS snapshot_date
      FROM ids AS i
     WHERE i.account_id IS NOT NULL AND i.account_id IN (SELECT account_id FROM accounts))
SELECT printf('%s: %d device(s) in %d account(s)', d.model, count(*), count(DISTINCT d.account_id)),
       d.model
  FROM latest AS l
  JOIN devices AS d ON d.account_id = l.account_id AND d.snapshot_date = l.snapshot_date
 WHERE NOT EXISTS (SELECT 1 FROM firmware AS f WHERE f.model = d.model)
 GROUP BY d.model
 ORDER BY count(*) DESC, d.model;

-- name: missing_holidays
-- Per country (and the account's region) and year of an account's term with no
-- holiday that applies: business-day rules (SPEC 4) would count the country's
-- holidays as business days. An account without a country has no holidays.
WITH RECURSIVE years(y) AS (
    SELECT min(CAST(substr(term_start, 1, 4) AS INTEGER)) FROM accounts
    UNION ALL
    SELECT y + 1 FROM years
     WHERE y < (SELECT max(CAST(substr(term_end, 1, 4) AS INTEGER)) FROM accounts)),
lacking AS (
    SELECT a.account_id, a.country, coalesce(a.region, '') AS region, y.y
      FROM accounts AS a
      JOIN years AS y ON y.y BETWEEN CAST(substr(a.term_start, 1, 4) AS INTEGER)
                                 AND CAST(substr(a.term_end, 1, 4) AS INTEGER)
     WHERE a.country IS NOT NULL
       AND (:account_id IS NULL OR a.account_id = :account_id)
       AND NOT EXISTS (SELECT 1 FROM holidays AS h
                        WHERE h.country = a.country
                          AND h.region IN ('', coalesce(a.region, ''))
                          AND h.date BETWEEN printf('%04d-01-01', y.y)
                                         AND printf('%04d-12-31', y.y)))
SELECT detail, subject FROM (
    SELECT 0 AS k, country AS c, region AS r, y,
           printf('%s%s %d: no holidays, %d account(s), e.g. %s', country,
                  CASE WHEN region <> '' THEN '/' || region ELSE '' END, y, count(*),
                  min(account_id)) AS detail,
           printf('%s%s %d', country, CASE WHEN region <> '' THEN '/' || region ELSE '' END, y)
               AS subject
      FROM lacking
     GROUP BY country, region, y
    UNION ALL
    SELECT 1, account_id, '', 0, printf('%s: no country, no holidays apply', account_id),
           account_id
      FROM accounts
     WHERE country IS NULL
       AND (:account_id IS NULL OR account_id = :account_id))
 ORDER BY k, c, r, y;

-- name: rma_incomplete
-- RMA tickets whose dates cannot give a downtime or SLA (SPEC 5.3): delivered
-- before they were opened or approved, or without an approval time (the RMA is
-- then dated by opened_at).
SELECT printf('%s (%s, RMA %s): %s', ticket_id, account_id, rma_number, substr(
           CASE WHEN rma_approved_utc IS NULL THEN '; no rma_approved_at' ELSE '' END
        || CASE WHEN delivered_utc < opened_utc THEN '; delivered before opened' ELSE '' END
        || CASE WHEN delivered_utc < rma_approved_utc THEN '; delivered before approved' ELSE '' END,
           3)),
       ticket_id || ' ' || char(183) || ' ' || rma_number
  FROM tickets
 WHERE rma_number IS NOT NULL
   AND (:account_id IS NULL OR account_id = :account_id)
   AND (rma_approved_utc IS NULL OR delivered_utc < opened_utc OR delivered_utc < rma_approved_utc)
 ORDER BY account_id, ticket_id;

-- name: accounts_missing_settings
-- Settings with a default: a missing time zone means UTC, a missing locale
-- English; the currency falls back to the partner's, else money has no unit.
SELECT printf('%s: %s', a.account_id, substr(
           CASE WHEN a.timezone IS NULL THEN ', no timezone (UTC assumed)' ELSE '' END
        || CASE WHEN a.currency IS NULL AND p.currency IS NULL THEN ', no currency' ELSE '' END
        || CASE WHEN a.locale IS NULL THEN ', no locale (en assumed)' ELSE '' END,
           3)),
       a.account_id
  FROM accounts AS a
  LEFT JOIN partners AS p ON p.partner_id = a.partner_id
 WHERE (a.timezone IS NULL OR a.locale IS NULL OR (a.currency IS NULL AND p.currency IS NULL))
   AND (:account_id IS NULL OR a.account_id = :account_id)
 ORDER BY a.account_id;

-- name: account_known
-- Not a check: whether an id asked for has an accounts row (with no findings
-- either, it is a typo rather than a clean account).
SELECT 1 FROM accounts WHERE account_id = :account_id;

-- name: data_date
-- Not a check: the latest date of data in the store (inventory snapshots,
-- ticket openings, usage days, call records), bound as :data_date to the
-- checks below. Per account one index seek each; usage_days per serial of the
-- account's monthly roll-up.
SELECT max(d) FROM (
    SELECT (SELECT max(snapshot_date) FROM devices AS v WHERE v.account_id = a.account_id) AS d
      FROM accounts AS a
    UNION ALL
    SELECT (SELECT date(max(opened_utc), 'unixepoch') FROM tickets AS t
             WHERE t.account_id = a.account_id)
      FROM accounts AS a
    UNION ALL
    SELECT (SELECT max(local_date) FROM calls AS c WHERE c.account_id = a.account_id)
      FROM accounts AS a
    UNION ALL
    -- the last usage day: a seek per device with usage in the latest month
    SELECT date(max((SELECT max(u.id) & 65535 FROM usage_days AS u
                      WHERE u.id BETWEEN m.serial_id << 16 AND (m.serial_id << 16) | 65535))
                * 86400, 'unixepoch')
      FROM usage_months AS m
     WHERE m.first_day = (SELECT max(first_day) FROM usage_months));

-- name: accounts_without_inventory
-- No devices snapshot at all: every report of the account is empty.
SELECT printf('%s (%s): term %s..%s', a.account_id, a.account_name, a.term_start, a.term_end),
       a.account_id
  FROM accounts AS a
 WHERE (:account_id IS NULL OR a.account_id = :account_id)
   AND NOT EXISTS (SELECT 1 FROM devices AS d WHERE d.account_id = a.account_id)
 ORDER BY a.account_id;

-- name: accounts_without_recent_usage
-- Accounts with an inventory but no usage row or call record in the 90 days
-- up to :data_date (adoption reads 0 % when the usage export is missing).
-- Terms that ended before that window expect none.
WITH a AS (
    SELECT account_id, account_name FROM accounts
     WHERE (:account_id IS NULL OR account_id = :account_id)
       AND term_end >= date(:data_date, '-89 days')
       AND EXISTS (SELECT 1 FROM devices AS d WHERE d.account_id = accounts.account_id)),
last AS (
    SELECT a.account_id, a.account_name,
           max(coalesce((SELECT date(max(f) * 86400, 'unixepoch') FROM
                           (SELECT (SELECT max(u.id) & 65535 FROM usage_days AS u
                                     WHERE u.id BETWEEN m.serial_id << 16 AND (m.serial_id << 16) | 65535
                                       AND u.account_id = a.account_id) AS f
                              FROM usage_months AS m WHERE m.account_id = a.account_id
                             GROUP BY m.serial_id)), ''),
               coalesce((SELECT max(local_date) FROM calls AS c WHERE c.account_id = a.account_id), ''))
             AS last_usage
      FROM a)
SELECT printf('%s (%s): %s (latest data %s)', account_id, account_name,
              CASE WHEN last_usage = '' THEN 'no usage at all'
                   ELSE 'last usage ' || last_usage END, :data_date),
       nullif(last_usage, '')
  FROM last
 WHERE :data_date IS NOT NULL AND last_usage < date(:data_date, '-89 days')
 ORDER BY account_id;

-- name: contract_category_without_devices
-- A contract line whose category has no device in the account's latest
-- inventory: a baseline billed against nothing, or a catalog that files the
-- models elsewhere.
SELECT printf('%s: %s (agreed %d), no %s device in the inventory of %s', c.account_id,
              c.category, c.agreed_count, c.category, s.latest),
       c.category
  FROM contracts AS c
  JOIN (SELECT account_id, (SELECT max(snapshot_date) FROM devices AS d
                             WHERE d.account_id = accounts.account_id) AS latest
          FROM accounts WHERE (:account_id IS NULL OR account_id = :account_id)) AS s
    ON s.account_id = c.account_id
 WHERE s.latest IS NOT NULL
   AND NOT EXISTS (SELECT 1 FROM devices AS d JOIN catalog AS k ON k.model = d.model
                    WHERE d.account_id = c.account_id AND d.snapshot_date = s.latest
                      AND k.category = c.category)
 ORDER BY c.account_id, c.category;

-- name: old_inventory
-- The latest snapshot more than 45 days before :data_date (or before the end
-- of the term, when it ended earlier): the reports show an old inventory.
SELECT printf('%s (%s): latest snapshot %s, %d days before %s', account_id, account_name, latest,
              CAST(julianday(upto) - julianday(latest) AS INTEGER), upto),
       latest
  FROM (SELECT a.account_id, a.account_name, min(a.term_end, :data_date) AS upto,
               (SELECT max(snapshot_date) FROM devices AS d WHERE d.account_id = a.account_id) AS latest
          FROM accounts AS a
         WHERE (:account_id IS NULL OR a.account_id = :account_id) AND :data_date IS NOT NULL)
 WHERE latest IS NOT NULL AND julianday(upto) - julianday(latest) > 45
 ORDER BY account_id;
