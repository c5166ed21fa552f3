-- calendar.sql - the holidays of an account (SPEC section 3): its country, and
-- either the whole country (region '') or the account's region. ?2 is '' for an
-- account without a region, so only national holidays apply then.
SELECT DISTINCT date
  FROM holidays
 WHERE country = ?1 AND (region = '' OR region = ?2)
 ORDER BY date;
