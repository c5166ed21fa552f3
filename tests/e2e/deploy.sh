# deploy.sh - what can be checked of samples/deploy/ on one machine: script
# syntax; the Slurm script and the Kubernetes Job's command run as their
# engine would run them (task ids, completion indexes) give together the
# single run's files; the manifest is an Indexed Job with a read-only store;
# systemd-analyze verify on the units and the timers' next dates; the cron
# lines' fields; GNU parallel over a stand-in for ssh.
. "$(dirname "$0")/lib.sh"

D="$TOP/samples/deploy"
S="$TOP/samples"
DB="$WORK/s.db"
TPL="$TOP/templates/example.xml"
SOURCE_DATE_EPOCH=1767225600
export SOURCE_DATE_EPOCH

sh -n "$D/parallel-ssh.sh" 2>"$WORK/e"; check_eq "deploy: sh -n parallel-ssh.sh" "$?:$(cat "$WORK/e")" "0:"
bash -n "$D/slurm-render.sbatch" 2>"$WORK/e"; check_eq "deploy: bash -n slurm-render.sbatch" "$?:$(cat "$WORK/e")" "0:"

run_cr import --db "$DB" "$S/partners.csv" "$S/accounts.csv" "$S/contracts.csv" \
    "$S/catalog.csv" "$S/firmware.csv" "$S/holidays.csv" "$S/devices.csv" \
    "$S/tickets.csv" "$S/usage.csv" "$S/calls.csv"
check_eq "deploy: samples import" "$RC" "0"
digest() { (cd "$1" && find . -type f | LC_ALL=C sort | xargs sha256sum); }
run_cr render --db "$DB" --template "$TPL" --all --period 2026-Q3 --out "$WORK/one" --quiet
digest "$WORK/one" >"$WORK/one.sum"

# Slurm: the array's three tasks, as sbatch --array=1-3 would start them.
for k in 1 2 3; do
    (cd "$WORK" && SLURM_ARRAY_TASK_ID=$k SLURM_ARRAY_TASK_COUNT=3 SLURM_CPUS_PER_TASK=1 \
        PERIOD=2026-Q3 DB="$DB" TEMPLATE="$TPL" OUT="$WORK/slurm" CSMREPORT="$CSMREPORT" \
        bash "$D/slurm-render.sbatch")
    check_eq "deploy: slurm task $k/3 exit" "$?" "0"
done
check_eq "deploy: slurm tasks write the single run's files" "$(digest "$WORK/slurm")" "$(cat "$WORK/one.sum")"
(SLURM_ARRAY_TASK_ID=4 SLURM_ARRAY_TASK_COUNT=3 PERIOD=2026-Q3 DB="$DB" CSMREPORT="$CSMREPORT" \
    bash "$D/slurm-render.sbatch") 2>/dev/null
check_eq "deploy: slurm task outside 1..N is refused" "$?" "64"

