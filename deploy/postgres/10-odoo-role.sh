#!/usr/bin/env bash
# First-start initialisation (postgres image: /docker-entrypoint-initdb.d/): the role Odoo
# logs in with is NOT a superuser, cannot create roles or databases, and does not own the
# database; it gets CONNECT/TEMP on it and USAGE/CREATE on its public schema only.
#
#   ODOO_DB             the database Odoo serves (matches odoo.conf db_name/dbfilter)  platinum
#   ODOO_DB_USER        the role Odoo logs in as                                       odoo
#   ODOO_DB_PASSWORD_FILE  a file holding that role's password                         required
#
# Runs as the cluster's superuser through the usual libpq variables (the image's entrypoint
# sets them); safe to rerun: existing role and database are altered, not recreated.
set -euo pipefail

db="${ODOO_DB:-platinum}"
role="${ODOO_DB_USER:-odoo}"
: "${ODOO_DB_PASSWORD_FILE:?ODOO_DB_PASSWORD_FILE is required}"
[[ "$db" =~ ^[A-Za-z0-9][A-Za-z0-9_]*$ ]] || { echo "unsafe ODOO_DB" >&2; exit 2; }
[[ "$role" =~ ^[a-z_][a-z0-9_]*$ ]] || { echo "unsafe ODOO_DB_USER" >&2; exit 2; }
password=$(<"$ODOO_DB_PASSWORD_FILE")
[[ ${#password} -ge 16 ]] || { echo "the Odoo database password must be >= 16 characters" >&2; exit 2; }

admin=(psql -X -q -v ON_ERROR_STOP=1 --username "${POSTGRES_USER:-${PGUSER:-postgres}}")

# The password travels as a psql variable (:'pw' quotes it), never in a command line.
"${admin[@]}" --dbname postgres -v role="$role" -v db="$db" -v pw="$password" <<'SQL'
SELECT format('CREATE ROLE %I', :'role')
 WHERE NOT EXISTS (SELECT FROM pg_roles WHERE rolname = :'role') \gexec
ALTER ROLE :"role" WITH LOGIN NOSUPERUSER NOCREATEDB NOCREATEROLE NOREPLICATION
  NOBYPASSRLS PASSWORD :'pw';
SELECT format('CREATE DATABASE %I ENCODING %L TEMPLATE template0', :'db', 'UTF8')
 WHERE NOT EXISTS (SELECT FROM pg_database WHERE datname = :'db') \gexec
REVOKE ALL ON DATABASE :"db" FROM PUBLIC;
GRANT CONNECT, TEMPORARY ON DATABASE :"db" TO :"role";
SQL

"${admin[@]}" --dbname "$db" -v role="$role" <<'SQL'
CREATE EXTENSION IF NOT EXISTS unaccent;
CREATE EXTENSION IF NOT EXISTS pg_trgm;
REVOKE CREATE ON SCHEMA public FROM PUBLIC;
GRANT USAGE, CREATE ON SCHEMA public TO :"role";
SQL
echo "odoo role '$role' ready on database '$db' (not superuser, not owner)"
