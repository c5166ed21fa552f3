#!/usr/bin/python3
"""samples_expected.py DIR - checks `csmreport metrics --format json` output for
the shipped samples against the values derived by hand in samples/EXPECTED.md.

DIR holds one file per (account, period): <ACCOUNT>_<PERIOD>.json. Prints one
"PASS name" / "FAIL name: got X, want Y (why)" line per expected value.

Paths: dot-separated keys; "[k=v]" (or "[k=v,k2=v2]") picks the element of a
list whose keys have those values; a trailing "#len" is the length of a list.
Wanted values: int, bool, str and None compare exactly (an int never equals a
bool); a float compares within 1e-9 (rates are unrounded; hours and money are
exact to two decimals, so they parse to the same double); EMPTY accepts null
or ""; OneOf(a, b) accepts any of its values (only where SPEC leaves the
JSON form open; the reasoning says so).
"""
import json
import os
import sys

EMPTY = object()


class OneOf:
    def __init__(self, *values):
        self.values = values

    def __repr__(self):
        return "one of " + " | ".join(json.dumps(v) for v in self.values)


# (account, period, path, want, why)
E = []


def x(account, period, path, want, why=""):
    E.append((account, period, path, want, why))


# ------------------------------------------------------------------ NO-NORDLYS
A, P = "NO-NORDLYS", "2026-Q3"
x(A, P, "account_id", "NO-NORDLYS")
x(A, P, "program", "enterprise")
x(A, P, "period.start", "2026-07-01")
x(A, P, "period.end", "2026-09-30")
x(A, P, "adoption.deployed", 26, "2026-09-28 snapshot")
x(A, P, "adoption.active", 14, "3 headsets + 5 video + 6 voice with a call or minutes in Q3")
x(A, P, "adoption.rate", 14 / 26)
x(A, P, "adoption.call_minutes", 4346, "usage of the 26 deployed; NOZ900 (not in inventory) ignored")
x(A, P, "adoption.minutes_per_active_device", 4346 / 14)
x(A, P, "adoption.by_month[month=2026-07].deployed", 25, "2026-07-28 snapshot")
x(A, P, "adoption.by_month[month=2026-07].active", 11)
x(A, P, "adoption.by_month[month=2026-07].stale", False)
x(A, P, "adoption.by_month[month=2026-08].deployed", 25, "no August snapshot: July carried forward")
x(A, P, "adoption.by_month[month=2026-08].active", 12)
x(A, P, "adoption.by_month[month=2026-08].rate", 12 / 25)
x(A, P, "adoption.by_month[month=2026-08].stale", True)
x(A, P, "adoption.by_month[month=2026-09].deployed", 26)
x(A, P, "adoption.by_month[month=2026-09].active", 13, "NOV002 used only in July and August")
x(A, P, "adoption.by_category.headset.deployed", 8)
x(A, P, "adoption.by_category.headset.active", 3, "NOH003 zero rows, NOH005 rows outside Q3")
x(A, P, "adoption.by_category.video.deployed", 6)
x(A, P, "adoption.by_category.video.active", 5)
x(A, P, "adoption.by_category.voice.deployed", 11)
x(A, P, "adoption.by_category.voice.active", 6)
x(A, P, "adoption.by_category.infrastructure.deployed", 1)
x(A, P, "adoption.by_category.infrastructure.active", 0)
x(A, P, "adoption.by_site[site=Oslo HQ].deployed", 13)
x(A, P, "adoption.by_site[site=Oslo HQ].active", 10)
x(A, P, "adoption.by_site[site=Oslo HQ].call_minutes", 3395)
x(A, P, "adoption.by_site[site=Bergen].deployed", 9)
x(A, P, "adoption.by_site[site=Bergen].active", 4)
x(A, P, "adoption.by_site[site=Bergen].call_minutes", 951)
x(A, P, "adoption.by_site[site=Tromsø].deployed", 4)
x(A, P, "adoption.by_site[site=Tromsø].active", 0)
x(A, P, "adoption.by_site[site=Tromsø].rate", 0.0)
x(A, P, "rma.year", 2026)
x(A, P, "rma.count", 1, "RMA-NO-26031; RMA-NO-25118 approved 2025 is outside the year")
x(A, P, "rma.installed_base", 20, "headset agreed 20, never trued up")
x(A, P, "rma.basis", "contract")
x(A, P, "rma.rate", 0.05)
x(A, P, "rma.threshold", 0.05)
x(A, P, "rma.breach", False, "100*1 = 5*20: exactly at 5 % is not above it")
x(A, P, "rma.applicable", True)
x(A, P, "rma.excess_count", 0, "1 - floor(0.05*20) = 0")
x(A, P, "rma.exposure", 0)
x(A, P, "rma.projected_count", 365 / 273, "1 * 365 / 273 days")
x(A, P, "rma.projected_rate", 365 / 273 / 20)
x(A, P, "rma.at_risk", True, "not breach and 0.0668 > 0.05")
x(A, P, "rma.by_model[model=Voyager Focus 2 UC].count", 1, "NO-1003 has no model: from NOH001's inventory")
x(A, P, "rma.other_categories.video", 1)
x(A, P, "rma.other_categories.voice", 1)
x(A, P, "downtime.rma_tickets", 3, "distinct RMAs approved in Q3")
x(A, P, "downtime.delivered", 2)
x(A, P, "downtime.met", 2, "weekend NBD (Fri -> Mon) and a delivery after as-of within its deadline")
x(A, P, "downtime.missed", 1, "RMA-NO-26042 undelivered, deadline 2026-09-25 passed")
x(A, P, "downtime.pending", 0)
x(A, P, "downtime.sla_compliance", 2 / 3)
x(A, P, "downtime.mean_hours", 57.0, "(77 + 37) / 2")
x(A, P, "downtime.median_hours", 57.0)
x(A, P, "downtime.p90_hours", 77.0, "ceil(0.9*2) = 2nd of [37, 77]")
x(A, P, "downtime.device_hours_lost", 114.0)
x(A, P, "downtime.frurad", 0)
x(A, P, "downtime.items#len", 3)
x(A, P, "downtime.items[rma_number=RMA-NO-26031].sla", "met")
x(A, P, "downtime.items[rma_number=RMA-NO-26031].downtime_hours", 77.0)
x(A, P, "downtime.items[rma_number=RMA-NO-26044].sla", "met")
x(A, P, "downtime.items[rma_number=RMA-NO-26044].downtime_hours", 37.0, "delivered 2026-10-01, after as-of")
x(A, P, "downtime.items[rma_number=RMA-NO-26042].sla", "missed")
x(A, P, "downtime.items[rma_number=RMA-NO-26042].downtime_hours", None)
x(A, P, "billable", True)
x(A, P, "trueup#len", 27, "3 categories x January..September")
x(A, P, "trueup[category=video,month=2026-04].triggered", False)
x(A, P, "trueup[category=video,month=2026-05].agreed", 4)
x(A, P, "trueup[category=video,month=2026-05].baseline", 4.2)
x(A, P, "trueup[category=video,month=2026-05].actual", 5)
x(A, P, "trueup[category=video,month=2026-05].increase_pct", 25.0)
x(A, P, "trueup[category=video,month=2026-05].triggered", True)
x(A, P, "trueup[category=video,month=2026-05].added", 1)
x(A, P, "trueup[category=video,month=2026-05].months_remaining", 8, "May..December")
x(A, P, "trueup[category=video,month=2026-05].charge", 6000.00, "1 x 9000.00 x 8 / 12")
x(A, P, "trueup[category=video,month=2026-06].agreed", 5, "new N after the May true-up")
x(A, P, "trueup[category=video,month=2026-06].baseline", 5.25)
x(A, P, "trueup[category=video,month=2026-06].triggered", False)
x(A, P, "trueup[category=video,month=2026-06].months_remaining", None)
x(A, P, "trueup[category=video,month=2026-06].charge", 0)
x(A, P, "trueup[category=video,month=2026-08].stale", True)
x(A, P, "trueup[category=video,month=2026-08].actual", 5)
x(A, P, "trueup[category=video,month=2026-09].agreed", 5)
x(A, P, "trueup[category=video,month=2026-09].actual", 6)
x(A, P, "trueup[category=video,month=2026-09].increase_pct", 20.0)
x(A, P, "trueup[category=video,month=2026-09].triggered", True, "second true-up, against the reset baseline")
x(A, P, "trueup[category=video,month=2026-09].months_remaining", 4)
x(A, P, "trueup[category=video,month=2026-09].charge", 3000.00)
x(A, P, "trueup[category=voice,month=2026-06].actual", 10, "VVX 450 counted: EOS only from 2026-09-30")
x(A, P, "trueup[category=voice,month=2026-07].triggered", True)
x(A, P, "trueup[category=voice,month=2026-07].added", 1)
x(A, P, "trueup[category=voice,month=2026-07].months_remaining", 6)
x(A, P, "trueup[category=voice,month=2026-07].charge", None, "no annual_unit_price")
x(A, P, "trueup[category=voice,month=2026-09].agreed", 11)
x(A, P, "trueup[category=voice,month=2026-09].actual", 10)
x(A, P, "trueup[category=voice,month=2026-09].eos", 1, "VVX 450 eos_date 2026-09-30 = last day of September")
x(A, P, "trueup[category=voice,month=2026-09].increase_pct", -100 / 11)
x(A, P, "trueup[category=headset,month=2026-05].actual", 8)
x(A, P, "trueup[category=headset,month=2026-05].eos", 0)
x(A, P, "trueup[category=headset,month=2026-06].actual", 7, "EncorePro 515 EOS 2026-06-30")
x(A, P, "trueup[category=headset,month=2026-06].eos", 1)
x(A, P, "trueup[category=headset,month=2026-06].increase_pct", -65.0)
x(A, P, "trueup_summary.video.agreed_now", 6)
x(A, P, "trueup_summary.video.baseline_now", 6.3)
x(A, P, "trueup_summary.video.actual_now", 6)
x(A, P, "trueup_summary.video.events", 2)
x(A, P, "trueup_summary.video.added_total", 2)
x(A, P, "trueup_summary.video.charge_total", 9000.00)
x(A, P, "trueup_summary.headset.agreed_now", 20)
x(A, P, "trueup_summary.headset.events", 0)
x(A, P, "trueup_summary.headset.charge_total", 0)
x(A, P, "trueup_summary.voice.agreed_now", 11)
x(A, P, "trueup_summary.voice.baseline_now", 11.55)
x(A, P, "trueup_summary.voice.actual_now", 10)
x(A, P, "trueup_summary.voice.events", 1)
x(A, P, "tickets.opened", 11)
x(A, P, "tickets.closed", 5, "NO-1012 opened in June, closed in July, counts as closed")
x(A, P, "tickets.opened_by_priority.P1", 3)
x(A, P, "tickets.opened_by_priority.P2", 4)
x(A, P, "tickets.opened_by_priority.P3", 2)
x(A, P, "tickets.opened_by_priority.P4", 2)
x(A, P, "tickets.closed_by_priority.P1", 1)
x(A, P, "tickets.closed_by_priority.P2", 2)
x(A, P, "tickets.closed_by_priority.P3", 2)
x(A, P, "tickets.closed_by_priority.P4", 0)
x(A, P, "tickets.opened_by_month[month=2026-07].count", 2)
x(A, P, "tickets.opened_by_month[month=2026-08].count", 2)
x(A, P, "tickets.opened_by_month[month=2026-09].count", 7)
x(A, P, "tickets.closed_by_month[month=2026-07].count", 3)
x(A, P, "tickets.closed_by_month[month=2026-08].count", 1)
x(A, P, "tickets.closed_by_month[month=2026-09].count", 1)
x(A, P, "tickets.median_resolution_hours.P1", 77.0)
x(A, P, "tickets.median_resolution_hours.P2", 14.25, "median of 24 (Z close) and 4.5")
x(A, P, "tickets.median_resolution_hours.P3", 98.75, "median of 29.5 and 168")
x(A, P, "tickets.median_resolution_hours.P4", None)
x(A, P, "tickets.open_at_end.total", 8)
x(A, P, "tickets.open_at_end.0-2d", 3)
x(A, P, "tickets.open_at_end.3-7d", 2, "NO-1007 exactly 72 h old goes to 3-7d")
x(A, P, "tickets.open_at_end.8-30d", 1)
x(A, P, "tickets.open_at_end.>30d", 2, "NO-1010 exactly 31 days old")
x(A, P, "tickets.aging_breaches#len", 5)
x(A, P, "tickets.aging_breaches[ticket_id=NO-1004].age_hours", 25.0, "P1 open 24:59:59")
x(A, P, "tickets.aging_breaches[ticket_id=NO-1004].priority", "P1")
x(A, P, "tickets.aging_breaches[ticket_id=NO-1006].age_hours", 179.0)
x(A, P, "tickets.aging_breaches[ticket_id=NO-1008].age_hours", 494.0)
x(A, P, "tickets.aging_breaches[ticket_id=NO-1009].age_hours", 2583.0)
x(A, P, "tickets.aging_breaches[ticket_id=NO-1010].age_hours", 744.0)
x(A, P, "tickets.ecps#len", 2)
x(A, P, "tickets.ecps[cloud_partner=Microsoft Teams].count", 2)
x(A, P, "tickets.ecps[cloud_partner=Microsoft Teams].median_resolution_hours", 14.25)
x(A, P, "tickets.ecps[cloud_partner=Zoom].count", 1)
x(A, P, "tickets.ecps[cloud_partner=Zoom].median_resolution_hours", None)
x(A, P, "tickets.p1#len", 3)
x(A, P, "tickets.p1[ticket_id=NO-1003].root_cause", "Charging base firmware fault (fixed in 1.65)")
x(A, P, "tickets.p1[ticket_id=NO-1004].root_cause", EMPTY, "RCA pending")
x(A, P, "tickets.p1[ticket_id=NO-1005].root_cause", EMPTY, "RCA pending")
x(A, P, "software.current", 10)
x(A, P, "software.n_minus_1", 6)
x(A, P, "software.outdated", 2)
x(A, P, "software.unknown", 8)
x(A, P, "software.by_model[model=CCX 600].current", 2, "10.0 beats 9.9 released the same day")
x(A, P, "software.by_model[model=CCX 600].n_minus_1", 1)
x(A, P, "software.by_model[model=CCX 600].latest", "10.0")
x(A, P, "software.by_model[model=CCX 400].unknown", 2, "empty firmware; 9.10.2 is not release 9.1")
x(A, P, "software.by_model[model=Studio X50].latest", "4.0.2", "4.1.0 is released after as-of")
x(A, P, "software.by_model[model=Studio X50].current", 1, "4.0.2.0002 is release 4.0.2")
x(A, P, "coverage.by_category.headset", 8)
x(A, P, "coverage.by_category.video", 6)
x(A, P, "coverage.by_category.voice", 11)
x(A, P, "coverage.by_category.infrastructure", 1)
x(A, P, "coverage.eos", 2, "EncorePro 515 (2026-06-30), VVX 450 (2026-09-30 = as-of)")
x(A, P, "coverage.unknown_model", 0)
x(A, P, "coverage.offline_30d", 1, "NOC009 last seen 2026-08-20; NOC010 only 25 days")

