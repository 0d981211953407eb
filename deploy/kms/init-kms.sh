#!/bin/sh
# LocalStack ready hook: the pipeline's default KEK and its alias, once.
set -eu
if ! awslocal kms list-aliases --query 'Aliases[].AliasName' --output text | grep -q 'alias/srrrs-default'; then
  key=$(awslocal kms create-key --description "srrrs default KEK" --query KeyMetadata.KeyId --output text)
  awslocal kms create-alias --alias-name alias/srrrs-default --target-key-id "$key"
fi
touch /tmp/srrrs-kms-ready
