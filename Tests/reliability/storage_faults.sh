#!/usr/bin/env bash
# Storage faults: a full disk and a read-only database must give a clear non-zero exit, never a
# completed run with missing metrics, and resuming after the fault is fixed must finish the sweep.
# Needs root (it mounts a small tmpfs). Usage: Tests/reliability/storage_faults.sh [EXPERIMENTS_BINARY]
set -euo pipefail
cd "$(dirname "$0")/../.."
exe="${1:-.build/release/Experiments}"
mnt="$(mktemp -d /tmp/symsim-faults.XXXXXX)"
cleanup() { umount "$mnt" 2>/dev/null || true; rmdir "$mnt" 2>/dev/null || true; }
trap cleanup EXIT
mount -t tmpfs -o size=1m tmpfs "$mnt"

cat > "$mnt/sweep.json" <<JSON
{"name": "faults", "database": "results.sqlite", "seeds": [0, 1, 2, 3, 4, 5],
 "datasets": [{"synthetic": "clusters", "items": 300, "dim": 64, "train_pairs": 300, "val_pairs": 80, "test_pairs": 80}],
 "training": {"epochs": 1, "batch_size": 64},
 "models": [{"architecture": "outer", "width": 16, "hidden": [8]}]}
JSON
db="$mnt/results.sqlite"
check_consistent() {
    [ "$(sqlite3 "$db" 'PRAGMA integrity_check')" = ok ] || { echo "FAIL: integrity_check"; exit 1; }
    local missing
    missing=$(sqlite3 "$db" "SELECT count(*) FROM runs WHERE state = 'completed' AND id NOT IN (SELECT run_id FROM metrics)")
    [ "$missing" = 0 ] || { echo "FAIL: $missing completed run(s) without metrics"; exit 1; }
}

# 1. Disk full: each stored model is about 260 KB, so the 1 MB filesystem fills after a few runs.
set +e
"$exe" "$mnt/sweep.json" --quiet > /dev/null 2> "$mnt/err.txt"
status=$?
set -e
err=$(grep '^error:' "$mnt/err.txt" || true)
echo "disk full: exit $status: $err"
[ "$status" -ne 0 ] || { echo "FAIL: a full disk did not fail the sweep"; exit 1; }
grep -q "disk is full" <<< "$err" || { echo "FAIL: the error does not say the disk is full"; exit 1; }
[ "$(grep -c '^error:' "$mnt/err.txt")" = 1 ] || { echo "FAIL: expected one error line"; exit 1; }
mount -o remount,size=64m "$mnt"
check_consistent
before=$(sqlite3 "$db" "SELECT count(*) FROM runs WHERE state = 'completed'")
echo "completed before the fix: $before of 6"
"$exe" "$mnt/sweep.json" --quiet > /dev/null
[ "$(sqlite3 "$db" "SELECT count(*) FROM runs WHERE state = 'completed'")" = 6 ] || { echo "FAIL: resume did not finish"; exit 1; }
check_consistent

# 2. Read-only database: add a seed so there is work, make the filesystem read-only.
sed -i 's/"seeds": \[0, 1, 2, 3, 4, 5\]/"seeds": [0, 1, 2, 3, 4, 5, 6]/' "$mnt/sweep.json"
mount -o remount,ro "$mnt"
set +e
"$exe" "$mnt/sweep.json" --quiet > /dev/null 2> "$mnt.err"
status=$?
set -e
err=$(grep '^error:' "$mnt.err" || true); rm -f "$mnt.err"
echo "read-only: exit $status: $err"
[ "$status" -ne 0 ] || { echo "FAIL: a read-only database did not fail"; exit 1; }
grep -qiE "read-only|readonly|unable to open" <<< "$err" || { echo "FAIL: the error does not name the cause"; exit 1; }
mount -o remount,rw "$mnt"
check_consistent
"$exe" "$mnt/sweep.json" --quiet > /dev/null
[ "$(sqlite3 "$db" "SELECT count(*) FROM runs WHERE state = 'completed'")" = 7 ] || { echo "FAIL: resume after read-only did not finish"; exit 1; }
check_consistent
echo "storage faults: ok"
