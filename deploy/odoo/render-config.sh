#!/usr/bin/env bash
# Entry point wrapper for the `odoo` image: render the effective odoo.conf on a tmpfs from
# the read-only base config plus the two secrets, then hand over to the image's entrypoint.
#
#   ODOO_BASE_CONF          the hardened base config (read-only)      /etc/odoo/odoo.conf
#   ODOO_ADMIN_PASSWD_FILE  master password for the database manager  /run/secrets/odoo_admin_passwd
#   ODOO_DB_PASSWORD_FILE   the Odoo role's database password         /run/secrets/odoo_db_password
#   ODOO_RENDERED_CONF      where the effective config goes (tmpfs)   /run/odoo/odoo.conf
#   ODOO_ENTRYPOINT         what runs next, with this script's args    /entrypoint.sh
#
# Refuses (exit 2) a base config that already carries a secret, and secrets that are short
# or the insecure default 'admin'. The rendered file is 0600 and never leaves the tmpfs.
set -euo pipefail
umask 077

base="${ODOO_BASE_CONF:-/etc/odoo/odoo.conf}"
admin_file="${ODOO_ADMIN_PASSWD_FILE:-/run/secrets/odoo_admin_passwd}"
db_file="${ODOO_DB_PASSWORD_FILE:-/run/secrets/odoo_db_password}"
out="${ODOO_RENDERED_CONF:-/run/odoo/odoo.conf}"

refuse() { echo "render-config: $*" >&2; exit 2; }

[[ -r "$base" ]] || refuse "cannot read $base"
if grep -Eq '^[[:space:]]*(admin_passwd|db_password)[[:space:]]*=' "$base"; then
  refuse "$base must not hold admin_passwd or db_password (they come from secrets)"
fi
secret() {  # secret FILE NAME: one line, >= 16 characters, not 'admin'
  local value
  [[ -r "$1" ]] || refuse "cannot read the $2 secret ($1)"
  value=$(<"$1")
  [[ "$value" != *$'\n'* ]] || refuse "the $2 secret must be one line"
  [[ ${#value} -ge 16 && "$value" != "admin" ]] || refuse "the $2 secret is too weak"
  printf '%s' "$value"
}
admin=$(secret "$admin_file" admin_passwd)
dbpw=$(secret "$db_file" db_password)

mkdir -p "$(dirname "$out")"
tmp=$(mktemp "$out.XXXXXX")
{
  cat "$base"
  printf '\n; rendered at start from secrets\nadmin_passwd = %s\ndb_password = %s\n' \
    "$admin" "$dbpw"
} >"$tmp"
mv "$tmp" "$out"

export ODOO_RC="$out"
exec "${ODOO_ENTRYPOINT:-/entrypoint.sh}" "$@"
