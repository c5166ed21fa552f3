"""explain_check.py CSMREPORT DB SAMPLES PERIOD... - checks `csmreport explain`
against the metrics document of every sample account and period:
  - the paths it lists are the document's paths under the addressing rule
    (derived here, independently: README "Explaining a figure");
  - every path explains (exit 0) and its value equals the metrics JSON;
  - every arithmetic step re-evaluates to its result, and the step that gives
    the figure gives the value; true-up, RMA-rate and SLA figures have one;
  - every input's source names a line of a sample file that holds that row.
Prints PASS/FAIL lines for tests/run.sh."""
import csv
import json
import math
import os
import subprocess
import sys

CR, DB, SAMPLES = sys.argv[1], sys.argv[2], sys.argv[3]
PERIODS = sys.argv[4:]

IDENTITY = {
    "trueup": ("category", "month"), "adoption.by_month": ("month",),
    "adoption.by_site": ("site",), "rma.by_model": ("model",),
    "downtime.items": ("rma_number",), "tickets.opened_by_month": ("month",),
    "tickets.closed_by_month": ("month",), "tickets.aging_breaches": ("ticket_id",),
    "tickets.ecps": ("cloud_partner",), "tickets.p1": ("ticket_id",),
    "software.by_model": ("model",), "coverage.by_model": ("model",), "devices": ("serial",),
}


def paths(node, path="", plain="", out=None):
    """path -> value, with array elements named by their identifying values."""
    if out is None:
        out = {}
    if path:
        out[path] = node
    join = lambda a, b: f"{a}.{b}" if a else str(b)
    if isinstance(node, dict):
        for k, v in node.items():
            paths(v, join(path, k), join(plain, k), out)
    elif isinstance(node, list):
        keys = IDENTITY.get(plain)
        names = []
        for el in node:
            vals = [el.get(k) if isinstance(el, dict) else None for k in keys] if keys else [None]
            ok = all(isinstance(v, str) and v and "." not in v for v in vals)
            names.append(".".join(vals) if ok else None)
        for i, el in enumerate(node):
            n = names[i]
            name = n if n is not None and names.count(n) == 1 else str(i)
            paths(el, join(path, name), join(plain, str(i)), out)
    return out


def round_half_away(x):
    return math.copysign(math.floor(abs(x) + 0.5), x)


ENV = {"round_half_away": round_half_away, "max": max, "min": min, "floor": math.floor,
       "None": None, "__builtins__": {}}


def same(a, b, tol=1e-9):
    if isinstance(a, bool) or isinstance(b, bool) or a is None or b is None or isinstance(a, str):
        return a == b
    return abs(a - b) <= tol * max(1.0, abs(a), abs(b))


files = {}


def record(path, line):
    """The CSV record that starts at line (1-based) of path, as a dict."""
    if path not in files:
        with open(path, encoding="utf-8-sig", newline="") as f:
            rdr = csv.reader(f)
            header = next(rdr)
            starts = {}
            prev = rdr.line_num
            for row in rdr:
                starts[prev + 1] = dict(zip(header, row))
                prev = rdr.line_num
        files[path] = starts
    return files[path].get(line)


def source_ok(inp):
    """Whether the source of an input names a row holding its values."""
    f = inp.get("fields", {})
    checks = []
    src = inp.get("source")
    if src:
        checks.append((src, {
            "device": ("serial", "snapshot_date"), "ticket": ("ticket_id",),
            "contract": ("account_id", "category"), "holiday": ("date",),
            "account": ("account_id",)}.get(inp["kind"], ())))
    for key in ("usage_source", "calls_source"):
        if inp.get(key):
            checks.append((inp[key], ("serial",)))
    for s, keys in checks:
        if not os.path.realpath(s["file"]).startswith(os.path.realpath(SAMPLES)):
            return f"not a sample file: {s['file']}"
        row = record(s["file"], s["line"])
        if row is None:
            return f"{s['file']}:{s['line']}: no record starts there"
        for k in keys:
            if row.get(k) != f.get(k):
                return f"{s['file']}:{s['line']}: {k} is {row.get(k)!r}, input says {f.get(k)!r}"
        if not s.get("import_date"):
            return "no import date"
    return None


NEEDS_STEP = ("trueup.", "rma.count", "rma.rate", "rma.breach", "rma.excess_count",
              "downtime.sla_compliance", "downtime.met", "downtime.missed")