# Kubernetes: the manifest, read by a YAML parser.
M="$D/k8s-render-job.yaml"
"$PY" - "$M" "$WORK/k8s-cmd.sh" >"$WORK/k8s.out" 2>&1 <<'EOF'
import sys, yaml
docs = [d for d in yaml.safe_load_all(open(sys.argv[1], encoding="utf-8")) if d]
assert len(docs) == 1, "one document"
job = docs[0]
assert job["apiVersion"] == "batch/v1" and job["kind"] == "Job", "a batch/v1 Job"
spec = job["spec"]
assert spec["completionMode"] == "Indexed", "completionMode Indexed"
pod = spec["template"]["spec"]
assert pod["restartPolicy"] == "Never", "restartPolicy Never"
(c,) = pod["containers"]
env = {e["name"]: e.get("value") for e in c["env"]}
assert spec["completions"] == spec["parallelism"] == int(env["SHARDS"]), "completions = parallelism = SHARDS"
mounts = {m["name"]: m for m in c["volumeMounts"]}
vols = {v["name"]: v for v in pod["volumes"]}
assert mounts["store"].get("readOnly") is True, "store mounted readOnly"
assert vols["store"]["persistentVolumeClaim"].get("readOnly") is True, "store claim readOnly"
assert "JOB_COMPLETION_INDEX" in c["args"][0], "shard from JOB_COMPLETION_INDEX"
assert c["command"] == ["/bin/sh", "-c"], "a shell command"
open(sys.argv[2], "w").write(c["args"][0])
print("ok", env["SHARDS"])
EOF
check_contains "deploy: k8s manifest is an Indexed Job with a read-only store" "$(cat "$WORK/k8s.out")" "ok"
# Its command, as three pods would run it (index 0..2), with the container's
# folders and program moved to this test's.
mkdir -p "$WORK/store" "$WORK/k8s-out"
cp "$DB" "$WORK/store/csmreport.db"
chmod 555 "$WORK/store"
for i in 0 1 2; do
    mkdir -p "$WORK/scratch$i"
    sed -e "s|/store/|$WORK/store/|g; s|/scratch|$WORK/scratch$i|g; s|--out /out|--out $WORK/k8s-out|" \
        -e "s|/usr/local/share/csmreport/templates/qbr.xml|$TPL|; s|exec csmreport |exec \"$CSMREPORT\" |" \
        "$WORK/k8s-cmd.sh" >"$WORK/k8s-cmd$i.sh"
    JOB_COMPLETION_INDEX=$i SHARDS=3 PERIOD=2026-Q3 sh "$WORK/k8s-cmd$i.sh"
    check_eq "deploy: k8s pod index $i exit" "$?" "0"
done
check_eq "deploy: k8s pods write the single run's files" "$(digest "$WORK/k8s-out")" "$(cat "$WORK/one.sum")"
chmod 755 "$WORK/store"

# systemd: verify the units as installed (the program path pointed at this
# build, the man page on MANPATH so Documentation= is checked too).
if command -v systemd-analyze >/dev/null 2>&1; then
    U="$WORK/units"
    mkdir -p "$U" "$WORK/man/man1"
    cp "$TOP/man/csmreport.1" "$WORK/man/man1/"
    for f in "csmreport@.service" csmreport.timer csmreport-qbr.timer; do
        sed "s|/usr/local/bin/csmreport|$CSMREPORT|g" "$D/$f" >"$U/$f"
    done
    (cd "$U" && MANPATH="$WORK/man" SYSTEMD_UNIT_PATH="$U:" systemd-analyze verify \
        csmreport.timer csmreport-qbr.timer csmreport@batch.service csmreport@qbr.service) \
        >"$WORK/verify" 2>&1
    check_eq "deploy: systemd-analyze verify" "$?:$(cat "$WORK/verify")" "0:"
    for t in csmreport.timer:02 csmreport-qbr.timer:01,04,07,10; do
        f=${t%%:*} months=${t#*:}
        cal=$(sed -n 's/^OnCalendar=//p' "$D/$f")
        next=$(TZ=UTC systemd-analyze calendar --iterations=4 "$cal" 2>&1 |
            sed -n 's/^ *\(Next elapse\|Iter\. #[0-9]*\): [A-Za-z]* \([0-9-]*\) \([0-9:]*\).*/\2 \3/p')
        days=$(printf '%s\n' "$next" | cut -c9-10,11- | sort -u | tr '\n' ' ')
        check_eq "deploy: $f runs on the 2nd at 06:00" "$days" "02 06:00:00 "
        if [ "$f" = csmreport-qbr.timer ]; then
            check_eq "deploy: $f runs in Jan, Apr, Jul, Oct" \
                "$(printf '%s\n' "$next" | cut -c6-7 | sort -u | tr '\n' ',')" "01,04,07,10,"
        fi
        check_contains "deploy: $f is persistent" "$(cat "$D/$f")" "Persistent=true"
    done
else
    echo "SKIP deploy: systemd-analyze is not installed: the units are not verified"
fi

# cron: five time fields in range, a user, and a flock around csmreport run.
"$PY" - "$D/csmreport.cron" >"$WORK/cron.out" 2>&1 <<'EOF'
import re, sys
bounds = [(0, 59), (0, 23), (1, 31), (1, 12), (0, 7)]
def field_ok(f, lo, hi):
    if f == "*": return True
    for part in f.split(","):
        m = re.fullmatch(r"(\*|(\d+)(?:-(\d+))?)(?:/(\d+))?", part)
        if not m: return False
        for n in (m.group(2), m.group(3)):
            if n is not None and not lo <= int(n) <= hi: return False
    return True
lines = [l for l in open(sys.argv[1], encoding="utf-8") if l.strip() and not l.startswith("#")]
assert lines, "no cron line"
for l in lines:
    f = l.split(None, 6)
    assert len(f) == 7, "5 time fields, a user, a command: " + l
    for v, (lo, hi) in zip(f[:5], bounds):
        assert field_ok(v, lo, hi), "bad time field %r in %s" % (v, l)
    assert re.fullmatch(r"[a-z_][a-z0-9_-]*", f[5]), "user field: " + l
    assert re.match(r"flock (-n|-w \d+)( -E 75)? /\S+ /\S+/csmreport run /\S+\.xml", f[6]), "flock ... csmreport run: " + l
print("ok", len(lines))
EOF
check_contains "deploy: cron lines" "$(cat "$WORK/cron.out")" "ok 2"

# GNU parallel over ssh, with a stand-in for ssh that runs each "host" here
# in its own home folder and sets HOME and SHELL as sshd does (rsync carries
# the files, as over ssh).
if command -v rsync >/dev/null 2>&1; then
    H="$WORK/hosts"
    mkdir -p "$H"
    cat >"$H/fakessh" <<EOF
#!/bin/sh
while [ \$# -gt 0 ]; do
    case \$1 in -o|-p|-l|-S|-i|-F) shift 2 ;; -*) shift ;; *) break ;; esac
