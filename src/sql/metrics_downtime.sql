-- metrics_downtime.sql - queries of the downtime / advance replacement section
-- (SPEC 5.3). Each named block below is one statement, read with
-- cr_sql("metrics_downtime.NAME").

-- name: rmas
-- One row per RMA (distinct rma_number) of the account dated in [:start, :end],
-- dated as in SPEC 5.2 (the earliest, among its tickets, of each ticket's
-- rma_approved_at, or opened_at when empty): its earliest ticket and its category, the
-- earliest opened_at and the earliest non-empty delivered_at of its tickets.
WITH rma_ticket AS (
    SELECT rma_number, ticket_id,
           row_number() OVER (PARTITION BY rma_number ORDER BY opened_utc, ticket_id) AS k,
           min(coalesce(rma_approved_utc, opened_utc)) OVER w AS date_utc,
           min(opened_utc) OVER w AS first_opened_utc,
           min(CASE WHEN delivered_at <> '' THEN delivered_utc END) OVER w AS first_delivered_utc
      FROM tickets
     WHERE account_id = :account AND rma_number IS NOT NULL AND rma_number <> ''
    WINDOW w AS (PARTITION BY rma_number)
)
SELECT r.ticket_id, r.rma_number, v.category, r.first_opened_utc, r.date_utc,
       r.first_delivered_utc
  FROM rma_ticket AS r
  JOIN tickets_v AS v ON v.ticket_id = r.ticket_id
 WHERE r.k = 1 AND r.date_utc BETWEEN :start AND :end
 ORDER BY r.date_utc, r.rma_number;
