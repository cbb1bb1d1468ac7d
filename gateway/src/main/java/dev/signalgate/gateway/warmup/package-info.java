/**
 * The gateway's warm-up: loopback traffic to itself before it reports UP
 * ({@link dev.signalgate.gateway.warmup.WarmUp}).
 */
package dev.signalgate.gateway.warmup;
