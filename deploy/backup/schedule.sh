#!/usr/bin/env bash
# The backup service's loop: back up, then run the restore drill, every interval.
#
#   schedule.sh          run forever (SIGTERM stops it between or during runs)
#   schedule.sh check    healthcheck: exit 0 when the last good run is recent enough
#
#   BACKUP_INTERVAL_SECONDS  time between runs                                  86400
#   BACKUP_DRILL             1: restore-drill every new set into a scratch db    1
#   BACKUP_STATUS_DIR        where the last-success stamp lives                  $BACKUP_DIR
#   POSTGRES_PASSWORD_FILE   password of PGUSER (read into PGPASSWORD here)      optional
# plus everything backup.sh and restore_drill.sh read (BACKUP_DIR, PG*, FILESTORE_DIR, ...).
set -uo pipefail

here=$(cd "$(dirname "$0")" && pwd)
interval="${BACKUP_INTERVAL_SECONDS:-86400}"
[[ "$interval" =~ ^[0-9]+$ && "$interval" -gt 0 ]] || {
  echo "schedule: BACKUP_INTERVAL_SECONDS must be a positive number" >&2; exit 2; }
: "${BACKUP_DIR:?BACKUP_DIR is required}"
status="${BACKUP_STATUS_DIR:-$BACKUP_DIR}/.last_success"

if [[ "${1:-}" == "check" ]]; then
  # Healthy while the last good run is younger than two intervals plus an hour of slack.
  [[ -f "$status" ]] || { echo "no successful backup yet"; exit 1; }
  age=$(($(date -u +%s) - $(stat -c %Y "$status")))
  echo "last successful backup and drill: ${age}s ago"
  [[ "$age" -le $((2 * interval + 3600)) ]]
  exit
fi

if [[ -n "${POSTGRES_PASSWORD_FILE:-}" ]]; then
  PGPASSWORD=$(<"$POSTGRES_PASSWORD_FILE")
  export PGPASSWORD
fi

trap 'echo "schedule: stopping"; exit 0' TERM INT
while true; do
  echo "schedule: backup starting at $(date -u +%FT%TZ)"
  if out=$("$here/backup.sh"); then
    echo "$out"
    manifest=$(sed -n 's/^backup=//p' <<<"$out")
    if [[ "${BACKUP_DRILL:-1}" != "1" ]] || "$here/restore_drill.sh" "$manifest"; then
      touch "$status"
      echo "schedule: backup and drill ok; next run in ${interval}s"
    else
      echo "schedule: restore drill FAILED for $manifest" >&2
    fi
  else
    echo "schedule: backup FAILED" >&2
  fi
  sleep "$interval" &
  wait $!
done
