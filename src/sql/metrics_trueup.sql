-- metrics_trueup.sql - queries of the true-up section (SPEC 5.4).
-- Each named block below is one statement, read with cr_sql("metrics_trueup.NAME").

-- name: contracts
-- The account's contract lines in the fixed category order of the report.
SELECT category, agreed_count, annual_unit_price_micros, trueup_pct_micros,
       rma_threshold_pct_micros
  FROM contracts
 WHERE account_id = :account
 ORDER BY CASE category WHEN 'headset' THEN 0 WHEN 'video' THEN 1 ELSE 2 END;

-- name: snapshot_counts
-- Devices per snapshot from :first to :last (the walk's inventories), category
-- and end-of-service date of their model, counted once per model first; the
-- walk (metrics_trueup.c) counts a month's devices still in service at the end
-- of the month (eos_date NULL or after it) and the end-of-service ones.
SELECT g.snapshot_date, coalesce(k.category, 'unknown') AS category, k.eos_date, sum(g.n)
  FROM (SELECT snapshot_date, model, count(*) AS n
          FROM devices
         WHERE account_id = :account AND snapshot_date >= :first AND snapshot_date <= :last
         GROUP BY snapshot_date, model) AS g
  LEFT JOIN catalog AS k ON k.model = g.model
 GROUP BY g.snapshot_date, category, k.eos_date;
