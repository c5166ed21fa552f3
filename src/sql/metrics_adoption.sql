-- metrics_adoption.sql - adoption (SPEC 5.1). Looked up as "adoption.<name>".
-- A device is active in a span of days when a usage row of those days has calls
-- or call minutes. The usage is read once per device for the whole period and
-- split into months in C (metrics_adoption.c), which merges it with the
-- inventory of the period's end and with each month's inventory.

-- name: usage
-- Every device of the snapshots ?2..?3 (the months' inventories) with its
-- usage from ?4 to ?5 (the period, local dates) as "MINUTES FLAGS" of
-- cr_month_activity (src/sqlfunc.c): FLAGS one '0'/'1' per month of the period
-- (?6 = year * 12 + month - 1 of its first month, ?7 months); NULL without
-- active usage. Only the active rows (calls or call minutes) are summed: the
-- others add no minutes and mark no month. A device's days of the period are
-- one range of usage_days ids (serial_id << 16 | day): one B-tree range per
-- device, no sort; usage of serials outside the inventory is never read.
SELECT inv.serial,
       (SELECT cr_month_activity(u.id & 65535, u.call_minutes, ?6, ?7)
          FROM usage_days AS u
         WHERE u.id BETWEEN (s.serial_id << 16) + unixepoch(?4) / 86400
                        AND (s.serial_id << 16) + unixepoch(?5) / 86400
           AND u.account_id = ?1 AND (u.calls > 0 OR u.call_minutes > 0))
  FROM (SELECT DISTINCT serial FROM devices
         WHERE account_id = ?1 AND snapshot_date >= ?2 AND snapshot_date <= ?3) AS inv
  LEFT JOIN serials AS s ON s.serial = inv.serial;

-- name: usage_months
-- The same as usage for a period of whole months, from the monthly roll-up
-- (usage_months: one row per device, month and account): a device's months
-- are one range of its primary key. A month counts when it has active days;
-- its minutes are all its minutes (inactive days have none).
SELECT inv.serial,
       (SELECT cr_month_activity(m.first_day, m.call_minutes, ?6, ?7)
          FROM usage_months AS m
         WHERE m.serial_id = s.serial_id
           AND m.first_day BETWEEN unixepoch(?4) / 86400 AND unixepoch(?5) / 86400
           AND m.account_id = ?1 AND m.active_days > 0)
  FROM (SELECT DISTINCT serial FROM devices
         WHERE account_id = ?1 AND snapshot_date >= ?2 AND snapshot_date <= ?3) AS inv
  LEFT JOIN serials AS s ON s.serial = inv.serial;

-- name: call_days
-- The days of per-call records without a usage row, ?2 to ?3.
SELECT serial, date, calls > 0 OR call_minutes > 0, call_minutes
  FROM usage_from_calls
 WHERE account_id = ?1 AND date >= ?2 AND date <= ?3;

-- name: inventory
-- The devices of one snapshot (?2) with their category and site, in the order
-- of the by-site rows.
SELECT serial, category, coalesce(site, '') AS site
  FROM devices_v
 WHERE account_id = ?1 AND snapshot_date = ?2
 ORDER BY site, serial;

-- name: month_devices
-- The serials of the snapshots ?2..?3, snapshot by snapshot.
SELECT snapshot_date, serial
  FROM devices
 WHERE account_id = ?1 AND snapshot_date >= ?2 AND snapshot_date <= ?3
 ORDER BY snapshot_date;
