#!/bin/sh
# Makes the compose deployment's CA and one TLS certificate per service, once, into /certs
# (the "certs" volume). Every service then trusts only this CA and speaks TLS 1.3.
set -eu
out=/certs
[ -f "$out/ca.pem" ] && { echo "certificates exist"; exit 0; }
pass=${CERT_PASSWORD:?set SRRRS_CERT_PASSWORD in .env}
cd "$out"
openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -days 825 -subj "/CN=srrrs compose CA" \
  -keyout ca.key -out ca.pem
for svc in kafka registry connect minio kms; do
  openssl req -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -subj "/CN=$svc" -keyout "$svc.key" -out "$svc.csr"
  printf "subjectAltName=DNS:%s,DNS:localhost\n" "$svc" > "$svc.ext"
  openssl x509 -req -in "$svc.csr" -CA ca.pem -CAkey ca.key -CAcreateserial -days 825 -extfile "$svc.ext" -out "$svc.pem"
  openssl pkcs12 -export -in "$svc.pem" -inkey "$svc.key" -name "$svc" -passout "pass:$pass" -out "$svc.p12"
  rm "$svc.csr" "$svc.ext"
done
# MinIO reads its certificate from fixed names.
mkdir -p minio-certs/CAs && cp minio.pem minio-certs/public.crt && cp minio.key minio-certs/private.key && cp ca.pem minio-certs/CAs/
# Java trust store with the CA alone.
keytool -importcert -noprompt -alias srrrs-ca -file ca.pem -storetype PKCS12 -keystore truststore.p12 -storepass changeit \
  2>/dev/null || openssl pkcs12 -export -nokeys -in ca.pem -passout pass:changeit -out truststore.p12
rm ca.key
chmod 644 ./*.pem ./*.p12 && chmod 600 ./*.key
echo "certificates written to $out"