P = "2026-10"
x(A, P, "period.start", "2026-10-01")
x(A, P, "period.end", "2026-10-31")
x(A, P, "adoption.deployed", 26)
x(A, P, "adoption.active", 4, "NOH001, NOH005, NOV001, NOV006")
x(A, P, "adoption.call_minutes", 1000)
x(A, P, "rma.count", 1)
x(A, P, "rma.projected_count", 365 / 304)
x(A, P, "rma.at_risk", True)
x(A, P, "downtime.rma_tickets", 0)
x(A, P, "downtime.sla_compliance", None)
x(A, P, "tickets.opened", 0)
x(A, P, "tickets.closed", 2, "NO-1004 and NO-1013")
x(A, P, "tickets.open_at_end.total", 6)
x(A, P, "tickets.open_at_end.>30d", 6)
x(A, P, "trueup#len", 30)
x(A, P, "trueup[category=video,month=2026-10].agreed", 6)
x(A, P, "trueup[category=video,month=2026-10].triggered", False)
x(A, P, "trueup_summary.video.charge_total", 9000.00)
x(A, P, "software.current", 8, "Studio X50/X30 4.1.0 released 2026-10-15")
x(A, P, "software.n_minus_1", 7)
x(A, P, "software.outdated", 3)
x(A, P, "software.unknown", 8)

