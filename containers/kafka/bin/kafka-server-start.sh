#!/bin/sh
# kafka-server-start.sh SERVER_PROPERTIES: the broker (and controller) of the stand-in image.
exec /opt/kafka/bin/kafka-run-class.sh kafka.Kafka "$@"
