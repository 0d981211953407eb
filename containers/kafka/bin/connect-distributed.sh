#!/bin/sh
# connect-distributed.sh WORKER_PROPERTIES: a distributed Connect worker.
exec /opt/kafka/bin/kafka-run-class.sh org.apache.kafka.connect.cli.ConnectDistributed "$@"
