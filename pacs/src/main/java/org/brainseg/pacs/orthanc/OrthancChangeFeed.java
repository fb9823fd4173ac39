package org.brainseg.pacs.orthanc;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.List;

/**
 * Orthanc's {@code /changes} feed, its {@code StableStudy} changes: Orthanc emits one when a study
 * received no new instance for {@code StableAge} seconds (its configuration; 60 by default).
 */
public final class OrthancChangeFeed implements StudyFeed {
    static final int PAGE = 100;
    private final OrthancClient client;

    public OrthancChangeFeed(OrthancClient client) {
        this.client = client;
    }

    @Override
    public Batch next(long since) throws PacsException {
        JsonNode page = client.changes(since, PAGE);
        List<StableStudy> stable = new ArrayList<>();
        for (JsonNode c : page.path("Changes")) {
            if ("StableStudy".equals(c.path("ChangeType").asText())) {
                stable.add(new StableStudy(c.path("Seq").asLong(), c.path("ID").asText()));
            }
        }
        return new Batch(stable, Math.max(since, page.path("Last").asLong(since)), page.path("Done").asBoolean(true));
    }
}
