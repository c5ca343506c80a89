#!/usr/bin/env bash
# Restore drill: prove a backup set restores, not merely that it lists.
#
#   restore_drill.sh [MANIFEST]     default: the newest *.manifest in BACKUP_DIR
#
# Restores the dump into a scratch database (`pg_restore --exit-on-error
# --single-transaction`), recomputes every row fingerprint the manifest recorded
# (count:md5 of the rows ordered by id), extracts the filestore tarball into a scratch
# folder and compares its tree hash, checks both files' sha256, then drops the scratch
# database. A truncated or corrupted dump fails the restore itself. Nothing connects to the
# scratch copy, so it never sends mail or reaches a bank. Connection: the usual libpq
# variables; the role needs CREATEDB. DRILL_DB names the scratch database.
#
# Output: one `check: ok|FAIL` line per check, the RPO/RTO figures, then `drill=pass|fail`.
# Exit 0 when every check passed, 1 when any failed, 2 on bad usage.
set -uo pipefail
umask 077

usage() { echo "restore_drill: error: $*" >&2; exit 2; }

manifest="${1:-}"
if [[ -z "$manifest" ]]; then
  : "${BACKUP_DIR:?BACKUP_DIR or a manifest argument is required}"
  manifest=$(find "$BACKUP_DIR" -maxdepth 1 -name '*.manifest' -printf '%f\n' 2>/dev/null \
    | LC_ALL=C sort | tail -n 1)
  [[ -n "$manifest" ]] || usage "no backup set in $BACKUP_DIR"
  manifest="$BACKUP_DIR/$manifest"
fi
[[ -f "$manifest" ]] || usage "no such manifest: $manifest"
dir=$(dirname "$manifest")

field() {  # the value of one key in the manifest (never sourced: it is data)
  grep -m1 "^$1=" "$manifest" | cut -d= -f2-
}
[[ "$(field format)" == "platinum-backup-1" ]] || usage "not a platinum backup manifest"
dump="$dir/$(field dump)"
[[ "$(field dump)" =~ ^[A-Za-z0-9_.-]+$ ]] || usage "unsafe dump name in manifest"
scratch="${DRILL_DB:-drill_$$_$(date -u +%s)}"
[[ "$scratch" =~ ^[A-Za-z0-9_]+$ ]] || usage "unsafe DRILL_DB"
for live in "${PGDATABASE:-}" "$(field database)"; do
  [[ "$scratch" != "$live" ]] || usage "DRILL_DB must not name the live database"
done

failed=0
check() {  # check NAME EXPECTED ACTUAL
  if [[ -n "$2" && "$2" == "$3" ]]; then
    echo "$1: ok"
  else
    echo "$1: FAIL (expected ${2:-?}, got ${3:-nothing})"
    failed=1
  fi
}

work=$(mktemp -d)
made_scratch=0
# shellcheck disable=SC2317  # invoked by the EXIT trap
cleanup() {  # drops only a database this run created
  if [[ "$made_scratch" == 1 ]]; then
    dropdb "$scratch" >/dev/null 2>&1 || true
  fi
  rm -rf "$work"
}
trap cleanup EXIT

check dump_sha256 "$(field dump_sha256)" "$(sha256sum "$dump" 2>/dev/null | cut -d' ' -f1)"

t0=$(date +%s%N)
if ! createdb "$scratch" 2>"$work/restore.err"; then
  echo "restore: FAIL (cannot create the scratch database: $(tail -n 1 "$work/restore.err"))"
  failed=1
  restored=0
elif made_scratch=1 && pg_restore --exit-on-error --single-transaction --no-owner --no-acl \
    --dbname="$scratch" "$dump" 2>"$work/restore.err"; then
  echo "restore: ok"
  restored=1
else
  echo "restore: FAIL ($(tail -n 1 "$work/restore.err"))"
  failed=1
  restored=0
fi
t1=$(date +%s%N)
echo "rto_seconds=$(awk -v n=$((t1 - t0)) 'BEGIN { printf "%.3f", n / 1e9 }')"
created=$(field created)
[[ "$created" =~ ^[0-9]+$ ]] && echo "rpo_seconds=$(($(date -u +%s) - created))"

while IFS= read -r line; do
  key=${line%%=*}
  table=${key#fingerprint.}
  expected=${line#*=}
  [[ "$table" =~ ^[a-z_][a-z0-9_]*$ ]] || { check "fingerprint.$table" "valid" "unsafe"; continue; }
  actual=""
  if [[ "$restored" == 1 ]]; then
    if [[ "$expected" == "absent" ]]; then
      actual=$(psql -X -A -t -d "$scratch" -c "SELECT CASE WHEN to_regclass('public.$table') \
        IS NULL THEN 'absent' ELSE 'present' END;" 2>/dev/null)
    else
      actual=$(psql -X -A -t -d "$scratch" -c "SELECT count(*) || ':' || \
        coalesce(md5(string_agg(r::text, E'\\n' ORDER BY r.id)), '') FROM public.$table r;" \
        2>/dev/null)
    fi
  fi
  check "fingerprint.$table" "$expected" "$actual"
done < <(grep '^fingerprint\.' "$manifest")

if [[ -n "$(field filestore)" ]]; then
  [[ "$(field filestore)" =~ ^[A-Za-z0-9_.-]+$ ]] || usage "unsafe filestore name in manifest"
  tarball="$dir/$(field filestore)"
  check filestore_sha256 "$(field filestore_sha256)" \
    "$(sha256sum "$tarball" 2>/dev/null | cut -d' ' -f1)"
  mkdir "$work/filestore"
  tree=""
  if tar -C "$work/filestore" -xzf "$tarball" 2>/dev/null; then
    tree=$( (cd "$work/filestore" && find . -type f -print0 | LC_ALL=C sort -z \
      | xargs -0r sha256sum) | sha256sum | cut -d' ' -f1)
  fi
  check filestore_tree "$(field filestore_tree)" "$tree"
fi

if [[ "$failed" == 0 ]]; then
  echo "drill=pass"
  exit 0
fi
echo "drill=fail"
exit 1
