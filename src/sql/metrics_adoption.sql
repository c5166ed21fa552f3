-- metrics_adoption.sql - adoption (SPEC 5.1). Looked up as "adoption.<name>".

-- name: devices
-- One row per device of one inventory snapshot (?2) with its usage from ?3 to
-- ?4 (local dates): active when a usage row has calls or call minutes. Usage of
-- serials outside the inventory never joins, so it is not counted.
-- The usage of usage_effective is read in its two parts: the usage rows driven
-- by the inventory (CROSS JOIN keeps devices outside: one range of index
-- usage_account_serial per device, in serial order, no sort), and the days of
-- per-call records without a usage row, usage_effective's second part, whose
-- first part the constant source = 'calls' switches off.
WITH used AS (
    SELECT d.serial, max(u.calls > 0 OR u.call_minutes > 0) AS active,
           sum(u.call_minutes) AS minutes
      FROM devices AS d
     CROSS JOIN usage AS u
     WHERE d.account_id = ?1 AND d.snapshot_date = ?2
       AND u.account_id = ?1 AND u.serial = d.serial AND u.date >= ?3 AND u.date <= ?4
     GROUP BY d.serial
    UNION ALL
    SELECT serial, max(calls > 0 OR call_minutes > 0), sum(call_minutes)
      FROM usage_effective
     WHERE source = 'calls' AND account_id = ?1 AND date >= ?3 AND date <= ?4
     GROUP BY serial
)
SELECT inv.serial, inv.category, coalesce(inv.site, '') AS site,
       coalesce(max(used.active), 0), coalesce(sum(used.minutes), 0)
  FROM devices_v AS inv
  LEFT JOIN used ON used.serial = inv.serial
 WHERE inv.account_id = ?1 AND inv.snapshot_date = ?2
 GROUP BY inv.serial
 ORDER BY site, inv.serial;