# ------------------------------------------------------------------ FR-ECLAIR
A, P = "FR-ECLAIR", "2026-Q3"
x(A, P, "account_name", "Éclairage Dupont & Fils d'Orléans")
x(A, P, "program", "partner_enterprise")
x(A, P, "adoption.deployed", 30)
x(A, P, "adoption.active", 24)
x(A, P, "adoption.rate", 0.8)
x(A, P, "adoption.call_minutes", 3275)
x(A, P, "adoption.minutes_per_active_device", 3275 / 24)
x(A, P, "adoption.by_month[month=2026-07].deployed", 28)
x(A, P, "adoption.by_month[month=2026-07].active", 17)
x(A, P, "adoption.by_month[month=2026-08].deployed", 29)
x(A, P, "adoption.by_month[month=2026-08].active", 22)
x(A, P, "adoption.by_month[month=2026-09].deployed", 30)
x(A, P, "adoption.by_month[month=2026-09].active", 18)
x(A, P, "adoption.by_month[month=2026-09].rate", 0.6)
x(A, P, "adoption.by_category.headset.deployed", 21)
x(A, P, "adoption.by_category.headset.active", 16)
x(A, P, "adoption.by_category.video.deployed", 4)
x(A, P, "adoption.by_category.video.active", 4, "Group 500 (EOS) still deployed and used in July")
x(A, P, "adoption.by_category.voice.deployed", 5)
x(A, P, "adoption.by_category.voice.active", 4)
x(A, P, "adoption.by_site[site=Orléans Siège].deployed", 17)
x(A, P, "adoption.by_site[site=Orléans Siège].active", 17)
x(A, P, "adoption.by_site[site=Orléans Siège].rate", 1.0)
x(A, P, "adoption.by_site[site=Orléans Siège].call_minutes", 2650)
x(A, P, "adoption.by_site[site=Tours].deployed", 13)
x(A, P, "adoption.by_site[site=Tours].active", 7)
x(A, P, "adoption.by_site[site=Tours].call_minutes", 625)
x(A, P, "rma.count", 2, "RMA-FR-7713 and RMA-FR-7790 (two tickets, counted once)")
x(A, P, "rma.installed_base", 21, "headset agreed 20 + 1 trued up in July")
x(A, P, "rma.basis", "contract")
x(A, P, "rma.rate", 2 / 21)
x(A, P, "rma.breach", True, "200 > 5*21 = 105")
x(A, P, "rma.applicable", True)
x(A, P, "rma.excess_count", 1, "2 - floor(1.05)")
x(A, P, "rma.exposure", 329.00, "list price of the most recent RMA's model, Voyager Focus 2 UC")
x(A, P, "rma.projected_count", 2 * 365 / 273)
x(A, P, "rma.projected_rate", 2 * 365 / 273 / 21)
x(A, P, "rma.at_risk", False, "already in breach")
x(A, P, "rma.by_model[model=Savi 8240 Office].count", 1)
x(A, P, "rma.by_model[model=Voyager Focus 2 UC].count", 1)
x(A, P, "rma.other_categories.video", 1)
x(A, P, "rma.other_categories.voice", 1)
x(A, P, "downtime.rma_tickets", 4, "4 distinct RMAs (5 tickets)")
x(A, P, "downtime.delivered", 3)
x(A, P, "downtime.met", 2, "14 July holiday; approval 22:30Z = next local day")
x(A, P, "downtime.missed", 1, "RMA-FR-7755 delivered a day late")
x(A, P, "downtime.pending", 1, "RMA-FR-7801 approved 2026-09-30, deadline 2026-10-01")
x(A, P, "downtime.sla_compliance", 2 / 3)
x(A, P, "downtime.mean_hours", 71.33, "(56 + 68 + 90) / 3 = 71.333.. rounded")
x(A, P, "downtime.median_hours", 68.0)
x(A, P, "downtime.p90_hours", 90.0, "ceil(2.7) = 3rd")
x(A, P, "downtime.device_hours_lost", 214.0)
x(A, P, "downtime.frurad", 0)
x(A, P, "downtime.items[rma_number=RMA-FR-7713].sla", "met")
x(A, P, "downtime.items[rma_number=RMA-FR-7713].downtime_hours", 56.0)
x(A, P, "downtime.items[rma_number=RMA-FR-7790].sla", "met")
x(A, P, "downtime.items[rma_number=RMA-FR-7790].downtime_hours", 90.0, "from the earlier ticket's opening")
x(A, P, "downtime.items[rma_number=RMA-FR-7755].sla", "missed")
x(A, P, "downtime.items[rma_number=RMA-FR-7801].sla", "pending")
x(A, P, "billable", True)
x(A, P, "trueup#len", 18, "3 categories x April..September (term starts 2026-04-01)")
x(A, P, "trueup[category=headset,month=2026-06].actual", 20, "one device below the threshold")
x(A, P, "trueup[category=headset,month=2026-06].triggered", False)
x(A, P, "trueup[category=headset,month=2026-07].agreed", 20)
x(A, P, "trueup[category=headset,month=2026-07].baseline", 21.0)
x(A, P, "trueup[category=headset,month=2026-07].actual", 21)
x(A, P, "trueup[category=headset,month=2026-07].increase_pct", 5.0)
x(A, P, "trueup[category=headset,month=2026-07].triggered", True, "exactly +5 %: 100*(21-20) >= 5*20")
x(A, P, "trueup[category=headset,month=2026-07].added", 1)
x(A, P, "trueup[category=headset,month=2026-07].months_remaining", 9, "July 2026..March 2027")
x(A, P, "trueup[category=headset,month=2026-07].charge", 75.02, "10002 c x 9 / 12 = 7501.5 c -> 7502 c (half away from zero)")
x(A, P, "trueup[category=headset,month=2026-08].agreed", 21)
x(A, P, "trueup[category=headset,month=2026-08].baseline", 22.05)
x(A, P, "trueup[category=headset,month=2026-08].triggered", False)
x(A, P, "trueup[category=video,month=2026-07].actual", 3)
x(A, P, "trueup[category=video,month=2026-08].actual", 2, "Group 500 EOS 2026-08-31 = last day of August")
x(A, P, "trueup[category=video,month=2026-08].eos", 1)
x(A, P, "trueup[category=video,month=2026-08].increase_pct", -100 / 3)
x(A, P, "trueup[category=video,month=2026-09].actual", 3)
x(A, P, "trueup[category=video,month=2026-09].triggered", False)
x(A, P, "trueup[category=voice,month=2026-07].baseline", 4.1, "trueup_pct 2.5")
x(A, P, "trueup[category=voice,month=2026-08].actual", 5)
x(A, P, "trueup[category=voice,month=2026-08].triggered", True)
x(A, P, "trueup[category=voice,month=2026-08].months_remaining", 8)
x(A, P, "trueup[category=voice,month=2026-08].charge", 120.00, "1 x 180.00 x 8 / 12")
x(A, P, "trueup[category=voice,month=2026-09].agreed", 5)
x(A, P, "trueup[category=voice,month=2026-09].baseline", OneOf(5.13, 5.125),
  "5 x 1.025 = 5.125; 'shown with two decimals' half away from zero = 5.13 (SPEC leaves the JSON form open)")
