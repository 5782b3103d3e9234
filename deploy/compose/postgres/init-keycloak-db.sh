#!/bin/bash
# Runs once, when the postgres container initialises an empty data directory: Keycloak keeps its
# data in its own database beside the platform's (the services each own a schema in "edp").
set -euo pipefail
psql -v ON_ERROR_STOP=1 --username "$POSTGRES_USER" --dbname "$POSTGRES_DB" <<'SQL'
CREATE DATABASE keycloak OWNER edp;
SQL
