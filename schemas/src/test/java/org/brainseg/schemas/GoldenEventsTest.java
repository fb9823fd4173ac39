package org.brainseg.schemas;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The wire is frozen: every fixture event encodes to exactly the bytes stored under
 * {@code src/test/resources/golden/}, written by the codec before the typed vocabulary (issue 25)
 * replaced the string keys inside the code. A change that moves a key, renames a field or alters a
 * number's form fails here. After a deliberate, compatible wire change, rewrite the files with
 * {@code -Dgolden.write=true} and say why in the commit.
 */
class GoldenEventsTest {
    static final Path DIR = Path.of("src/test/resources/golden");
    final EventCodec codec = new EventCodec();

    @Test
    void shouldEncodeEveryFixtureEventToItsGoldenBytes() throws Exception {
        List<Event> events = Fixtures.all();
        for (int i = 0; i < events.size(); i++) {
            Event e = events.get(i);
            Path file = DIR.resolve(i + "-" + e.getClass().getSimpleName() + ".json");
            byte[] encoded = codec.encode(e);
            if (Boolean.getBoolean("golden.write")) {
                Files.createDirectories(DIR);
                Files.write(file, encoded);
            }
            assertThat(new String(encoded, StandardCharsets.UTF_8)).as(file.toString())
                    .isEqualTo(Files.readString(file, StandardCharsets.UTF_8));
            assertThat(codec.decode(Files.readAllBytes(file), e.getClass())).as("decodes back").isEqualTo(e);
        }
    }

    /**
     * The bytes schema version 1 wrote (frozen when version 2 came) still decode, to the same
     * events: a consumer upgraded before its producers loses nothing.
     */
    @Test
    void shouldStillDecodeWhatSchemaVersion1Wrote() throws Exception {
        List<Event> events = Fixtures.version1();
        for (int i = 0; i < events.size(); i++) {
            Event e = events.get(i);
            Path file = DIR.resolve("v1").resolve(i + "-" + e.getClass().getSimpleName() + ".json");
            String text = Files.readString(file, StandardCharsets.UTF_8);
            assertThat(text).as(file.toString()).startsWith("{\"schemaVersion\":1,");
            assertThat(codec.decode(text.getBytes(StandardCharsets.UTF_8), e.getClass())).as(file.toString()).isEqualTo(e);
        }
    }
}
