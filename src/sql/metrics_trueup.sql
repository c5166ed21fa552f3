-- metrics_trueup.sql - queries of the true-up section (SPEC 5.4).
-- Each named block below is one statement, read with cr_metrics_sql("trueup.NAME").

-- name: contracts
-- The account's contract lines in the fixed category order of the report.
SELECT category, agreed_count, annual_unit_price_micros, trueup_pct_micros,
       rma_threshold_pct_micros
  FROM contracts
 WHERE account_id = :account
 ORDER BY CASE category WHEN 'headset' THEN 0 WHEN 'video' THEN 1 ELSE 2 END;

-- name: month_count
-- Devices of one category in one snapshot: those whose model is still in
-- service at the end of the month (:month_end), and the end-of-service ones.
SELECT count(*) FILTER (WHERE eos_date IS NULL OR eos_date > :month_end),
       count(*) FILTER (WHERE eos_date IS NOT NULL AND eos_date <= :month_end)
  FROM devices_v
 WHERE account_id = :account AND snapshot_date = :snapshot AND category = :category;
