package org.brainseg.service.kafka;

import org.apache.kafka.clients.consumer.Consumer;
import org.apache.kafka.clients.producer.Producer;
import org.apache.kafka.common.errors.AuthenticationException;
import org.apache.kafka.common.errors.WakeupException;
import org.brainseg.schemas.EventCodec;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The life cycle that the services' consume-process-publish loops share (the worker's ingest loop,
 * the trainer's request loop and its auto-retrain counter): one thread owns a consumer and a
 * transactional producer; {@link #run()} initialises the transactions, runs {@link #loop()} until
 * {@link #stop()} or a wake-up, records a fatal error for the service to act on (exit for the
 * orchestrator to restart it) and always closes the clients ({@link #close()}).
 */
public abstract class TransactionalLoop implements Runnable {
    /** The subclass's logger, so that the life cycle logs under the loop's own name. */
    private final Logger log = LoggerFactory.getLogger(getClass());

    /** Owned by the loop's thread: Kafka's consumer is not thread-safe. */
    protected final Consumer<byte[], byte[]> consumer;
    protected final Producer<byte[], byte[]> producer;
    /** Every write goes through it, with the services' retry policy. */
    protected final TransactionalPublisher publisher;
    private final String name;
    private volatile boolean running = true;
    private volatile boolean started;
    private volatile Throwable fatal;

    /** @param name what the logs call the loop ({@code "ingest loop"}) */
    protected TransactionalLoop(String name, Consumer<byte[], byte[]> consumer, Producer<byte[], byte[]> producer,
            EventCodec codec) {
        this.name = name;
        this.consumer = consumer;
        this.producer = producer;
        this.publisher = new TransactionalPublisher(producer, codec, TransactionalPublisher.Policy.SERVICE);
    }

    /** Subscribes, calls {@link #started()}, then polls and processes while {@link #running()}. */
    protected abstract void loop() throws Exception;

    /** Closes the clients (and whatever else the loop owns); called once, on the loop's thread. */
    protected abstract void close();

    @Override
    public final void run() {
        try {
            publisher.init();
            loop();
        } catch (WakeupException e) {
            log.info("{} woken up to stop", name);
        } catch (Throwable t) {
            fatal = explain(t);
            log.error("{} stopped by a fatal error", name, fatal);
        } finally {
            close();
        }
    }

    /** Marks the loop as polling (transactions initialised, subscription made). */
    protected final void started() {
        started = true;
    }

    /** Whether the loop should go on: {@link #stop()} was not called. */
    protected final boolean running() {
        return running;
    }

    /** Whether the loop is polling (after transactions were initialised and the subscription made). */
    public boolean isRunning() {
        return started && running && fatal == null;
    }

    /** The fault that stopped the loop, or null. */
    public Throwable fatal() {
        return fatal;
    }

    /** Asks the loop to stop at its next check; does not wait. */
    public void stop() {
        running = false;
    }

    /**
     * A refused login or TLS handshake is a configuration fault, not a transient one: say so
     * plainly, naming where the settings come from, instead of Kafka's bare exception.
     */
    public static Throwable explain(Throwable t) {
        for (Throwable c = t; c != null; c = c.getCause()) {
            if (c instanceof AuthenticationException a) {
                return new IllegalStateException("Kafka authentication failed: " + a.getMessage()
                        + " (check kafka.properties: security.protocol, sasl.mechanism, sasl.jaas.config, ssl.truststore.*)", t);
            }
        }
        return t;
    }
}
