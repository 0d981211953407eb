#!/bin/sh
# kafka-run-class.sh of the stand-in image: runs CLASS with the jars of /opt/kafka/libs, taking the
# JVM options from the variables Kafka's own script reads. KAFKA_JMX_OPTS defaults to nothing (no
# unauthenticated remote JMX port); an image built on this one sets it to load an agent.
set -eu
[ $# -ge 1 ] || { echo "usage: kafka-run-class.sh CLASS [ARGS...]" >&2; exit 2; }
class=$1; shift
# shellcheck disable=SC2086 # the variables hold several options each, as in Kafka's script
exec java ${KAFKA_HEAP_OPTS:--Xmx512m} ${KAFKA_JVM_PERFORMANCE_OPTS:--XX:+UseG1GC} ${KAFKA_JMX_OPTS:-} \
  -Dorg.slf4j.simpleLogger.logFile=System.out -Dorg.slf4j.simpleLogger.showDateTime=true \
  ${KAFKA_LOG_OPTS:--Dorg.slf4j.simpleLogger.defaultLogLevel=info} \
  -cp '/opt/kafka/libs/*' ${KAFKA_OPTS:-} "$class" "$@"
