-- metrics_devices.sql - the per-device list of the as-of inventory (SPEC 5.8
-- "devices", asked for with cr_metrics_options.device_list). Looked up as
-- "metrics_devices.<name>".

-- name: inventory
-- The devices of snapshot ?2 with their catalog category, by serial (the
-- sections find a device by serial to set the fact they own).
SELECT serial, model, category, site, room, firmware, status, last_seen
  FROM devices_v
 WHERE account_id = ?1 AND snapshot_date = ?2
 ORDER BY serial;
