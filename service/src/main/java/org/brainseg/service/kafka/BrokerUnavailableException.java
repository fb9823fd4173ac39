package org.brainseg.service.kafka;

/**
 * Kafka could not be reached (or did not answer) within the client's time bound. Raised by the
 * command-line clients instead of Kafka's own timeout so that a user sees which broker and how
 * long, rather than a metadata or delivery timeout on some internal topic partition.
 */
public class BrokerUnavailableException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    public BrokerUnavailableException(String message, Throwable cause) {
        super(message, cause);
    }
}
