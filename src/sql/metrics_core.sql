-- metrics_core.sql - what every metric section needs: the month inventory rule
-- of SPEC section 4 and the freshness of the data (the account itself comes
-- from subject.sql, src/store/subject.c).
-- Each "-- name:" block is one statement, looked up as "core.<name>".

-- name: snapshots
-- Every snapshot date of the account, ascending: the month inventory rule
-- (cr_metrics_month_snapshot) chooses from them. One index seek per snapshot
-- (each the next date after the last), not a read of every device row.
WITH RECURSIVE snapshot(date) AS (
    SELECT min(snapshot_date) FROM devices WHERE account_id = ?1
    UNION ALL
    SELECT (SELECT min(snapshot_date) FROM devices
             WHERE account_id = ?1 AND snapshot_date > snapshot.date)
      FROM snapshot
     WHERE snapshot.date IS NOT NULL
)
SELECT date FROM snapshot WHERE date IS NOT NULL;

-- name: latest_snapshot
SELECT max(snapshot_date) FROM devices
 WHERE account_id = ?1 AND snapshot_date <= ?2;

-- name: latest_import
SELECT max(substr(finished_at, 1, 10)) FROM import_log;
