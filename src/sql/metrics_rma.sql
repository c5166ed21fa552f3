-- metrics_rma.sql - queries of the headset RMA rate section (SPEC 5.2).
-- Each named block below is one statement, read with cr_sql("metrics_rma.NAME").

-- name: rmas
-- The account's RMAs (distinct rma_number) dated in [:start, :end], most recent
-- first. The date is the earliest, among its tickets, of each ticket's
-- rma_approved_at (its opened_at when that is empty); category and model are
-- those of its earliest ticket (tickets_v: the effective model).
WITH rma_ticket AS (
    SELECT rma_number, ticket_id,
           row_number() OVER (PARTITION BY rma_number ORDER BY opened_utc, ticket_id) AS k,
           min(coalesce(rma_approved_utc, opened_utc)) OVER (PARTITION BY rma_number) AS date_utc
      FROM tickets
     WHERE account_id = :account AND rma_number IS NOT NULL AND rma_number <> ''
)
SELECT r.rma_number, r.date_utc, v.category, v.effective_model, c.list_price_micros
  FROM rma_ticket AS r
  JOIN tickets_v AS v ON v.ticket_id = r.ticket_id
  LEFT JOIN catalog AS c ON c.model = v.effective_model
 WHERE r.k = 1 AND r.date_utc BETWEEN :start AND :end
 ORDER BY r.date_utc DESC, r.rma_number DESC;

-- name: inventory_headsets
-- Headset devices in one snapshot (the installed base without a headset
-- contract line).
SELECT count(*)
  FROM devices_v
 WHERE account_id = :account AND snapshot_date = :snapshot AND category = 'headset';
