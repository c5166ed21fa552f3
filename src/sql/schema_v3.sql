-- csmreport store, schema version 3: what an account inherits from its partner,
-- resolved in one place.
--
-- An account's currency, locale and time zone may be left empty in the
-- accounts export and given once for the partner that delivers it (partners
-- export). Version 3 adds the partner's time zone and the view accounts_resolved,
-- which every reader of an account uses: the importer (the UTC instant of a
-- naive timestamp), metrics, templates, rendering and mail (src/store/subject.c).
-- A field the account gives wins; else the partner's row gives it; else it is
-- NULL here and the subject loader applies the program-wide default.

ALTER TABLE partners ADD COLUMN timezone TEXT;

-- One row per account. partner_name prefers the partners export (the partner's
-- own reference data) over the copy on the account row. *_from says where each
-- inherited value came from: 'account', 'partner' or NULL (not given).
CREATE VIEW accounts_resolved AS
SELECT a.account_id, a.account_name, a.partner_id,
       coalesce(p.partner_name, a.partner_name) AS partner_name,
       a.program, a.term_start, a.term_end, a.country, a.region,
       coalesce(a.timezone, p.timezone) AS timezone,
       coalesce(a.locale, p.locale) AS locale,
       coalesce(a.currency, p.currency) AS currency,
       a.recipients, a.options, a.csm_name, a.csm_email,
       CASE WHEN a.timezone IS NOT NULL THEN 'account'
            WHEN p.timezone IS NOT NULL THEN 'partner' END AS timezone_from,
       CASE WHEN a.locale IS NOT NULL THEN 'account'
            WHEN p.locale IS NOT NULL THEN 'partner' END AS locale_from,
       CASE WHEN a.currency IS NOT NULL THEN 'account'
            WHEN p.currency IS NOT NULL THEN 'partner' END AS currency_from
  FROM accounts AS a
  LEFT JOIN partners AS p ON p.partner_id = a.partner_id;

-- One row per partner, listed in the partners export or only named by its
-- accounts (SPEC 3: without a partners row, a partner's name, locale and
-- currency are what most of its accounts say). listed = 1 when it has a row.
CREATE VIEW partners_resolved AS
WITH ids(partner_id) AS (
    SELECT partner_id FROM partners
    UNION
    SELECT partner_id FROM accounts WHERE partner_id IS NOT NULL
)
SELECT ids.partner_id,
       coalesce(p.partner_name,
                (SELECT partner_name FROM accounts AS a
                  WHERE a.partner_id = ids.partner_id AND a.partner_name IS NOT NULL
                  GROUP BY partner_name ORDER BY count(*) DESC, partner_name LIMIT 1),
                ids.partner_id) AS partner_name,
       coalesce(p.locale,
                (SELECT locale FROM accounts AS a
                  WHERE a.partner_id = ids.partner_id AND a.locale IS NOT NULL
                  GROUP BY locale ORDER BY count(*) DESC, locale LIMIT 1)) AS locale,
       coalesce(p.currency,
                (SELECT currency FROM accounts AS a
                  WHERE a.partner_id = ids.partner_id AND a.currency IS NOT NULL
                  GROUP BY currency ORDER BY count(*) DESC, currency LIMIT 1)) AS currency,
       p.timezone,
       p.recipients,
       p.partner_id IS NOT NULL AS listed
  FROM ids
  LEFT JOIN partners AS p ON p.partner_id = ids.partner_id;
