package org.brainseg.cli.console;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

class LiveLineTest {
    final ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    final PrintStream out = new PrintStream(bytes, true, StandardCharsets.UTF_8);

    String printed() {
        return bytes.toString(StandardCharsets.UTF_8);
    }

    @Test
    void shouldPrintALogLineOnlyWhenDueOrForcedAndTheLastTextAtClose() {
        try (LiveLine line = new LiveLine(out, "  ", false)) {
            line.update("one");
            line.update("two"); // within 5 s of "one": not printed yet
            line.update("two"); // unchanged
            line.println("an event");
            line.update("three", true);
            line.update("four");
        }
        assertThat(printed()).isEqualTo("  one\n  an event\n  three\n  four\n");
    }

    @Test
    void shouldRedrawInPlaceOnATerminalAndKeepEventLinesAbove() {
        try (LiveLine line = new LiveLine(out, "", true)) {
            line.update("working");
            line.println("swapped");
        }
        assertThat(printed()).isEqualTo("\r\033[Kworking\r\033[Kswapped\n\r\033[Kworking\n");
    }

    @Test
    void shouldAlwaysDrawTheFinishedBarInALog() {
        try (ProgressBar bar = new ProgressBar(out, "train", 3, false)) {
            bar.update(1, "loss 1.2");
            bar.update(2, "loss 1.1"); // throttled
            bar.update(3, "loss 1.0"); // finished: drawn at once
        }
        String[] lines = printed().split("\n");
        assertThat(lines).hasSize(2);
        assertThat(lines[0]).startsWith("train [#########").contains(" 1/3 ").endsWith("loss 1.2");
        assertThat(lines[1]).startsWith("train [############################] 3/3 100%").endsWith("loss 1.0");
    }
}
