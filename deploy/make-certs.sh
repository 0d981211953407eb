#!/bin/sh
# Makes the compose deployment's certificates, once. Every service then trusts only these CAs and
# speaks TLS 1.3, and every Kafka client proves who it is with a certificate of its own.
#
#   /out/ca            ca.pem, truststore.p12: the CA alone, mounted by every service
#   /out/<principal>   that principal's key and certificate, in a volume only its service mounts
#   /out/clients       keystores for clients on the host (producer, operator): deploy/secrets/clients/,
#                      whose contents git ignores
#
# Two CAs: the "compose CA" signs servers and Kafka clients (Kafka maps CN=<name> to User:<name>
# and its ACLs grant by that name); the "connect-rest CA" signs only the certificate that may call
# Connect's REST API, so no Kafka principal can create a connector. Both CA keys are deleted at the
# end: nobody can issue more certificates without wiping the volumes and starting again.
set -eu
out=${CERTS_OUT:-/out}
[ -f "$out/ca/ca.pem" ] && { echo "certificates exist"; exit 0; }
pass=${CERT_PASSWORD:?set SRRRS_CERT_PASSWORD in .env}
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
umask 077

ca() { # name subject
  openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -days 825 -subj "/CN=$2" \
    -keyout "$work/$1.key" -out "$work/$1.pem" 2>/dev/null
}

# issue CA NAME USAGE [DNS...]: key and certificate in $work/NAME.{key,pem}. USAGE is
# serverAuth,clientAuth for a server that is also a Kafka client, clientAuth for a client.
issue() {
  signer=$1 name=$2 usage=$3
  shift 3
  {
    echo "basicConstraints=critical,CA:FALSE"
    echo "keyUsage=critical,digitalSignature"
    echo "extendedKeyUsage=$usage"
    if [ $# -gt 0 ]; then
      san=""
      for dns in "$@"; do san="$san,DNS:$dns"; done
      echo "subjectAltName=${san#,}"
    fi
  } > "$work/$name.ext"
  openssl req -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -subj "/CN=$name" \
    -keyout "$work/$name.key" -out "$work/$name.csr" 2>/dev/null
  openssl x509 -req -in "$work/$name.csr" -CA "$work/$signer.pem" -CAkey "$work/$signer.key" -CAcreateserial \
    -days 825 -extfile "$work/$name.ext" -out "$work/$name.pem" 2>/dev/null
}

# p12 NAME DIR: NAME's key and certificate as DIR/NAME.p12 under the deployment's password.
p12() {
  openssl pkcs12 -export -in "$work/$1.pem" -inkey "$work/$1.key" -name "$1" -passout "pass:$pass" -out "$2/$1.p12"
}

# truststore CA FILE: a PKCS12 trust store holding CA's certificate alone (public: fixed password).
truststore() {
  rm -f "$2"
  keytool -importcert -noprompt -alias "$1" -file "$work/$1.pem" -storetype PKCS12 -keystore "$2" \
    -storepass changeit >/dev/null 2>&1
}

ca ca "srrrs compose CA"
ca rest-ca "srrrs connect-rest CA"

# servers (Kafka's and Connect's certificates are also their Kafka client identities)
issue ca kafka serverAuth,clientAuth kafka localhost
issue ca connect serverAuth,clientAuth connect
issue ca registry serverAuth registry
issue ca minio serverAuth minio localhost
issue ca kms serverAuth kms
# Kafka clients: one principal each
for principal in topology admin producer operator; do
  issue ca "$principal" clientAuth
done
# the one identity Connect's REST listener accepts
issue rest-ca connect-admin clientAuth

p12 kafka "$out/kafka"
p12 connect "$out/connect"
truststore rest-ca "$out/connect/rest-clients.p12"
cp "$work/registry.pem" "$work/registry.key" "$out/registry/"
# MinIO reads fixed names from its --certs-dir
mkdir -p "$out/minio/CAs"
cp "$work/minio.pem" "$out/minio/public.crt" && cp "$work/minio.key" "$out/minio/private.key" \
  && cp "$work/ca.pem" "$out/minio/CAs/ca.pem"
# LocalStack wants key and certificate in one file
cat "$work/kms.key" "$work/kms.pem" > "$out/kms/kms.pem"
p12 topology "$out/topology"
p12 admin "$out/admin"
cp "$work/connect-admin.pem" "$work/connect-admin.key" "$out/connect-admin/"

# The host's clients: owner-only files, owned by whoever owns deploy/secrets/clients on the host.
p12 producer "$out/clients"
p12 operator "$out/clients"
cp "$work/ca.pem" "$out/clients/ca.pem"
truststore ca "$out/clients/truststore.p12"
owner=$(stat -c %u:%g "$out/clients")
for f in producer.p12 operator.p12 ca.pem truststore.p12; do
  chown "$owner" "$out/clients/$f" && chmod 600 "$out/clients/$f"
done

# the CA last: its presence means every file above was written
truststore ca "$out/ca/truststore.p12"
cp "$work/ca.pem" "$out/ca/ca.pem"

# Each volume above is mounted by one service only, whose image runs as its own user: the volume
# is the boundary, so its files are readable inside it.
for d in ca kafka connect registry minio kms topology admin connect-admin; do
  find "$out/$d" -type d -exec chmod 755 {} + && find "$out/$d" -type f -exec chmod 644 {} +
done

echo "certificates written; CA keys destroyed"