def needs_step(path, value):
    if value is None or isinstance(value, (dict, list, str)) and not path.endswith(".sla"):
        return False
    if path.startswith("downtime.items.") and path.rsplit(".", 1)[1] in ("sla", "downtime_hours"):
        return True
    if path.startswith("trueup.") and path.rsplit(".", 1)[1] in ("category", "month", "stale"):
        return False
    if path.startswith("adoption.") and path.rsplit(".", 1)[1] in ("rate", "active", "deployed"):
        return True
    return path.startswith(NEEDS_STEP)


accounts = [r["account_id"] for r in csv.DictReader(open(os.path.join(SAMPLES, "accounts.csv"), encoding="utf-8"))]
fails = {"list": [], "run": [], "value": [], "steps": [], "gives": [], "needs": [], "source": []}
counts = {"figures": 0, "steps": 0, "sources": 0}
for acc in accounts:
    for period in PERIODS:
        doc = json.loads(subprocess.run([CR, "metrics", "--db", DB, "--account", acc, "--period", period,
                                         "--format", "json"], capture_output=True, text=True, check=True).stdout)
        want = paths(doc)
        listed = subprocess.run([CR, "explain", "--db", DB, "--account", acc, "--period", period, "--list"],
                                capture_output=True, text=True).stdout.split("\n")[:-1]
        if listed != list(want):
            fails["list"].append(f"{acc} {period}: {sorted(set(listed) ^ set(want))[:5]}")
        names = list(want)
        for i in range(0, len(names), 300):
            chunk = names[i:i + 300]
            p = subprocess.run([CR, "explain", "--db", DB, "--account", acc, "--period", period, "--format", "json",
                                *chunk], capture_output=True, text=True)
            if p.returncode != 0:
                fails["run"].append(f"{acc} {period}: exit {p.returncode}: {p.stderr[:200]}")
                continue
            exps = json.loads(p.stdout)
            if len(chunk) == 1:
                exps = [exps]
            for path, ex in zip(chunk, exps):
                counts["figures"] += 1
                value = want[path]
                if ex["path"] != path or json.dumps(ex["value"], sort_keys=True) != json.dumps(value, sort_keys=True):
                    fails["value"].append(f"{acc} {period} {path}: {ex['value']!r} != {value!r}")
                gives = False
                for st in ex["arithmetic"]:
                    counts["steps"] += 1
                    try:
                        got = eval(st["expr"], dict(ENV), dict(st["values"]))
                    except Exception as e:  # noqa: BLE001 - reported as a failure
                        fails["steps"].append(f"{acc} {period} {path}: {st['expr']}: {e}")
                        continue
                    tol = 0.0051 if st["name"] in ("downtime_hours", "baseline") else 1e-9
                    if not same(got, st["result"], tol):
                        fails["steps"].append(f"{acc} {period} {path}: {st['expr']} {st['values']} = {got!r}, "
                                              f"step says {st['result']!r}")
                    if st.get("gives"):
                        gives = True
                        res = st["result"]
                        if res is not None and not isinstance(res, (bool, str)):
                            res = res / st.get("scale", 1)
                        if not same(res, value, 0.0051 if st["name"] in ("downtime_hours", "baseline") else 1e-9):
                            fails["gives"].append(f"{acc} {period} {path}: step gives {res!r}, value {value!r}")
                if needs_step(path, value) and not gives:
                    fails["needs"].append(f"{acc} {period} {path}")
                for inp in ex["inputs"]:
                    if inp.get("source") or inp.get("usage_source") or inp.get("calls_source"):
                        counts["sources"] += 1
                    why = source_ok(inp)
                    if why:
                        fails["source"].append(f"{acc} {period} {path}: {why}")

msgs = {"list": "explain --list gives the document's paths under the addressing rule",
        "run": "every path explains", "value": "every value equals the metrics JSON",
        "steps": "every arithmetic step re-evaluates to its result",
        "gives": "the giving step gives the value", "needs": "true-up, RMA-rate and SLA figures have their arithmetic",
        "source": "every source line holds its row"}
for k, m in msgs.items():
    if fails[k]:
        print(f"FAIL explain: {m}: {len(fails[k])} failures, first: {fails[k][:3]}")
    else:
        print(f"PASS explain: {m}")
ok = counts["figures"] > 3000 and counts["steps"] > 1000 and counts["sources"] > 3000
print(("PASS" if ok else "FAIL") + f" explain: enough checked ({counts})")
