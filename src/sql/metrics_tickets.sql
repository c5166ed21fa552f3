-- metrics_tickets.sql - service status (SPEC 5.5). Looked up as "tickets.<name>".
-- Bounds are UTC epoch seconds: ?2 = start of P, ?3 = end of as-of (23:59:59 local).

-- name: opened
-- Tickets opened in P (index tickets_account_opened).
SELECT ticket_id, priority, opened_utc, closed_utc, cloud_partner, root_cause, opened_at
  FROM tickets
 WHERE account_id = ?1 AND opened_utc >= ?2 AND opened_utc <= ?3
 ORDER BY opened_utc, ticket_id;

-- name: closed
-- Tickets closed in P (index tickets_account_closed).
SELECT ticket_id, priority, opened_utc, closed_utc
  FROM tickets
 WHERE account_id = ?1 AND closed_utc >= ?2 AND closed_utc <= ?3
 ORDER BY closed_utc, ticket_id;

-- name: open_at
-- Tickets open at instant ?2: opened on or before it, not closed by then.
SELECT ticket_id, priority, opened_utc
  FROM tickets
 WHERE account_id = ?1 AND opened_utc <= ?2
   AND (closed_utc IS NULL OR closed_utc > ?2)
 ORDER BY opened_utc, ticket_id;