x(A, P, "trueup_summary.headset.agreed_now", 21)
x(A, P, "trueup_summary.headset.baseline_now", 22.05)
x(A, P, "trueup_summary.headset.actual_now", 21)
x(A, P, "trueup_summary.headset.events", 1)
x(A, P, "trueup_summary.headset.added_total", 1)
x(A, P, "trueup_summary.headset.charge_total", 75.02)
x(A, P, "trueup_summary.video.events", 0)
x(A, P, "trueup_summary.video.charge_total", 0)
x(A, P, "trueup_summary.voice.agreed_now", 5)
x(A, P, "trueup_summary.voice.events", 1)
x(A, P, "trueup_summary.voice.charge_total", 120.00)
x(A, P, "tickets.opened", 10)
x(A, P, "tickets.closed", 6)
x(A, P, "tickets.opened_by_priority.P1", 2)
x(A, P, "tickets.opened_by_priority.P2", 3)
x(A, P, "tickets.opened_by_priority.P3", 4)
x(A, P, "tickets.opened_by_priority.P4", 1)
x(A, P, "tickets.closed_by_priority.P1", 2)
x(A, P, "tickets.closed_by_priority.P2", 2)
x(A, P, "tickets.closed_by_priority.P3", 2)
x(A, P, "tickets.median_resolution_hours.P1", 3.25, "4 h and 2.5 h (Z open, +02:00 close)")
x(A, P, "tickets.median_resolution_hours.P2", 63.5)
x(A, P, "tickets.median_resolution_hours.P3", 46.0)
x(A, P, "tickets.opened_by_month[month=2026-09].count", 6)
x(A, P, "tickets.open_at_end.total", 4)
x(A, P, "tickets.open_at_end.0-2d", 1)
x(A, P, "tickets.open_at_end.3-7d", 1)
x(A, P, "tickets.open_at_end.8-30d", 2)
x(A, P, "tickets.open_at_end.>30d", 0)
x(A, P, "tickets.aging_breaches#len", 2, "FR-2009 P3 at 167.9997 h is just under 7 days")
x(A, P, "tickets.aging_breaches[ticket_id=FR-2007].age_hours", 686.0)
x(A, P, "tickets.aging_breaches[ticket_id=FR-2008].age_hours", 206.0)
x(A, P, "tickets.ecps[cloud_partner=Zoom].count", 1)
x(A, P, "tickets.ecps[cloud_partner=Zoom].median_resolution_hours", 4.0)
x(A, P, "tickets.ecps[cloud_partner=Google Meet].count", 1)
x(A, P, "tickets.ecps[cloud_partner=Google Meet].median_resolution_hours", None)
x(A, P, "tickets.p1#len", 2)
x(A, P, "tickets.p1[ticket_id=FR-2010].root_cause", EMPTY)
x(A, P, "software.current", 14)
x(A, P, "software.n_minus_1", 6)
x(A, P, "software.outdated", 2)
x(A, P, "software.unknown", 8, "incl. FRV004 on 4.1.0, a release dated after as-of")
x(A, P, "coverage.by_category.headset", 21)
x(A, P, "coverage.by_category.video", 4)
x(A, P, "coverage.by_category.voice", 5)
x(A, P, "coverage.eos", 1)
x(A, P, "coverage.offline_30d", 1)

