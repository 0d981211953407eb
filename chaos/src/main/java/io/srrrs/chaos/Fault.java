package io.srrrs.chaos;

/**
 * One planned fault: what, and when, in milliseconds after publishing begins.
 */
record Fault(Kind kind, long atMillis) implements Comparable<Fault> {

    enum Kind {
        TOPOLOGY_KILL("kill -9 topology"), WORKER_KILL("kill -9 Connect worker"), STORE_OUTAGE("store outage"),
        KMS_OUTAGE("KMS outage"), REGISTRY_OUTAGE("registry outage"), BROKER_RESTART("broker kill -9 + restart"),
        TOPOLOGY_JOIN("topology instance joins"), TOPOLOGY_LEAVE("topology instance leaves"),
        WORKER_JOIN("Connect worker joins"), WORKER_LEAVE("Connect worker leaves");

        final String label;

        Kind(String label) {
            this.label = label;
        }

        boolean isOutage() {
            return this == STORE_OUTAGE || this == KMS_OUTAGE || this == REGISTRY_OUTAGE || this == BROKER_RESTART;
        }
    }

    @Override
    public int compareTo(Fault o) {
        return Long.compare(atMillis, o.atMillis);
    }
}
