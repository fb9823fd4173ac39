package org.brainseg.kafka.embedded;

import java.util.LinkedHashSet;
import java.util.Set;
import java.util.function.Consumer;
import org.apache.kafka.common.utils.internals.Exit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Keeps Kafka's fatal-fault handlers from ending the JVM while an embedded broker runs. Kafka
 * calls {@code Exit.halt} (Runtime.halt: no shutdown hooks, no cleanup) when the controller or
 * metadata log hits an unrecoverable fault; in a test or the demo process that would kill the
 * whole JVM, so the request is logged, reported to every running instance and turned into an
 * exception in the calling Kafka thread. The procedures are JVM-wide, hence installed while at
 * least one instance runs and reset after the last one stops.
 */
final class ExitGuard {
    private static final Logger LOG = LoggerFactory.getLogger(ExitGuard.class);
    private static final Set<Consumer<String>> USERS = new LinkedHashSet<>();

    private ExitGuard() {
    }

    /** Installs the procedures if needed; {@code onFault} hears of every intercepted request until released. */
    static synchronized void acquire(Consumer<String> onFault) {
        if (USERS.isEmpty()) {
            Exit.setHaltProcedure((code, message) -> intercept("halt", code, message));
            Exit.setExitProcedure((code, message) -> intercept("exit", code, message));
        }
        USERS.add(onFault);
    }

    static synchronized void release(Consumer<String> onFault) {
        if (USERS.remove(onFault) && USERS.isEmpty()) {
            Exit.resetHaltProcedure();
            Exit.resetExitProcedure();
        }
    }

    private static void intercept(String kind, int code, String message) {
        String fault = "Kafka requested " + kind + "(" + code + ")" + (message == null ? "" : ": " + message);
        synchronized (ExitGuard.class) {
            USERS.forEach(u -> u.accept(fault));
        }
        LOG.error("intercepted {}; the embedded broker is no longer healthy and should be closed", fault);
        // Kafka expects halt/exit not to return: stop the calling thread's work instead of the JVM.
        throw new EmbeddedKafkaFault(fault);
    }

    /** Thrown in the Kafka thread that asked for the JVM to halt or exit. */
    static final class EmbeddedKafkaFault extends RuntimeException {
        EmbeddedKafkaFault(String message) {
            super(message);
        }
    }
}