P = "2026-10"
x(A, P, "adoption.deployed", 31)
x(A, P, "adoption.active", 0)
x(A, P, "rma.count", 2)
x(A, P, "rma.installed_base", 21)
x(A, P, "trueup[category=headset,month=2026-10].agreed", 21)
x(A, P, "trueup[category=headset,month=2026-10].actual", 22)
x(A, P, "trueup[category=headset,month=2026-10].increase_pct", 100 / 21)
x(A, P, "trueup[category=headset,month=2026-10].triggered", False, "22 < 22.05")
x(A, P, "trueup_summary.headset.charge_total", 75.02)
x(A, P, "software.current", 14, "FRV004 4.1.0 now current; X50/X30 on 4.0.2 become n-1")
x(A, P, "software.n_minus_1", 6)
x(A, P, "software.outdated", 3)

# ------------------------------------------------------------------ FR-TILLEULS
A, P = "FR-TILLEULS", "2026-Q3"
x(A, P, "program", "partner_poly_plus")
x(A, P, "adoption.deployed", 6)
x(A, P, "adoption.active", 3, "TLC001: one 20-second call = a call, 0 minutes")
x(A, P, "adoption.call_minutes", 178, "TLV001 2+1+45+60, TLV002 40+30")
x(A, P, "adoption.minutes_per_active_device", 178 / 3)
x(A, P, "adoption.by_month[month=2026-07].active", 2, "TLV002's call at 22:30Z on 31 July is 1 August local")
x(A, P, "adoption.by_month[month=2026-08].active", 2)
x(A, P, "adoption.by_month[month=2026-09].active", 2)
x(A, P, "adoption.by_category.video.active", 2)
x(A, P, "adoption.by_category.voice.active", 1)
x(A, P, "adoption.by_category.headset.active", 0)
x(A, P, "adoption.by_site[site=Bâtiment A].call_minutes", 108)
x(A, P, "adoption.by_site[site=Bâtiment B].call_minutes", 70)
x(A, P, "rma.count", 0)
x(A, P, "rma.installed_base", 2)
x(A, P, "rma.basis", "inventory")
x(A, P, "rma.rate", 0.0)
x(A, P, "rma.breach", False)
x(A, P, "rma.applicable", False)
x(A, P, "downtime.rma_tickets", 0)
x(A, P, "downtime.sla_compliance", None)
x(A, P, "billable", False)
x(A, P, "trueup#len", 0)
x(A, P, "tickets.opened", 2)
x(A, P, "tickets.closed", 1)
x(A, P, "tickets.open_at_end.total", 2)
x(A, P, "tickets.open_at_end.3-7d", 1)
x(A, P, "tickets.open_at_end.>30d", 1)
x(A, P, "tickets.aging_breaches#len", 2)
x(A, P, "tickets.aging_breaches[ticket_id=TL-6002].age_hours", 130.0)
x(A, P, "tickets.aging_breaches[ticket_id=TL-6003].age_hours", 3591.0)
x(A, P, "tickets.ecps[cloud_partner=Google Meet].median_resolution_hours", 24.5)
x(A, P, "tickets.p1#len", 0)
x(A, P, "software.current", 3)
x(A, P, "software.n_minus_1", 1)
x(A, P, "software.unknown", 2)
P = "2026-10"
x(A, P, "adoption.active", 1, "TLH001 on 5 October; the 30 Sep 23:50 call stays in September")
x(A, P, "adoption.call_minutes", 10)

