#!/usr/bin/env bash
# Creates the role api and worker connect as: CREATEDB for the master database (which the
# services create on first start, so this role owns it) and the tenant databases, CREATEROLE for
# the tenant roles, and none of a superuser's other powers.
#
# docker-compose.yml mounts this directory at /docker-entrypoint-initdb.d, which the postgres
# image runs once, as the superuser, when it initialises an empty data directory. On a volume
# initialised before, or after changing TENANCY_DB_PASSWORD, run it by hand; it is safe to rerun:
#   docker compose exec postgres /docker-entrypoint-initdb.d/10-tenancy-role.sh
# The image executes this file when it is executable and sources it otherwise, so it sets no
# shell option the image's entrypoint does not set itself (set -Eeo pipefail).
set -e

: "${TENANCY_DB_USER:?name of the role to create, e.g. tenancy}"
: "${TENANCY_DB_PASSWORD:?password of that role; make one with: openssl rand -hex 24}"

if [ "$TENANCY_DB_USER" = "${POSTGRES_USER:-postgres}" ]; then
  echo "TENANCY_DB_USER must not be the superuser ${POSTGRES_USER:-postgres}" >&2
  exit 1
fi
# The services put the password into DATABASE_URL as it is, where only URL-unreserved
# characters keep their meaning.
case "$TENANCY_DB_PASSWORD" in
  *[!A-Za-z0-9._~-]*)
    echo "TENANCY_DB_PASSWORD may hold only A-Z a-z 0-9 . _ ~ - (it goes into a URL); make one with: openssl rand -hex 24" >&2
    exit 1
    ;;
esac
if [ "${#TENANCY_DB_PASSWORD}" -lt 16 ]; then
  echo "TENANCY_DB_PASSWORD must be at least 16 characters; make one with: openssl rand -hex 24" >&2
  exit 1
fi

# \getenv (psql 15) keeps the password off psql's command line; :"role" and :'password' quote
# the values as identifier and literal, so neither is ever spliced into the SQL text.
psql --no-psqlrc -v ON_ERROR_STOP=1 --username "${POSTGRES_USER:-postgres}" --dbname "${POSTGRES_DB:-${POSTGRES_USER:-postgres}}" <<'SQL'
\getenv role TENANCY_DB_USER
\getenv password TENANCY_DB_PASSWORD
SELECT NOT EXISTS (SELECT FROM pg_roles WHERE rolname = :'role') AS missing \gset
\if :missing
CREATE ROLE :"role";
\endif
-- Every attribute spelled out, so a rerun also takes back anything granted by hand since.
ALTER ROLE :"role" LOGIN PASSWORD :'password'
  CREATEDB CREATEROLE NOSUPERUSER NOREPLICATION NOBYPASSRLS INHERIT;
SQL
