#!/bin/sh
# One-shot: the bucket, and one MinIO user per role with only what that role needs. The root
# credentials stay in the minio and minio-init services; the sink gets srrrs-sink (writes objects,
# deletes only .srrrs-meta/ companions), readers get srrrs-reader (list and get).
set -eu
mc() { command mc --config-dir /tmp/mc "$@"; }
mc alias set srrrs https://minio:9000 "$MINIO_ACCESS_KEY" "$MINIO_SECRET_KEY" >/dev/null
mc mb --ignore-existing srrrs/srrrs
user() { # ROLE SECRET
  mc admin policy create srrrs "srrrs-$1" "/deploy/minio/$1-policy.json" >/dev/null
  mc admin user add srrrs "srrrs-$1" "$2" >/dev/null
  # attaching twice is refused with "already in effect": that is the state we want
  out=$(mc admin policy attach srrrs "srrrs-$1" --user "srrrs-$1" 2>&1) \
    || echo "$out" | grep -qi "already" || { echo "$out" >&2; exit 1; }
}
user sink "${SINK_SECRET_KEY:?set SRRRS_MINIO_SINK_SECRET_KEY in .env}"
user reader "${READER_SECRET_KEY:?set SRRRS_MINIO_READER_SECRET_KEY in .env}"
echo "bucket srrrs, users srrrs-sink and srrrs-reader in place"