# ------------------------------------------------------------------ JP-SAKURA
A, P = "JP-SAKURA", "2026-Q3"
x(A, P, "account_name", "桜川精機株式会社")
x(A, P, "adoption.deployed", 9)
x(A, P, "adoption.active", 7, "JPH005 used in July, before the first snapshot, is in the September inventory")
x(A, P, "adoption.call_minutes", 670)
x(A, P, "adoption.by_month[month=2026-07].deployed", None, "no inventory before the first snapshot (August)")
x(A, P, "adoption.by_month[month=2026-07].rate", None)
x(A, P, "adoption.by_month[month=2026-08].deployed", 9)
x(A, P, "adoption.by_month[month=2026-08].active", 6)
x(A, P, "adoption.by_month[month=2026-09].active", 6)
x(A, P, "adoption.by_site[site=東京本社].active", 5)
x(A, P, "adoption.by_site[site=東京本社].call_minutes", 580)
x(A, P, "adoption.by_site[site=大阪工場].active", 2)
x(A, P, "adoption.by_site[site=大阪工場].call_minutes", 90)
x(A, P, "rma.count", 0)
x(A, P, "rma.installed_base", 7, "headset agreed 6 + 1 trued up in August")
x(A, P, "rma.basis", "contract")
x(A, P, "rma.breach", False)
x(A, P, "rma.applicable", False)
x(A, P, "rma.other_categories.video", 2, "JP-3002 has no model: earliest inventory row after it (August)")
x(A, P, "downtime.rma_tickets", 2)
x(A, P, "downtime.met", 2, "Marine Day 20 July; 21-23 September holidays")
x(A, P, "downtime.missed", 0)
x(A, P, "downtime.sla_compliance", 1.0)
x(A, P, "downtime.mean_hours", 123.25)
x(A, P, "downtime.median_hours", 123.25)
x(A, P, "downtime.p90_hours", 150.0)
x(A, P, "downtime.device_hours_lost", 246.5)
x(A, P, "billable", False)
x(A, P, "trueup#len", 4, "August and September only: January..July have no snapshot")
x(A, P, "trueup[category=headset,month=2026-08].agreed", 6)
x(A, P, "trueup[category=headset,month=2026-08].actual", 7)
x(A, P, "trueup[category=headset,month=2026-08].triggered", True)
x(A, P, "trueup[category=headset,month=2026-08].months_remaining", 5)
x(A, P, "trueup[category=headset,month=2026-08].charge", None)
x(A, P, "trueup[category=headset,month=2026-09].agreed", 7)
x(A, P, "trueup[category=headset,month=2026-09].baseline", 7.35)
x(A, P, "trueup[category=video,month=2026-09].triggered", False)
x(A, P, "trueup_summary.headset.agreed_now", 7)
x(A, P, "trueup_summary.headset.events", 1)
x(A, P, "tickets.opened", 5)
x(A, P, "tickets.closed", 4)
x(A, P, "tickets.median_resolution_hours.P2", 124.25)
x(A, P, "tickets.open_at_end.total", 1)
x(A, P, "tickets.open_at_end.0-2d", 1)
x(A, P, "tickets.aging_breaches#len", 0)
x(A, P, "tickets.p1[ticket_id=JP-3005].root_cause", "電源ユニットの故障（交換済み）")
x(A, P, "software.current", 5)
x(A, P, "software.n_minus_1", 2)
x(A, P, "software.outdated", 1)
x(A, P, "software.unknown", 1)
x(A, P, "coverage.offline_30d", 1)

