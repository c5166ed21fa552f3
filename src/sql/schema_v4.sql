-- csmreport store, schema version 4: the monthly usage roll-up by account.
--
-- One account's usage pairs (serial, account) are read by check --account and
-- by every QBR's data-quality notes; without this index that is a pass over
-- the whole roll-up per account rendered. usage_months has one row per device
-- and month (about 1/30 of usage_days), so keeping the index costs an import
-- little.
CREATE INDEX usage_months_account ON usage_months (account_id, serial_id);
