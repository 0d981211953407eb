/**
 * The suite that runs the project's own container images (bin/containers build makes them with
 * podman) against the embedded local stack. May use: the CLI module (the stack, its configs, the
 * commands that publish and read back), JDK, podman's command line.
 */
package io.srrrs.containers;