# ------------------------------------------------------------------ US-HARBOR
A, P = "US-HARBOR", "2026-Q3"
x(A, P, "program", "elite")
x(A, P, "adoption.deployed", 12, "2026-09-29 snapshot (USV007 removed since 2026-09-15)")
x(A, P, "adoption.active", 7)
x(A, P, "adoption.call_minutes", 1175, "USV007's 100 minutes not counted")
x(A, P, "adoption.by_month[month=2026-07].deployed", 13)
x(A, P, "adoption.by_month[month=2026-07].active", 5)
x(A, P, "adoption.by_month[month=2026-08].active", 4)
x(A, P, "adoption.by_month[month=2026-09].deployed", 12)
x(A, P, "adoption.by_month[month=2026-09].active", 5)
x(A, P, "adoption.by_category.unknown.deployed", 1, "Sync 40 is not in the catalog")
x(A, P, "adoption.by_category.unknown.active", 1)
x(A, P, "adoption.by_category.video.deployed", 6)
x(A, P, "adoption.by_category.video.active", 4)
x(A, P, "adoption.by_category.voice.active", 2, "USC002 rows all zero")
x(A, P, "adoption.by_site[site=Boston Campus].call_minutes", 1085)
x(A, P, "adoption.by_site[site=Providence Clinic].call_minutes", 90)
x(A, P, "rma.count", 0)
x(A, P, "rma.installed_base", 0, "no headset contract line, no headset in inventory")
x(A, P, "rma.basis", "inventory")
x(A, P, "rma.rate", None)
x(A, P, "rma.breach", None)
x(A, P, "rma.other_categories.video", 2)
x(A, P, "downtime.rma_tickets", 2)
x(A, P, "downtime.met", 1, "four_hour: 13:30 <= 14:00")
x(A, P, "downtime.missed", 1, "four_hour: delivered 21:20 > 20:00 (Labor Day irrelevant)")
x(A, P, "downtime.sla_compliance", 0.5)
x(A, P, "downtime.mean_hours", 5.67, "(5 + 6.3333) / 2")
x(A, P, "downtime.median_hours", 5.67)
x(A, P, "downtime.p90_hours", 6.33)
x(A, P, "downtime.device_hours_lost", 11.33)
x(A, P, "downtime.items[rma_number=RMA-US-51204].downtime_hours", 6.33)
x(A, P, "billable", False)
x(A, P, "trueup#len", 0)
x(A, P, "tickets.opened", 5)
x(A, P, "tickets.closed", 3)
x(A, P, "tickets.median_resolution_hours.P1", 6.5)
x(A, P, "tickets.median_resolution_hours.P2", 90.0)
x(A, P, "tickets.open_at_end.total", 2)
x(A, P, "tickets.open_at_end.0-2d", 1)
x(A, P, "tickets.open_at_end.8-30d", 1)
x(A, P, "tickets.aging_breaches#len", 0, "US-4004 P1 only 2 h old")
x(A, P, "tickets.ecps[cloud_partner=Zoom].median_resolution_hours", 48.0)
x(A, P, "tickets.p1#len", 2)
x(A, P, "software.current", 4)
x(A, P, "software.n_minus_1", 3)
x(A, P, "software.outdated", 1, "USC003 9.1.4 is release 9.1, two behind")
x(A, P, "software.unknown", 4)
x(A, P, "coverage.by_category.unknown", 1)
x(A, P, "coverage.unknown_model", 1)
x(A, P, "coverage.offline_30d", 1)
x(A, P, "coverage.eos", 0)

