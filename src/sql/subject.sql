-- subject.sql - what an account or a partner is (src/store/subject.c), read
-- from the views of schema_v3.sql, and which subjects a render lists.
-- Each "-- name:" block is one statement, looked up as "subject.<name>".

-- name: account
SELECT account_id, account_name, partner_id, partner_name, program,
       term_start, term_end, country, region, timezone, locale, currency,
       recipients, options, csm_name, csm_email,
       timezone_from, locale_from, currency_from
  FROM accounts_resolved
 WHERE account_id = :account;

-- A partner's name, locale and currency from its row, else from most of its
-- accounts (the view); its time zone only from its row.
-- name: partner
SELECT partner_id, partner_name, locale, currency, timezone, recipients
  FROM partners_resolved
 WHERE partner_id = :partner;

-- name: partner_accounts
SELECT account_id, account_name FROM accounts
 WHERE partner_id = :partner ORDER BY account_id;

-- Listings for a render: (id, partner_id), in id order.
-- name: list_account
SELECT account_id, partner_id FROM accounts WHERE account_id = :account;

-- name: list_partner_accounts
SELECT account_id, partner_id FROM accounts WHERE partner_id = :partner ORDER BY account_id;

-- name: list_accounts
SELECT account_id, partner_id FROM accounts ORDER BY account_id;

-- name: list_partners
SELECT partner_id, partner_id FROM partners_resolved
 WHERE partner_id <> '' ORDER BY partner_id;
