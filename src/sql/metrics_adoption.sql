-- metrics_adoption.sql - adoption (SPEC 5.1). Looked up as "adoption.<name>".

-- name: devices
-- One row per device of one inventory snapshot (?2) with its usage from ?3 to
-- ?4 (local dates): active when a usage row has calls or call minutes. Usage of
-- serials outside the inventory never joins, so it is not counted.
WITH inv AS (
    SELECT serial, category, coalesce(site, '') AS site
      FROM devices_v
     WHERE account_id = ?1 AND snapshot_date = ?2
), u AS (
    SELECT serial, max(calls > 0 OR call_minutes > 0) AS active,
           sum(call_minutes) AS minutes
      FROM usage_effective
     WHERE account_id = ?1 AND date >= ?3 AND date <= ?4
     GROUP BY serial
)
SELECT inv.serial, inv.category, inv.site,
       coalesce(u.active, 0), coalesce(u.minutes, 0)
  FROM inv LEFT JOIN u ON u.serial = inv.serial
 ORDER BY inv.site, inv.serial;
