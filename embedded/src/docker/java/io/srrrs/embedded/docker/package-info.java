/**
 * The Testcontainers broker ({@code ContainerKafka}): compiled only with {@code -Pdocker}, where a
 * Docker engine runs, and chosen by {@code KafkaBroker.forTests} through
 * {@code srrrs.it.kafka=testcontainers}. It runs the {@code apache/kafka} image of the build's
 * {@code kafka.version} with the same KRaft settings as the embedded broker
 * ({@code KraftBrokerSettings}). May use: the embedded package and Testcontainers.
 */
package io.srrrs.embedded.docker;
