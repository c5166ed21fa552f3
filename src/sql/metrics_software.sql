-- metrics_software.sql - software currency (SPEC 5.6). Looked up as "software.<name>".

-- name: devices
-- The devices of the as-of inventory (snapshot ?2), grouped by model.
SELECT serial, model, firmware
  FROM devices
 WHERE account_id = ?1 AND snapshot_date = ?2
 ORDER BY model, serial;

-- name: releases
-- The releases, on or before as-of (?3), of the models in that inventory.
SELECT model, version, release_date
  FROM firmware
 WHERE release_date <= ?3
   AND model IN (SELECT model FROM devices WHERE account_id = ?1 AND snapshot_date = ?2);
