package org.brainseg.schemas;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;

/**
 * What {@code brainseg.models} says about one model name, folded from its events in topic order.
 * Trainer, workers and the {@code brainseg models} command all read the topic through this class,
 * so they agree on which version is active.
 *
 * <p>The topic is keyed by {@code <name>@<version>} ({@link Topics#key}): compaction keeps the
 * latest state of every version, so a rejected candidate published after the active version
 * does not hide it. The active version is the one whose latest event says {@code active} and
 * came last in the topic; a promotion publishes the new active version and then retires the
 * old one (one transaction), a rollback publishes the older version as active again.
 */
public final class ModelCatalog {
    private final String name;
    private final Map<Integer, Entry> latest = new TreeMap<>();
    private long sequence;

    /** One version's latest event and the position (in fold order) it arrived at. */
    public record Entry(ModelVersionPublished event, long sequence) {
    }

    public ModelCatalog(String name) {
        this.name = Require.nonNull(name, "name");
    }

    public String name() {
        return name;
    }

    /** Folds the next event from the topic; events for other model names are ignored. Returns whether it applied. */
    public boolean apply(ModelVersionPublished e) {
        if (!e.name().equals(name)) {
            return false;
        }
        latest.put(e.version(), new Entry(e, ++sequence));
        return true;
    }

    /** The active version's latest event, if any version is active. */
    public Optional<ModelVersionPublished> active() {
        Entry best = null;
        for (Entry x : latest.values()) {
            if (x.event().status() == ModelStatus.ACTIVE && (best == null || x.sequence() > best.sequence())) {
                best = x;
            }
        }
        return Optional.ofNullable(best).map(Entry::event);
    }

    /** The latest event of a version. */
    public Optional<ModelVersionPublished> version(int version) {
        return Optional.ofNullable(latest.get(version)).map(Entry::event);
    }

    /** Every version's latest event, by ascending version. */
    public List<ModelVersionPublished> versions() {
        List<ModelVersionPublished> out = new ArrayList<>();
        for (Entry x : latest.values()) {
            out.add(x.event());
        }
        return Collections.unmodifiableList(out);
    }

    /** The highest version any event named, 0 when none. */
    public int highestVersion() {
        return latest.isEmpty() ? 0 : ((TreeMap<Integer, Entry>) latest).lastKey();
    }

    /**
     * The version a rollback returns to: the highest version below the active one that was active
     * before (now {@code retired}); empty when there is none or nothing is active.
     */
    public Optional<ModelVersionPublished> rollbackTarget() {
        Optional<ModelVersionPublished> a = active();
        if (a.isEmpty()) {
            return Optional.empty();
        }
        ModelVersionPublished target = null;
        for (Entry x : latest.values()) {
            ModelVersionPublished e = x.event();
            if (e.version() < a.get().version() && e.status() == ModelStatus.RETIRED) {
                target = e;
            }
        }
        return Optional.ofNullable(target);
    }

    /**
     * What to publish, in order, in one transaction: the version in its new state; when it becomes
     * active, the previously active version (if another) then retired. Workers then never see two
     * active versions or none in between.
     */
    public static List<ModelVersionPublished> transition(ModelVersionPublished changed,
            Optional<ModelVersionPublished> active) {
        List<ModelVersionPublished> out = new ArrayList<>();
        out.add(changed);
        if (changed.status() == ModelStatus.ACTIVE && active.isPresent() && active.get().version() != changed.version()) {
            out.add(active.get().withStatus(ModelStatus.RETIRED));
        }
        return out;
    }
}
