#!/usr/bin/env bash
# pgrestore: restores one pgbackup dump into the EDP database (which must exist; it may be empty or
# hold an older state: every object of the dump is dropped first). Stop the EDP services before
# (kubectl scale --replicas=0 / docker compose stop): they would write while the restore runs.
#
#   pgrestore [latest | <key>]      default latest: the newest dump under S3_PREFIX
#
# Same settings as pgbackup. One transaction: a failed restore leaves the database as it was.
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
# shellcheck source=s3.sh
. "${S3_LIB:-$( [[ -f "$here/s3.sh" ]] && echo "$here/s3.sh" || echo /usr/local/lib/edp/s3.sh )}"
: "${PGDATABASE:?PGDATABASE is not set}" "${S3_PREFIX:?S3_PREFIX is not set (the environment)}"
log() { echo "$(date -u +%Y-%m-%dT%H:%M:%SZ) pgrestore: $*"; }

key="${1:-latest}"
if [[ "$key" == latest ]]; then
  key="$(s3_list "${S3_PREFIX}/" | grep -E "^${S3_PREFIX}/edp-[0-9]{8}T[0-9]{6}Z\.dump$" | sort | tail -1 || true)"
  [[ -n "$key" ]] || { echo "no dump under ${S3_PREFIX}/ in bucket ${S3_BUCKET}" >&2; exit 1; }
fi
work="$(mktemp -d "${TMPDIR:-/tmp}/pgrestore.XXXXXX")"
trap 'rm -rf "$work"' EXIT
log "downloading $key"
s3_get "$key" "$work/edp.dump"
pg_restore --list "$work/edp.dump" >/dev/null
log "restoring into database $PGDATABASE on ${PGHOST:-local}:${PGPORT:-5432}"
pg_restore --clean --if-exists --no-owner --no-privileges --exit-on-error --single-transaction --no-password \
  --dbname="$PGDATABASE" "$work/edp.dump"
log "done: $key restored"
