#!/usr/bin/env bash
# Back up one Odoo database and its filestore: `pg_dump -Fc` + a filestore tarball + a manifest.
#
# The dump and the row fingerprint come from the same REPEATABLE READ snapshot, so the
# manifest's fingerprint is exactly what a restore of this dump must reproduce
# (restore_drill.sh checks it). Sets older than BACKUP_KEEP_DAYS are deleted; the newest
# set is always kept. Connection: the usual libpq variables (PGHOST, PGPORT, PGUSER,
# PGDATABASE, PGPASSFILE/PGPASSWORD).
#
#   BACKUP_DIR          where sets are written (mount the off-host target here)   required
#   PGDATABASE          the database to back up                                      required
#   FILESTORE_DIR       <data_dir>/filestore/<db>; empty: no filestore tarball       optional
#   BACKUP_KEEP_DAYS    retention in days                                            14
#   FINGERPRINT_TABLES  tables fingerprinted as count:md5(rows ordered by id)        account_move
#
# Output: one `key=value` line per fact; exit 0 on success, 1 on failure, 2 on bad usage.
set -euo pipefail
umask 077

die() { echo "backup: error: $*" >&2; exit "${2:-1}"; }

: "${BACKUP_DIR:?BACKUP_DIR is required}"
: "${PGDATABASE:?PGDATABASE is required}"
keep_days="${BACKUP_KEEP_DAYS:-14}"
tables="${FINGERPRINT_TABLES:-account_move}"
filestore="${FILESTORE_DIR:-}"

[[ "$keep_days" =~ ^[0-9]+$ ]] || die "BACKUP_KEEP_DAYS must be a whole number of days" 2
[[ "$PGDATABASE" =~ ^[A-Za-z0-9][A-Za-z0-9_.-]*$ ]] || die "unsafe database name" 2
for t in $tables; do
  [[ "$t" =~ ^[a-z_][a-z0-9_]*$ ]] || die "unsafe table name: $t" 2
done
[[ -z "$filestore" || -d "$filestore" ]] || die "FILESTORE_DIR is not a directory: $filestore" 2
mkdir -p "$BACKUP_DIR"

started=$(date -u +%s)
stamp=$(date -u -d "@$started" +%Y%m%dT%H%M%SZ)
base="${PGDATABASE}_${stamp}"
tmp=$(mktemp -d "$BACKUP_DIR/.incoming.XXXXXX")
psql_pid=""
cleanup() {
  if [[ -n "$psql_pid" ]]; then
    kill "$psql_pid" 2>/dev/null || true
  fi
  rm -rf "$tmp"
}
trap cleanup EXIT

# A reader session holds the snapshot that pg_dump and the fingerprint share.
coproc SNAP { psql -X -q -A -t -v ON_ERROR_STOP=1 2>&1; }
psql_pid=$SNAP_PID
ask() {  # send one statement, read one line back
  printf '%s\n' "$1" >&"${SNAP[1]}"
  local line
  IFS= read -r -t 60 line <&"${SNAP[0]}" || die "no answer from psql to: $1"
  printf '%s' "$line"
}
snapshot=$(ask "BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY; SELECT pg_export_snapshot();")
[[ "$snapshot" =~ ^[0-9A-F-]+$ ]] || die "could not export a snapshot: $snapshot"

fingerprints=()
for t in $tables; do
  exists=$(ask "SELECT to_regclass('public.$t') IS NOT NULL;")
  [[ "$exists" == "t" || "$exists" == "f" ]] || die "cannot look up table $t: $exists"
  if [[ "$exists" == "t" ]]; then
    fp=$(ask "SELECT count(*) || ':' || coalesce(md5(string_agg(r::text, E'\\n' ORDER BY r.id)), '') FROM public.$t r;")
    [[ "$fp" =~ ^[0-9]+:[0-9a-f]*$ ]] || die "fingerprint of $t failed: $fp"
  else
    fp="absent"
  fi
  fingerprints+=("fingerprint.$t=$fp")
done

pg_dump -Fc --snapshot="$snapshot" --file="$tmp/$base.dump" "$PGDATABASE" \
  || die "pg_dump failed"
ask "COMMIT; SELECT 'done';" >/dev/null
printf '\\q\n' >&"${SNAP[1]}"
wait "$psql_pid" 2>/dev/null || true
psql_pid=""

tree_hash() {  # a hash of every file's path and content below $1
  (cd "$1" && find . -type f -print0 | LC_ALL=C sort -z | xargs -0r sha256sum) \
    | sha256sum | cut -d' ' -f1
}

{
  echo "format=platinum-backup-1"
  echo "database=$PGDATABASE"
  echo "created=$started"
  echo "dump=$base.dump"
  echo "dump_sha256=$(sha256sum "$tmp/$base.dump" | cut -d' ' -f1)"
  printf '%s\n' "${fingerprints[@]}"
} >"$tmp/$base.manifest"
if [[ -n "$filestore" ]]; then
  tar -C "$filestore" -czf "$tmp/$base.filestore.tar.gz" .
  {
    echo "filestore=$base.filestore.tar.gz"
    echo "filestore_sha256=$(sha256sum "$tmp/$base.filestore.tar.gz" | cut -d' ' -f1)"
    echo "filestore_tree=$(tree_hash "$filestore")"
  } >>"$tmp/$base.manifest"
fi

# Publish: data files first, the manifest last (a set without a manifest is incomplete).
for f in "$tmp"/*; do
  [[ "$f" == *.manifest ]] || mv "$f" "$BACKUP_DIR/"
done
mv "$tmp/$base.manifest" "$BACKUP_DIR/"

# Retention by the timestamp in the name (mtimes do not survive every off-host copy).
cutoff=$(date -u -d "@$((started - keep_days * 86400))" +%Y%m%dT%H%M%SZ)
removed=0
shopt -s nullglob
for manifest in "$BACKUP_DIR/${PGDATABASE}"_*.manifest; do
  name=$(basename "$manifest" .manifest)
  when=${name#"${PGDATABASE}_"}
  [[ "$when" =~ ^[0-9]{8}T[0-9]{6}Z$ ]] || continue
  if [[ "$when" < "$cutoff" && "$name" != "$base" ]]; then
    rm -f "$BACKUP_DIR/$name".*
    removed=$((removed + 1))
  fi
done

echo "backup=$BACKUP_DIR/$base.manifest"
echo "dump_bytes=$(stat -c %s "$BACKUP_DIR/$base.dump")"
printf '%s\n' "${fingerprints[@]}"
echo "removed_sets=$removed"
echo "seconds=$(($(date -u +%s) - started))"
