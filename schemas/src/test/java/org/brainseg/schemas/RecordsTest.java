package org.brainseg.schemas;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.stream.Stream;
import org.brainseg.imaging.dataset.Modality;
import org.brainseg.imaging.labels.LabelConvention;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** The records refuse, on construction, what their schemas refuse; messages start with the field. */
class RecordsTest {

    static Stream<Arguments> illegalConstructions() {
        ScanArrived s = Fixtures.scanWithModalities();
        SegmentationCompleted c = Fixtures.segmentation();
        return Stream.of(
                Arguments.of("eventId", (Runnable) () -> new ScanArrived(null, s.scanId(), null, s.arrivedAt(),
                        s.modalities(), null, null, s.labelConvention(), null)),
                Arguments.of("scanId", (Runnable) () -> new ScanArrived(s.eventId(), "a/b", null, s.arrivedAt(),
                        s.modalities(), null, null, s.labelConvention(), null)),
                Arguments.of("exactly one of modalities or image4d", (Runnable) () -> new ScanArrived(s.eventId(),
                        s.scanId(), null, s.arrivedAt(), null, null, null, s.labelConvention(), null)),
                Arguments.of("labelUri", (Runnable) () -> new ScanArrived(s.eventId(), s.scanId(), null,
                        s.arrivedAt(), s.modalities(), null, URI.create("seg.nii"), s.labelConvention(), null)),
                Arguments.of("sha256.t1", (Runnable) () -> new ScanArrived(s.eventId(), s.scanId(), null,
                        s.arrivedAt(), s.modalities(), null, null, s.labelConvention(), Map.of("t1", "abc"))),
                Arguments.of("sha256 key", (Runnable) () -> new ScanArrived(s.eventId(), s.scanId(), null,
                        s.arrivedAt(), s.modalities(), null, null, s.labelConvention(), Map.of("seg", "a".repeat(64)))),
                Arguments.of("image4d.channelOrder", (Runnable) () -> new ScanArrived.Image4d(
                        URI.create("file:///x.nii"), List.of(Modality.T1, Modality.T1, Modality.T2, Modality.FLAIR))),
                Arguments.of("modelVersion", (Runnable) () -> new SegmentationCompleted(c.eventId(), c.scanId(),
                        c.sourceEventId(), 0, c.maskUri(), c.maskSha256(), c.labelConvention(), c.volumesMl(),
                        c.timingsMs(), c.device(), c.completedAt())),
                Arguments.of("device", (Runnable) () -> new SegmentationCompleted(c.eventId(), c.scanId(),
                        c.sourceEventId(), 1, c.maskUri(), c.maskSha256(), c.labelConvention(), c.volumesMl(),
                        c.timingsMs(), "", c.completedAt())),
                Arguments.of("timingsMs.load", (Runnable) () -> new SegmentationCompleted.Timings(0, -1, 0, 0, 0)),
                Arguments.of("WT", (Runnable) () -> new RegionValues(0, 0, 0, Double.NaN, 0, 0)),
                Arguments.of("edema", (Runnable) () -> new RegionValues(Double.POSITIVE_INFINITY, 0, 0, 0, 0, 0)),
                Arguments.of("dice.ET", (Runnable) () -> new DiceReported(UUID.randomUUID(), "s", 1,
                        new RegionValues(0, 0, 0, 0, 0, 1.01), new Hd95Values(null, null, null, null, null, null))),
                Arguments.of("TC", (Runnable) () -> new Hd95Values(null, null, null, null, -1.0, null)),
                Arguments.of("retriable", (Runnable) () -> new ScanFailed(UUID.randomUUID(), null,
                        new ScanFailed.Source("t", 0, 0), ErrorCode.INTERNAL, "m", true, 1, "", Fixtures.T)),
                Arguments.of("source.topic", (Runnable) () -> new ScanFailed.Source("bad topic", 0, 0)),
                Arguments.of("trainingRequestId", (Runnable) () -> new ScanFailed(UUID.randomUUID(), "scan-1",
                        new ScanFailed.Source("t", 0, 0), ErrorCode.INTERNAL, "m", false, 1, "", Fixtures.T, "req-1")),
                Arguments.of("seed", (Runnable) () -> new TrainingRequested(UUID.randomUUID(), "r", "", URI.create(
                        "file:///d"), Normalization.NONE, 1, -1, Promotion.AUTO)),
                Arguments.of("parentVersion", (Runnable) () -> new ModelVersionPublished(UUID.randomUUID(), "m", 2,
                        URI.create("file:///r"), Fixtures.SHA, Normalization.LAYER,
                        Fixtures.model().architecture(), "d", Fixtures.model().validation(), ModelStatus.CANDIDATE,
                        2, Fixtures.T)),
                Arguments.of("architecture.patchSize", (Runnable) () -> new ModelVersionPublished.Architecture(
                        "unet3d", 4, 16, 4, 4, List.of(64, 64))),
                Arguments.of("architecture.depth", (Runnable) () -> new ModelVersionPublished.Architecture(
                        "unet3d", null, 16, 4, 4, List.of(64, 64, 64))),
                Arguments.of("normalization", (Runnable) () -> new ModelVersionPublished(UUID.randomUUID(), "m", 2,
                        URI.create("file:///r"), Fixtures.SHA, null, Fixtures.model().architecture(), "d",
                        Fixtures.model().validation(), ModelStatus.CANDIDATE, null, Fixtures.T)),
                Arguments.of("source", (Runnable) () -> new ModelVersionPublished(UUID.randomUUID(), "m", 2,
                        URI.create("file:///r"), Fixtures.SHA, null, Fixtures.imported().architecture(), "d",
                        Fixtures.model().validation(), ModelStatus.CANDIDATE, null, Fixtures.T)),
                Arguments.of("source.kind", (Runnable) () -> new ModelVersionPublished(UUID.randomUUID(), "m", 2,
                        URI.create("file:///r"), Fixtures.SHA, Normalization.LAYER, Fixtures.model().architecture(), "d",
                        Fixtures.model().validation(), ModelStatus.CANDIDATE, null, Fixtures.T, null,
                        Fixtures.imported().source())),
                Arguments.of("model.kind", (Runnable) () -> new ModelRef("onnx", "n", "1")),
                Arguments.of("model.name", (Runnable) () -> new ModelRef(ModelRef.NATIVE, "tab\tname", "1")),
                Arguments.of("model.version", (Runnable) () -> new ModelRef(ModelRef.NATIVE, "n", "x".repeat(65))),
                Arguments.of("quality.predictedDice.WT", (Runnable) () -> new Quality.Regions(1.01, 0.5, 0.5)),
                Arguments.of("quality.predictedDice.ET", (Runnable) () -> new Quality.Regions(0.5, 0.5, Double.NaN)),
                Arguments.of("quality.reasons", (Runnable) () -> new Quality(null, false, null, Map.of())),
                Arguments.of("quality.reasons[]", (Runnable) () -> new Quality(null, true, List.of("two words"), Map.of())),
                Arguments.of("quality.reasons", (Runnable) () -> new Quality(null, true,
                        java.util.Collections.nCopies(33, "r"), Map.of())),
                Arguments.of("quality.features.x", (Runnable) () -> new Quality(null, false, List.of(),
                        Map.of("x", Double.POSITIVE_INFINITY))),
                Arguments.of("quality.features key", (Runnable) () -> new Quality(null, false, List.of(), Map.of("a b", 1.0))));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("illegalConstructions")
    void shouldRefuseIllegalValuesNamingTheField(String field, Runnable construct) {
        assertThatThrownBy(construct::run).isInstanceOf(IllegalArgumentException.class).hasMessageContaining(field);
    }

    @Test
    void recordsShouldBeImmutable() {
        java.util.ArrayList<Modality> order = new java.util.ArrayList<>(
                List.of(Modality.FLAIR, Modality.T1, Modality.T1CE, Modality.T2));
        ScanArrived.Image4d img = new ScanArrived.Image4d(URI.create("file:///x.nii"), order);
        order.set(0, Modality.T2);

        assertThat(img.channelOrder()).startsWith(Modality.FLAIR);
        assertThatThrownBy(() -> img.channelOrder().add(Modality.T1)).isInstanceOf(UnsupportedOperationException.class);
        assertThatThrownBy(() -> Fixtures.scanWithModalities().sha256().put("t2", Fixtures.SHA))
                .isInstanceOf(UnsupportedOperationException.class);
    }

    @Test
    void payloadShouldBeTruncatedLossilyAndStayValidText() {
        byte[] big = ("🧠".repeat(5000)).getBytes(StandardCharsets.UTF_8);
        byte[] binary = {(byte) 0xff, (byte) 0xfe, 'a'};

        String p = ScanFailed.payloadOf(big);

        assertThat(p.length()).isLessThanOrEqualTo(ScanFailed.MAX_PAYLOAD);
        assertThat(p).endsWith("...[truncated]");
        assertThat(EventCodec.hasUnpairedSurrogate(p)).isFalse();
        assertThat(ScanFailed.payloadOf(binary)).isEqualTo("\ufffd\ufffda");
        assertThat(ScanFailed.payloadOf(null)).isEmpty();
        assertThat(ScanFailed.payloadOf("{}".getBytes(StandardCharsets.UTF_8))).isEqualTo("{}");
    }

    @Test
    void failureFactoryShouldProduceAnEncodableEvent() throws Exception {
        ScanFailed f = ScanFailed.of(null, new ScanFailed.Source(Topics.SCANS_ARRIVED, 0, 7), ErrorCode.BAD_ENCODING,
                "x".repeat(10_000), 1, new byte[100_000], Fixtures.T);
        EventCodec codec = new EventCodec();

        assertThat(codec.decode(codec.encode(f), ScanFailed.class)).isEqualTo(f);
        assertThat(f.message()).hasSizeLessThanOrEqualTo(ScanFailed.MAX_MESSAGE);
    }

    @Test
    void aFailedTrainingRequestShouldBeNamedAsOneAndRoundTrip() throws Exception {
        ScanFailed f = ScanFailed.ofTrainingRequest("req-7", new ScanFailed.Source(Topics.TRAINING_REQUESTS, 0, 3),
                ErrorCode.FILE_MISSING, "training request req-7: no such directory", "{}".getBytes(StandardCharsets.UTF_8),
                Fixtures.T);
        EventCodec codec = new EventCodec();

        assertThat(f.scanId()).isNull();
        assertThat(f.trainingRequestId()).isEqualTo("req-7");
        assertThat(f.reportsTrainingRequest()).isTrue();
        assertThat(Fixtures.failed().reportsTrainingRequest()).isFalse();
        assertThat(codec.decode(codec.encode(f), ScanFailed.class)).isEqualTo(f);
        assertThat(new String(codec.encode(Fixtures.failed()), StandardCharsets.UTF_8)).doesNotContain("trainingRequestId");
    }

    @Test
    void topicsShouldKeyEventsByTheirDeclaredField() {
        assertThat(Topics.key(Fixtures.scanWithModalities())).isEqualTo("BraTS2021_00000");
        assertThat(Topics.key(Fixtures.model())).isEqualTo("unet-ln@4");
        assertThat(Topics.key(Fixtures.failed())).isNull();
        assertThat(Topics.byName(Topics.MODELS).configs()).containsEntry("cleanup.policy", "compact");
        assertThat(Topics.all()).extracting(Topics.Spec::eventType).doesNotHaveDuplicates().hasSize(6);
        assertThat(LabelConvention.MSD.id()).isEqualTo("msd");
    }

    @Test
    void shouldExtendTheObjectPathWithTheFieldARecordNames() {
        assertThat(EventCodec.fieldPath("$", "scanId must be x")).isEqualTo("$.scanId");
        assertThat(EventCodec.fieldPath("$.modalities", "modalities.t1 must be x")).isEqualTo("$.modalities.t1");
        assertThat(EventCodec.fieldPath("$.volumesMl", "edema must be in")).isEqualTo("$.volumesMl.edema");
        assertThat(EventCodec.fieldPath("$", "dice.ET must be in")).isEqualTo("$.dice.ET");
        assertThat(EventCodec.fieldPath("$.architecture", "architecture.patchSize[] is required"))
                .isEqualTo("$.architecture.patchSize");
        assertThat(EventCodec.fieldPath("$", "exactly one of a or b")).isEqualTo("$");
    }
}
