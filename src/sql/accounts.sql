-- accounts.sql - the accounts in the store with their data range
-- (src/store/accounts.c: `csmreport accounts`, and render's refusal of an
-- account without data). Each "-- name:" block is looked up as "accounts.<name>".
--
-- The data range of an account spans its inventory snapshots, the local days
-- of its tickets' opening, its usage days and its call records. Every part is
-- index seeks: usage_days has no account index, so its days are found per
-- serial of the account's monthly roll-up (one primary-key seek each).

-- name: list
-- :account NULL lists every account, in id order; else that one.
WITH a AS (
    SELECT * FROM accounts_resolved
     WHERE :account IS NULL OR account_id = :account),
r AS (
    SELECT a.account_id,
           (SELECT min(snapshot_date) FROM devices AS d WHERE d.account_id = a.account_id) AS inv_first,
           (SELECT max(snapshot_date) FROM devices AS d WHERE d.account_id = a.account_id) AS inv_last,
           (SELECT substr(min(opened_at), 1, 10) FROM tickets AS t WHERE t.account_id = a.account_id) AS t_first,
           (SELECT substr(max(opened_at), 1, 10) FROM tickets AS t WHERE t.account_id = a.account_id) AS t_last,
           (SELECT date(min(f) * 86400, 'unixepoch') FROM
              (SELECT (SELECT min(u.id) & 65535 FROM usage_days AS u
                        WHERE u.id BETWEEN m.serial_id << 16 AND (m.serial_id << 16) | 65535
                          AND u.account_id = a.account_id) AS f
                 FROM usage_months AS m WHERE m.account_id = a.account_id
                GROUP BY m.serial_id)) AS u_first,
           (SELECT date(max(f) * 86400, 'unixepoch') FROM
              (SELECT (SELECT max(u.id) & 65535 FROM usage_days AS u
                        WHERE u.id BETWEEN m.serial_id << 16 AND (m.serial_id << 16) | 65535
                          AND u.account_id = a.account_id) AS f
                 FROM usage_months AS m WHERE m.account_id = a.account_id
                GROUP BY m.serial_id)) AS u_last,
           (SELECT min(local_date) FROM calls AS c WHERE c.account_id = a.account_id) AS c_first,
           (SELECT max(local_date) FROM calls AS c WHERE c.account_id = a.account_id) AS c_last
      FROM a)
SELECT a.account_id, a.account_name, a.partner_id, a.partner_name, a.program,
       a.term_start, a.term_end,
       nullif(min(coalesce(inv_first, '9'), coalesce(t_first, '9'), coalesce(u_first, '9'),
                  coalesce(c_first, '9')), '9') AS data_first,
       nullif(max(coalesce(inv_last, ''), coalesce(t_last, ''), coalesce(u_last, ''),
                  coalesce(c_last, '')), '') AS data_last,
       inv_first, inv_last
  FROM a JOIN r ON r.account_id = a.account_id
 ORDER BY a.account_id;

-- name: term_inventory
-- What render asks first of every account: its term and its first inventory
-- snapshot (two seeks). The data range (list) is asked only when the period
-- is outside the term or before the inventory.
SELECT term_start, term_end,
       (SELECT min(snapshot_date) FROM devices AS d WHERE d.account_id = :account) AS inv_first
  FROM accounts
 WHERE account_id = :account;

-- name: ids
SELECT account_id FROM accounts ORDER BY account_id;