# ------------------------------------------------------------------ GB-GLEN
A, P = "GB-GLEN", "2026-Q3"
x(A, P, "program", "poly_plus")
x(A, P, "adoption.deployed", 11)
x(A, P, "adoption.active", 7, "GBC003: 3 minutes without a call is active")
x(A, P, "adoption.call_minutes", 1012, "GBX404 (not in inventory) ignored")
x(A, P, "adoption.by_month[month=2026-07].active", 6)
x(A, P, "adoption.by_month[month=2026-08].active", 6)
x(A, P, "adoption.by_month[month=2026-09].active", 5)
x(A, P, "adoption.by_site[site=Inverness].active", 5)
x(A, P, "adoption.by_site[site=Inverness].call_minutes", 822)
x(A, P, "adoption.by_site[site=Edinburgh].call_minutes", 190)
x(A, P, "rma.count", 1)
x(A, P, "rma.installed_base", 6)
x(A, P, "rma.basis", "inventory")
x(A, P, "rma.rate", 1 / 6)
x(A, P, "rma.breach", True)
x(A, P, "rma.applicable", False)
x(A, P, "rma.excess_count", 1)
x(A, P, "rma.exposure", 329.00)
x(A, P, "downtime.rma_tickets", 2)
x(A, P, "downtime.met", 1, "Scottish Summer bank holiday 3 August moves the deadline to 4 August")
x(A, P, "downtime.missed", 1, "English Summer bank holiday 31 August does not apply in GB-SCT")
x(A, P, "downtime.items[rma_number=RMA-GB-3107].sla", "met")
x(A, P, "downtime.items[rma_number=RMA-GB-2808].sla", "missed")
x(A, P, "downtime.mean_hours", 105.0)
x(A, P, "downtime.p90_hours", 113.0)
x(A, P, "downtime.device_hours_lost", 210.0)
x(A, P, "downtime.frurad", 2)
x(A, P, "tickets.opened", 5, "GB-5005 opened 2026-06-30T23:30Z = 1 July 00:30 BST")
x(A, P, "tickets.opened_by_month[month=2026-07].count", 2)
x(A, P, "tickets.closed", 4)
x(A, P, "tickets.median_resolution_hours.P2", 107.0)
x(A, P, "tickets.median_resolution_hours.P4", 225.5)
x(A, P, "tickets.aging_breaches#len", 1)
x(A, P, "tickets.aging_breaches[ticket_id=GB-5004].age_hours", 39.0)
x(A, P, "tickets.p1[ticket_id=GB-5004].root_cause", "Network switch misconfiguration")
x(A, P, "software.current", 5)
x(A, P, "software.n_minus_1", 4)
x(A, P, "software.unknown", 2)
x(A, P, "coverage.eos", 1, "Trio 8800 EOS 2025-12-31")
x(A, P, "coverage.offline_30d", 1)


def lookup(doc, path):
    """Follows path into doc; raises KeyError with a reason when it cannot."""
    want_len = path.endswith("#len")
    if want_len:
        path = path[:-4]
    cur = doc
    for part in split_path(path):
        if part.startswith("["):
            conds = dict(c.split("=", 1) for c in part[1:-1].split(","))
            if not isinstance(cur, list):
                raise KeyError("not a list before " + part)
            hits = [e for e in cur if isinstance(e, dict)
                    and all(str(e.get(k)) == v for k, v in conds.items())]
            if len(hits) != 1:
                raise KeyError("%d elements match %s" % (len(hits), part))
            cur = hits[0]
        else:
            if not isinstance(cur, dict) or part not in cur:
                raise KeyError("no key " + part)
            cur = cur[part]
    if want_len:
        if not isinstance(cur, list):
            raise KeyError("not a list")
        return len(cur)
    return cur


def split_path(path):
    """a.b[k=v].c -> ['a', 'b', '[k=v]', 'c'] (keys may hold '-', '>', spaces)."""
    out, buf, i = [], "", 0
    while i < len(path):
        ch = path[i]
        if ch == "[":
            if buf:
                out.append(buf)
                buf = ""
            j = path.index("]", i)
            out.append(path[i:j + 1])
            i = j + 1
            continue
        if ch == ".":
            if buf:
                out.append(buf)
            buf = ""
        else:
            buf += ch
        i += 1
    if buf:
        out.append(buf)
    return out


def matches(got, want):
    if want is EMPTY:
        return got is None or got == ""
    if isinstance(want, OneOf):
        return any(matches(got, w) for w in want.values)
    if isinstance(want, bool) or want is None:
        return got is want
    if isinstance(got, bool):
        return False
    if isinstance(want, float):
        return isinstance(got, (int, float)) and abs(got - want) <= 1e-9
    if isinstance(want, int):
        return isinstance(got, (int, float)) and got == want
    return got == want


def main():
    folder = sys.argv[1]
    docs = {}
    failed = 0
    for account, period, path, want, why in E:
        name = "samples %s %s %s" % (account, period, path)
        key = (account, period)
        if key not in docs:
            f = os.path.join(folder, "%s_%s.json" % key)
            try:
                with open(f, encoding="utf-8") as fh:
                    docs[key] = json.load(fh)
            except (OSError, ValueError) as e:
                docs[key] = e
        doc = docs[key]
        if isinstance(doc, Exception):
            print("FAIL %s: no metrics document (%s)" % (name, doc))
            failed += 1
            continue
        try:
            got = lookup(doc, path)
        except KeyError as e:
            print("FAIL %s: %s; want %r (%s)" % (name, e.args[0], want, why))
            failed += 1
            continue
        if matches(got, want):
            print("PASS " + name)
        else:
            shown = "null or empty" if want is EMPTY else repr(want)
            print("FAIL %s: got %s, want %s (%s)" % (name, json.dumps(got, ensure_ascii=False),
                                                    shown, why))
            failed += 1
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
