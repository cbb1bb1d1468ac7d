/**
 * An embedded MongoDB-wire server (mongo-java-server) for development, single-node deployments and
 * tests: the real reactive driver talks to it over loopback.
 */
@NullMarked
package dev.signalgate.persistence.embedded;

import org.jspecify.annotations.NullMarked;
