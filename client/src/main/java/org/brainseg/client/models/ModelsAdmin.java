package org.brainseg.client.models;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.errors.TimeoutException;
import org.brainseg.schemas.EventCodec;
import org.brainseg.schemas.ModelCatalog;
import org.brainseg.schemas.ModelStatus;
import org.brainseg.schemas.ModelVersionPublished;
import org.brainseg.schemas.RegistryLayout;
import org.brainseg.schemas.Topics;
import org.brainseg.service.kafka.BrokerUnavailableException;
import org.brainseg.service.kafka.CatalogReader;
import org.brainseg.service.kafka.KafkaClients;
import org.brainseg.service.kafka.TransactionalPublisher;

/**
 * What operators do with model versions, behind {@code brainseg models}: read the catalog of a
 * model from {@code brainseg.models}, promote a version (it becomes active, the active one is
 * retired) and roll back (the catalog's rollback target becomes active, the active one is
 * retired). Each change is published in one Kafka transaction, so workers never see two active
 * versions or none in between. A version can only be made active when its directory is there
 * (the artifact URI names a model directory with model.json).
 */
public final class ModelsAdmin {
    private final String bootstrap;
    private final Map<String, String> properties;
    private final String name;
    private final Duration timeout;
    private final EventCodec codec = new EventCodec();

    public ModelsAdmin(String bootstrap, Map<String, String> properties, String name, Duration timeout) {
        this.bootstrap = bootstrap;
        this.properties = Map.copyOf(properties);
        this.name = name;
        this.timeout = timeout;
    }

    /** A state change: the events published, the version active before and after (0: none). */
    public record Change(List<ModelVersionPublished> events, int activeBefore, int activeAfter) {}

    /** The model's catalog as brainseg.models holds it now (read_committed). */
    public ModelCatalog catalog() {
        try (CatalogReader r = new CatalogReader(bootstrap, properties, name, codec, timeout)) {
            return r.catchUp();
        }
    }

    /**
     * Makes {@code version} active and retires the active one.
     *
     * @throws IllegalArgumentException unknown version, already active, or not in the registry
     */
    public Change promote(int version) {
        ModelCatalog c = catalog();
        ModelVersionPublished target = c.version(version).orElseThrow(() -> new IllegalArgumentException("version "
                + version + " of model " + name + " is unknown on " + Topics.MODELS + " (known: " + known(c) + ")"));
        Optional<ModelVersionPublished> active = c.active();
        if (active.isPresent() && active.get().version() == version) {
            throw new IllegalArgumentException("version " + version + " of model " + name + " is already active");
        }
        return activate(target, active);
    }

    /**
     * Makes the catalog's rollback target (the newest retired version below the active one) active
     * and retires the active one.
     *
     * @throws IllegalArgumentException nothing active, nothing to roll back to, or not in the registry
     */
    public Change rollback() {
        ModelCatalog c = catalog();
        Optional<ModelVersionPublished> active = c.active();
        if (active.isEmpty()) {
            throw new IllegalArgumentException("model " + name + " has no active version: nothing to roll back");
        }
        ModelVersionPublished target = c.rollbackTarget().orElseThrow(() -> new IllegalArgumentException("nothing to roll back to: "
                + "no retired version of model " + name + " below the active version " + active.get().version()));
        return activate(target, active);
    }

    /**
     * Announces a new version (an imported model): as it is when a candidate or rejected, and when
     * active with the active one retired in the same transaction.
     *
     * @throws IllegalArgumentException the version is already known or not in the registry
     */
    public Change publishNew(ModelVersionPublished v) {
        if (!v.name().equals(name)) {
            throw new IllegalArgumentException("version of model " + v.name() + " given to the admin of " + name);
        }
        ModelCatalog c = catalog();
        if (c.version(v.version()).isPresent()) {
            throw new IllegalArgumentException("version " + v.version() + " of model " + name + " is already on "
                    + Topics.MODELS);
        }
        requireInRegistry(v);
        Optional<ModelVersionPublished> active = c.active();
        List<ModelVersionPublished> events = ModelCatalog.transition(v, active);
        publish(events);
        int before = active.map(ModelVersionPublished::version).orElse(0);
        return new Change(events, before, v.status() == ModelStatus.ACTIVE ? v.version() : before);
    }

    private Change activate(ModelVersionPublished target, Optional<ModelVersionPublished> active) {
        requireInRegistry(target);
        List<ModelVersionPublished> events = ModelCatalog.transition(target.withStatus(ModelStatus.ACTIVE), active);
        publish(events);
        return new Change(events, active.map(ModelVersionPublished::version).orElse(0), target.version());
    }

    private static void requireInRegistry(ModelVersionPublished v) {
        Path dir;
        try {
            dir = "file".equalsIgnoreCase(v.artifactUri().getScheme()) ? Path.of(v.artifactUri()) : null;
        } catch (RuntimeException e) {
            dir = null;
        }
        if (dir == null) {
            throw new IllegalArgumentException("version " + v.version() + ": artifact " + v.artifactUri()
                    + " is not a local directory; cannot check it is in the registry");
        }
        if (!RegistryLayout.isComplete(dir)) {
            throw new IllegalArgumentException("version " + v.version() + " is not in the registry any more: " + dir
                    + (Files.isDirectory(dir) ? " has neither " + RegistryLayout.MANIFEST_FILE + " nor "
                            + RegistryLayout.IMPORT_MANIFEST_FILE : " does not exist (pruned?)"));
        }
    }

    private void publish(List<ModelVersionPublished> events) {
        Map<String, Object> settings = KafkaClients.timeBound(timeout);
        settings.putAll(properties);
        // one transactional id per model: two operators changing the same model at once fence each other
        try (KafkaProducer<byte[], byte[]> producer = KafkaClients.transactionalProducer(bootstrap, settings,
                "brainseg-models-admin-" + name, "brainseg-models-admin-" + UUID.randomUUID())) {
            TransactionalPublisher publisher = new TransactionalPublisher(producer, codec,
                    TransactionalPublisher.Policy.interactive(timeout));
            try {
                publisher.init();
                publisher.publish(events);
            } catch (TimeoutException e) {
                throw new BrokerUnavailableException("no answer from Kafka at " + bootstrap + " within " + timeout.toSeconds()
                        + " s; nothing was changed", e);
            } catch (TransactionalPublisher.NotPublishedException e) {
                if (e.getCause() instanceof TimeoutException t) {
                    throw new BrokerUnavailableException("no answer from Kafka at " + bootstrap + " within "
                            + timeout.toSeconds() + " s; nothing was changed", t);
                }
                throw new IllegalStateException("publishing to " + Topics.MODELS + " failed, nothing was changed: "
                        + e.getCause().getMessage(), e);
            } catch (TransactionalPublisher.OutcomeUnknownException e) {
                throw new IllegalStateException("publishing to " + Topics.MODELS + " was not confirmed within "
                        + timeout.toSeconds() + " s: the change may or may not be applied (check with brainseg models list)", e);
            } catch (KafkaException e) {
                throw new IllegalStateException("publishing to " + Topics.MODELS + " failed, nothing was changed: " + e.getMessage(), e);
            }
        }
    }

    private static String known(ModelCatalog c) {
        List<Integer> v = c.versions().stream().map(ModelVersionPublished::version).toList();
        return v.isEmpty() ? "none" : v.toString();
    }

}
