-- metrics_coverage.sql - coverage of the as-of inventory (SPEC 5.7).
-- Looked up as "coverage.<name>".

-- name: devices
-- Each device of the inventory snapshot ?2: serial, model, category ('unknown'
-- outside the catalog), whether its model is in the catalog, EOS at as-of
-- (?3), and whether it has been offline for more than 30 days (status not
-- online and last seen before ?4, the local day 30 days before as-of, as a UTC
-- instant). Ordered by category and model, the by_model rows' order.
SELECT d.serial, d.model,
       coalesce(k.category, 'unknown') AS category,
       k.model IS NOT NULL AS known,
       k.eos_date IS NOT NULL AND k.eos_date <= ?3 AS eos,
       k.eos_date,
       lower(coalesce(d.status, '')) <> 'online'
           AND d.last_seen_utc IS NOT NULL AND d.last_seen_utc < ?4 AS offline_30d
  FROM devices AS d
  LEFT JOIN catalog AS k ON k.model = d.model
 WHERE d.account_id = ?1 AND d.snapshot_date = ?2
 ORDER BY category, d.model, d.serial;
