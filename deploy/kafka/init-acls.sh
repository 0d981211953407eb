#!/bin/sh
# One-shot, before any client starts: the pipeline's topics, and ACLs saying which principal may
# do what with them. The broker denies everything else (allow.everyone.if.no.acl.found=false).
# Runs as User:admin, a super user whose key only this service mounts.
set -eu
bin=${KAFKA_BIN:-/opt/kafka/bin}
bootstrap=kafka:9093
# names shared with deploy/topology/encryptor.properties and deploy/connect/*: DockerComposeTest
# checks they agree
input=payload-refs
chunks=ciphertext-chunks
dlq=payload-refs.dlq
sink_dlq=ciphertext-chunks.sink-dlq
app=srrrs-encryptor
connect_group=srrrs-connect
connect_topics="srrrs-connect-configs srrrs-connect-offsets srrrs-connect-status"
sink_group=connect-srrrs-s3-sink
partitions=${PARTITIONS:-3}

umask 077
cfg=$(mktemp)
trap 'rm -f "$cfg"' EXIT
cat > "$cfg" <<EOF
security.protocol=SSL
ssl.protocol=TLSv1.3
ssl.enabled.protocols=TLSv1.3
ssl.truststore.location=/certs/truststore.p12
ssl.truststore.type=PKCS12
ssl.truststore.password=changeit
ssl.keystore.location=/keys/admin.p12
ssl.keystore.type=PKCS12
ssl.keystore.password=${CERT_PASSWORD:?set SRRRS_CERT_PASSWORD in .env}
EOF

tries=0
until "$bin/kafka-topics.sh" --bootstrap-server "$bootstrap" --command-config "$cfg" --list >/dev/null 2>&1; do
  tries=$((tries + 1))
  [ "$tries" -lt 90 ] || { echo "kafka did not answer at $bootstrap" >&2; exit 1; }
  sleep 2
done

# The topology creates none of these (srrrs.topics.create=false): it holds no Create right on them.
for t in "$input" "$chunks" "$dlq" "$sink_dlq"; do
  "$bin/kafka-topics.sh" --bootstrap-server "$bootstrap" --command-config "$cfg" --create --if-not-exists \
    --topic "$t" --partitions "$partitions" --replication-factor 1
done

allow() { # PRINCIPAL then kafka-acls.sh arguments
  who=$1
  shift
  "$bin/kafka-acls.sh" --bootstrap-server "$bootstrap" --command-config "$cfg" --add --allow-principal "User:$who" "$@" >/dev/null
}

# producers write the input topic and nothing else
allow producer --operation Write --operation Describe --topic "$input"

# the topology reads the input and writes chunks and its DLQ, in transactions; it owns the topics,
# transactional ids and group named after its application.id
allow topology --operation Read --operation Describe --topic "$input"
allow topology --operation Write --operation Describe --topic "$chunks"
allow topology --operation Write --operation Describe --topic "$dlq"
allow topology --operation All --resource-pattern-type prefixed --topic "$app-"
allow topology --operation Write --operation Describe --resource-pattern-type prefixed --transactional-id "$app-"
allow topology --operation Read --operation Describe --group "$app"

# Connect: its worker group and internal topics (it creates them, compacted); the sink reads chunks
# as its own consumer group and dead-letters into its DLQ
allow connect --operation Read --operation Describe --group "$connect_group"
for t in $connect_topics; do
  allow connect --operation Read --operation Write --operation Describe --operation DescribeConfigs --operation Create --topic "$t"
done
allow connect --operation Read --operation Describe --topic "$chunks"
allow connect --operation Read --operation Describe --group "$sink_group"
allow connect --operation Write --operation Describe --topic "$sink_dlq"

# operators read the two dead-letter topics, in groups of their own
allow operator --operation Read --operation Describe --topic "$dlq"
allow operator --operation Read --operation Describe --topic "$sink_dlq"
allow operator --operation Read --operation Describe --resource-pattern-type prefixed --group srrrs-operator

echo "topics and ACLs in place"
