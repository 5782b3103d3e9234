#!/usr/bin/env bash
# pgbackup: a custom-format pg_dump of the EDP database to S3-compatible object storage, one folder
# per environment, and dumps older than the retention pruned. What the Helm chart's CronJob runs
# (0 */3 * * *); works the same from any host with pg_dump of the server's major version and curl.
#
#   PGHOST PGPORT PGDATABASE PGUSER PGPASSWORD [PGSSLMODE]   the database (libpq's own variables)
#   S3_ENDPOINT S3_BUCKET S3_REGION AWS_ACCESS_KEY_ID AWS_SECRET_ACCESS_KEY
#   S3_PREFIX (the environment: testing, staging, production)  BACKUP_RETENTION_DAYS (7)
#
# Key: <S3_PREFIX>/edp-<UTC yyyymmddThhmmssZ>.dump. Exit code non-zero on any failure: the Job
# fails and Kubernetes keeps it for inspection; a failed run deletes nothing.
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
# shellcheck source=s3.sh
. "${S3_LIB:-$( [[ -f "$here/s3.sh" ]] && echo "$here/s3.sh" || echo /usr/local/lib/edp/s3.sh )}"
: "${PGDATABASE:?PGDATABASE is not set}" "${S3_PREFIX:?S3_PREFIX is not set (the environment)}"
retention_days="${BACKUP_RETENTION_DAYS:-7}"
[[ "$retention_days" =~ ^[1-9][0-9]*$ ]] || { echo "BACKUP_RETENTION_DAYS must be a positive number of days" >&2; exit 2; }
log() { echo "$(date -u +%Y-%m-%dT%H:%M:%SZ) pgbackup: $*"; }

now="${PGBACKUP_NOW:-$(date -u +%s)}"
stamp="$(date -u -d "@$now" +%Y%m%dT%H%M%SZ)"
key="${S3_PREFIX}/edp-${stamp}.dump"
work="$(mktemp -d "${TMPDIR:-/tmp}/pgbackup.XXXXXX")"
trap 'rm -rf "$work"' EXIT

log "dumping database $PGDATABASE on ${PGHOST:-local}:${PGPORT:-5432}"
pg_dump --format=custom --compress=6 --no-password --file="$work/edp.dump" "$PGDATABASE"
# A dump pg_restore cannot read is not a backup.
pg_restore --list "$work/edp.dump" >/dev/null
size="$(stat -c %s "$work/edp.dump")"
log "uploading $key ($size bytes)"
s3_put "$work/edp.dump" "$key"

# Retention: by the time in the key, only keys this script writes; the new dump is never pruned.
cutoff="$(date -u -d "@$(( now - retention_days * 86400 ))" +%Y%m%dT%H%M%SZ)"
pruned=0
while IFS= read -r old; do
  name="${old#"${S3_PREFIX}"/}"
  if [[ "$name" =~ ^edp-([0-9]{8}T[0-9]{6}Z)\.dump$ && "${BASH_REMATCH[1]}" < "$cutoff" ]]; then
    s3_delete "$old"
    pruned=$(( pruned + 1 ))
    log "pruned $old (older than $retention_days days)"
  fi
done < <(s3_list "${S3_PREFIX}/")
log "done: $key, $pruned old dumps pruned"
