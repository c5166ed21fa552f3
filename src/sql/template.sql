-- template.sql - what the template engine reads about a report's subject
-- (src/template_resolve.c); dataset SQL itself lives in the templates.

-- name: account
SELECT a.account_id, a.account_name, a.partner_id,
       coalesce(p.partner_name, a.partner_name), a.program, a.locale, a.currency,
       a.csm_name, a.csm_email
  FROM accounts AS a LEFT JOIN partners AS p ON p.partner_id = a.partner_id
 WHERE a.account_id = ?1;

-- A partner without a partners row takes its name, locale and currency from
-- what most of its accounts say (SPEC section 3); the last column says whether
-- the partner exists at all.
-- name: partner
SELECT ?1,
       coalesce((SELECT partner_name FROM partners WHERE partner_id = ?1),
                (SELECT partner_name FROM accounts WHERE partner_id = ?1 AND partner_name IS NOT NULL
                  GROUP BY partner_name ORDER BY count(*) DESC, partner_name LIMIT 1)),
       coalesce((SELECT locale FROM partners WHERE partner_id = ?1),
                (SELECT locale FROM accounts WHERE partner_id = ?1 AND locale IS NOT NULL
                  GROUP BY locale ORDER BY count(*) DESC, locale LIMIT 1)),
       coalesce((SELECT currency FROM partners WHERE partner_id = ?1),
                (SELECT currency FROM accounts WHERE partner_id = ?1 AND currency IS NOT NULL
                  GROUP BY currency ORDER BY count(*) DESC, currency LIMIT 1)),
       (SELECT count(*) FROM partners WHERE partner_id = ?1)
         + (SELECT count(*) FROM accounts WHERE partner_id = ?1);

-- name: partner_accounts
SELECT account_id, account_name FROM accounts WHERE partner_id = ?1 ORDER BY account_id;
