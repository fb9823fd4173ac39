package org.brainseg.cli.demo;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class DemoCohortTest {
    @TempDir
    Path tmp;

    @Test
    void generatesOnceThenReusesTheCache() throws Exception {
        List<String> generated = new ArrayList<>();
        DemoCohort.Result first = DemoCohort.ensure(tmp, 2, 6.0, 3, generated::add);
        assertThat(first.cached()).isFalse();
        assertThat(first.cases()).hasSize(2);
        assertThat(generated).hasSize(2);
        assertThat(first.dir()).isEqualTo(tmp.resolve("synth-2x6mm-seed3"));

        DemoCohort.Result second = DemoCohort.ensure(tmp, 2, 6.0, 3, generated::add);
        assertThat(second.cached()).isTrue();
        assertThat(generated).hasSize(2);
        assertThat(second.cases()).extracting(c -> c.id()).containsExactlyElementsOf(first.cases().stream().map(c -> c.id()).toList());
    }

    @Test
    void anInterruptedGenerationIsRedone() throws Exception {
        Path dir = DemoCohort.folder(tmp, 2, 6.0, 3);
        Files.createDirectories(dir.resolve("half-written-case"));
        Files.writeString(dir.resolve("half-written-case/junk.nii.gz"), "not a volume");
        List<String> generated = new ArrayList<>();
        DemoCohort.Result r = DemoCohort.ensure(tmp, 2, 6.0, 3, generated::add);
        assertThat(r.cached()).isFalse();
        assertThat(generated).hasSize(2);
        assertThat(Files.exists(dir.resolve("half-written-case"))).isFalse();
    }
}
