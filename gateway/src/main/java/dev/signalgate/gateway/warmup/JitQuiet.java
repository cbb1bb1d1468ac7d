package dev.signalgate.gateway.warmup;

import java.lang.management.CompilationMXBean;
import java.lang.management.ManagementFactory;

/**
 * Waits for the JIT compilers to finish what the warm-up gave them. Traffic makes methods hot; their compilation
 * (C2's above all) runs on compiler threads for seconds after it, on the same cores the first real clients then
 * need: measured on 2 cores, the compiler threads still took a third of the gateway's CPU while the first 10,000
 * clients connected after a warm-up that did not wait.
 */
final class JitQuiet {

    /** How often the compilers' accumulated time is read. */
    private static final long PERIOD_MILLIS = 250;
    /** Quiet: the compilers together busy less than a tenth of a period. */
    private static final long QUIET_MILLIS = PERIOD_MILLIS / 10;

    private JitQuiet() {
    }

    /**
     * Returns once a period passes with the compilers (nearly) idle, or at {@code deadlineNanos}; answers the
     * milliseconds waited. Returns at once where the JVM does not time its compilations.
     */
    static long await(long deadlineNanos) throws InterruptedException {
        CompilationMXBean jit = ManagementFactory.getCompilationMXBean();
        if (jit == null || !jit.isCompilationTimeMonitoringSupported()) {
            return 0;
        }
        long started = System.nanoTime();
        long compiled = jit.getTotalCompilationTime();
        while (deadlineNanos - System.nanoTime() > 0) {
            Thread.sleep(PERIOD_MILLIS);
            long now = jit.getTotalCompilationTime();
            if (now - compiled < QUIET_MILLIS) {
                break;
            }
            compiled = now;
        }
        return (System.nanoTime() - started) / 1_000_000;
    }
}
