#!/usr/bin/env bash
# The S3 subset pgbackup/pgrestore need (PUT, GET, DELETE object; ListObjectsV2), with curl's AWS
# Signature V4 (curl >= 7.75) - no AWS CLI in the image. Path-style URLs, so any S3-compatible
# store works (AWS S3, MinIO, Ceph RGW, ...).
#
# Settings: S3_ENDPOINT (https://s3.eu-central-1.amazonaws.com), S3_BUCKET, S3_REGION,
# AWS_ACCESS_KEY_ID, AWS_SECRET_ACCESS_KEY.
#
# curl before 8.x signs the query string as given and does not hash an uploaded file itself, so
# every query below is written sorted and percent-encoded already, and every request names its
# payload hash (x-amz-content-sha256), which is also what S3 requires.

: "${S3_ENDPOINT:?S3_ENDPOINT is not set}" "${S3_BUCKET:?S3_BUCKET is not set}" "${S3_REGION:=us-east-1}"
: "${AWS_ACCESS_KEY_ID:?AWS_ACCESS_KEY_ID is not set}" "${AWS_SECRET_ACCESS_KEY:?AWS_SECRET_ACCESS_KEY is not set}"

readonly S3_EMPTY_SHA256=e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855

s3_base() {
  printf '%s/%s' "${S3_ENDPOINT%/}" "$S3_BUCKET"
}

# Percent-encodes one query value (RFC 3986 unreserved characters stay).
s3_encode() {
  local value="$1" out="" c i
  for (( i = 0; i < ${#value}; i++ )); do
    c="${value:i:1}"
    case "$c" in
      [A-Za-z0-9._~-]) out+="$c" ;;
      *) out+="$(printf '%%%02X' "'$c")" ;;
    esac
  done
  printf '%s' "$out"
}

# The URL path of a key: each segment percent-encoded, the slashes kept.
s3_path() {
  local key="$1" out="" segment
  local IFS=/
  for segment in $key; do
    out+="/$(s3_encode "$segment")"
  done
  printf '%s%s' "$(s3_base)" "$out"
}

s3_curl() {
  local payload_hash="$1"
  shift
  curl --silent --show-error --fail --retry 3 --retry-delay 2 --connect-timeout 10 \
    --aws-sigv4 "aws:amz:${S3_REGION}:s3" --user "${AWS_ACCESS_KEY_ID}:${AWS_SECRET_ACCESS_KEY}" \
    -H "x-amz-content-sha256: ${payload_hash}" "$@"
}

# s3_put FILE KEY
s3_put() {
  local hash
  hash="$(sha256sum "$1" | cut -d' ' -f1)"
  s3_curl "$hash" -X PUT -H "Content-Type: application/octet-stream" --upload-file "$1" "$(s3_path "$2")" >/dev/null
}

# s3_get KEY FILE
s3_get() {
  s3_curl "$S3_EMPTY_SHA256" -o "$2" "$(s3_path "$1")"
}

# s3_delete KEY
s3_delete() {
  s3_curl "$S3_EMPTY_SHA256" -X DELETE "$(s3_path "$1")" >/dev/null
}

# s3_list PREFIX - prints the keys under PREFIX, one a line (all pages).
s3_list() {
  local prefix="$1" token="" query page
  while true; do
    query="list-type=2&prefix=$(s3_encode "$prefix")"
    if [[ -n "$token" ]]; then
      query="continuation-token=$(s3_encode "$token")&${query}"
    fi
    page="$(s3_curl "$S3_EMPTY_SHA256" "$(s3_base)?${query}")"
    printf '%s' "$page" | grep -o '<Key>[^<]*</Key>' | sed -e 's/<Key>//' -e 's/<\/Key>//' || true
    if ! printf '%s' "$page" | grep -q '<IsTruncated>true</IsTruncated>'; then
      break
    fi
    token="$(printf '%s' "$page" | sed -n 's/.*<NextContinuationToken>\([^<]*\)<\/NextContinuationToken>.*/\1/p')"
    [[ -n "$token" ]] || break
  done
}