done
host=\$1; shift; [ "\${1:-}" = "--" ] && shift
mkdir -p "$H/\$host" && cd "$H/\$host" && HOME="$H/\$host" SHELL=\${LOGIN_SHELL-/bin/sh} exec sh -c "\$*"
EOF
    chmod +x "$H/fakessh"
    printf '%s hostA\n%s hostB\n' "$H/fakessh" "$H/fakessh" >"$H/list"
    (cd "$WORK" && DB="$DB" OUT="$WORK/pssh" TEMPLATE="$TPL" CSMREPORT="$CSMREPORT" \
        sh "$D/parallel-ssh.sh" "$H/list" 3 2026-Q3) >"$WORK/pssh.out" 2>&1
    check_eq "deploy: parallel-ssh.sh exit" "$?" "0"
    # The creation date is not sent to the hosts: compare the file lists.
    check_eq "deploy: parallel-ssh.sh brings back the single run's files" \
        "$(cd "$WORK/pssh" && find . -type f | LC_ALL=C sort)" "$(cut -d' ' -f3 "$WORK/one.sum")"
    check_eq "deploy: parallel-ssh.sh leaves nothing on the hosts" \
        "$(find "$H/hostA" "$H/hostB" -mindepth 1 | head -3)" ""
    # A host whose jobs cannot start (parallel's worker finds no SHELL there and
    # parallel itself says 0): the shards that did not come back are counted.
    (cd "$WORK" && LOGIN_SHELL= DB="$DB" OUT="$WORK/pssh-bad" TEMPLATE="$TPL" CSMREPORT="$CSMREPORT" \
        sh "$D/parallel-ssh.sh" "$H/list" 3 2026-Q3) >"$WORK/pssh-bad.out" 2>&1
    check_eq "deploy: parallel-ssh.sh counts the shards that did not come back" "$?" "3"
    check_contains "deploy: parallel-ssh.sh names a shard that did not come back" \
        "$(cat "$WORK/pssh-bad.out")" "shard 2/3 did not come back"
else
    echo "SKIP deploy: rsync is not installed: parallel-ssh.sh is not run"
fi
exit 0
