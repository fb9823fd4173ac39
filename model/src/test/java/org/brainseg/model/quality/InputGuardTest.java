package org.brainseg.model.quality;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.function.DoubleUnaryOperator;
import java.util.stream.Stream;
import org.brainseg.imaging.Volume;
import org.brainseg.imaging.dataset.Modality;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The guard on seeded phantoms (see {@link InputPhantoms}) against a reference fitted on three
 * others: each defect is reported with its code and nothing else, a clean scan with nothing.
 */
class InputGuardTest {
    private static final int T1 = 0;
    private static final int T1CE = 1;
    private static final int T2 = 2;
    private static final int FLAIR = 3;
    private static final long UNSEEN = 10;

    private final InputGuard guard = new InputGuard(InputPhantoms.reference());
    private final InputGuard referenceFree = new InputGuard(null);

    @Test
    void shouldPassCleanUnseenScansWithAndWithoutReference() {
        for (long seed = UNSEEN; seed < UNSEEN + 4; seed++) {
            Volume[] scan = InputPhantoms.scan(seed, InputPhantoms.MM);
            InputCheck check = guard.check(scan);
            assertThat(check.reasons()).as("seed %d", seed).isEmpty();
            assertThat(check.outOfDistribution()).isFalse();
            assertThat(check.noBrainSignal()).isFalse();
            for (Modality m : Modality.values()) {
                assertThat(check.features().get(m.key() + "." + InputCheck.MAX_ABS_Z)).isLessThan(InputGuard.SHIFT_Z_LIMIT);
                assertThat(check.features().get(m.key() + "." + InputCheck.NOISE_SCORE)).isLessThan(0.2);
            }
            assertThat(check.features().get(InputCheck.SWAP_COST_RATIO)).isEqualTo(1.0);
            assertThat(check.features().get(InputCheck.BRAIN_VOLUME_ML)).isBetween(1100.0, 1500.0);
            assertThat(referenceFree.check(scan).reasons()).isEmpty();
        }
    }

    @Test
    void shouldReportABlankFlair() {
        Volume[] scan = clean();
        scan[FLAIR] = Volume.zerosLike(scan[FLAIR]);
        assertThat(guard.check(scan).reasons()).containsExactly("blank-modality:flair");
        assertThat(referenceFree.check(scan).reasons()).containsExactly("blank-modality:flair");
    }

    @Test
    void shouldReportAModalityThatMissesTheBrainAsBlank() {
        Volume[] scan = clean();
        float[] speck = new float[scan[FLAIR].size()];
        speck[0] = 100; // one voxel in a corner, outside the others' brain
        scan[FLAIR] = scan[FLAIR].withData(speck);
        InputCheck check = guard.check(scan);
        assertThat(check.reasons()).containsExactly("blank-modality:flair");
        assertThat(check.features().get("flair." + InputCheck.OVERLAP)).isZero();
    }

    @Test
    void shouldReportAConstantT2WhetherInTheBrainOrEverywhere() {
        Volume[] scan = clean();
        scan[T2] = map(scan[T2], v -> 700);
        assertThat(guard.check(scan).reasons()).containsExactly("constant-modality:t2");

        float[] everywhere = new float[scan[T2].size()];
        Arrays.fill(everywhere, 700);
        scan[T2] = scan[T2].withData(everywhere);
        InputCheck check = guard.check(scan);
        assertThat(check.reasons()).containsExactly("constant-modality:t2");
        assertThat(check.features().get(InputCheck.BRAIN_VOLUME_ML)).as("the constant is not brain")
                .isBetween(1100.0, 1500.0);
    }

    @Test
    void shouldReportAPureNoiseT1OverTheFieldOfViewOrTheBrain() {
        Volume[] scan = clean();
        Random r = new Random(7);
        float[] noise = new float[scan[T1].size()];
        for (int i = 0; i < noise.length; i++) {
            noise[i] = (float) Math.hypot(50 + 20 * r.nextGaussian(), 20 * r.nextGaussian()); // Rician
        }
        scan[T1] = scan[T1].withData(noise);
        InputCheck check = guard.check(scan);
        assertThat(check.reasons()).containsExactly("noise-modality:t1");
        assertThat(check.features().get("t1." + InputCheck.NOISE_SCORE)).isGreaterThan(0.95);
        assertThat(check.features().get(InputCheck.BRAIN_VOLUME_ML)).as("noise is not brain").isBetween(1100.0, 1500.0);

        scan[T1] = map(scan[T2], v -> 500 + 100 * r.nextGaussian());
        assertThat(guard.check(scan).reasons()).containsExactly("noise-modality:t1");
    }

    static Stream<Arguments> swaps() {
        return Stream.of(
                Arguments.of(new int[] {FLAIR, T1CE, T2, T1}, "modalities-swapped:t1<->flair"),
                Arguments.of(new int[] {T2, T1CE, T1, FLAIR}, "modalities-swapped:t1<->t2"),
                Arguments.of(new int[] {T1, T1CE, FLAIR, T2}, "modalities-swapped:t2<->flair"),
                Arguments.of(new int[] {T1, FLAIR, T2, T1CE}, "modalities-swapped:t1ce<->flair"),
                Arguments.of(new int[] {FLAIR, T1CE, T1, T2}, "modalities-swapped:t1<->t2<->flair"));
    }

    @ParameterizedTest(name = "{1}")
    @MethodSource("swaps")
    void shouldNameTheModalitiesThatWereSwapped(int[] order, String code) {
        Volume[] c = clean();
        Volume[] scan = {c[order[0]], c[order[1]], c[order[2]], c[order[3]]};
        InputCheck check = guard.check(scan);
        assertThat(check.reasons()).containsExactly(code);
        assertThat(check.features().get(InputCheck.SWAP_COST_RATIO)).isLessThan(InputGuard.SWAP_COST_RATIO);
        for (Modality m : Modality.values()) {
            assertThat(check.features().get(m.key() + "." + InputCheck.MAX_ABS_Z))
                    .as("%s against the modality it was matched to", m).isLessThan(InputGuard.SHIFT_Z_LIMIT);
        }
        assertThat(referenceFree.check(scan).reasons()).as("no reference, no swap check").isEmpty();
    }

    @Test
    void shouldNotReportT1AndT1ceExchangedWhereTheirContrastsAreAlike() {
        Volume[] c = clean();
        InputCheck check = guard.check(new Volume[] {c[T1CE], c[T1], c[T2], c[FLAIR]});
        assertThat(check.reasons()).isEmpty();
        assertThat(check.features().get(InputCheck.SWAP_COST_IDENTITY) - check.features().get(InputCheck.SWAP_COST_BEST))
                .isLessThan(InputGuard.SHIFT_Z_LIMIT * InputGuard.SHIFT_Z_LIMIT);
    }

    @Test
    void shouldReportAGammaChangeBeyondTheLimit() {
        Volume[] scan = clean();
        double max = max(scan[T1]);
        scan[T1] = map(scan[T1], v -> max * Math.pow(v / max, 3));
        InputCheck check = guard.check(scan);
        assertThat(check.reasons()).containsExactly("intensity-shift:t1");
        assertThat(check.features().get("t1." + InputCheck.MAX_ABS_Z)).isGreaterThan(InputGuard.SHIFT_Z_LIMIT);
    }

    @Test
    void shouldReportAShiftedModality() {
        Volume[] scan = clean();
        double mean = mean(scan[T2]);
        scan[T2] = map(scan[T2], v -> v + 4 * mean);
        assertThat(guard.check(scan).reasons()).containsExactly("intensity-shift:t2");
    }

    @Test
    void shouldIgnoreScaleAndSmallContrastChanges() {
        Volume[] scan = clean();
        scan[T2] = map(scan[T2], v -> 10 * v); // scanner units are arbitrary: the features are scale-free
        double max = max(scan[FLAIR]);
        scan[FLAIR] = map(scan[FLAIR], v -> max * Math.pow(v / max, 0.8)); // within the synthetic "mild" range
        InputCheck check = guard.check(scan);
        assertThat(check.reasons()).isEmpty();
        assertThat(check.features().get("flair." + InputCheck.MAX_ABS_Z)).isGreaterThan(0.5);
    }

    @Test
    void shouldReportABrainFarSmallerOrLargerThanTheReference() {
        InputCheck small = guard.check(InputPhantoms.scan(UNSEEN, InputPhantoms.MM, 0.7, InputPhantoms.FOV_MM));
        assertThat(small.reasons()).containsExactly("brain-volume");
        assertThat(small.features().get(InputCheck.BRAIN_VOLUME_Z)).isLessThan(-InputGuard.BRAIN_VOLUME_Z_LIMIT);

        InputCheck large = guard.check(InputPhantoms.scan(UNSEEN, InputPhantoms.MM, 1.3, new double[] {260, 300, 240}));
        assertThat(large.reasons()).containsExactly("brain-volume");
        assertThat(referenceFree.check(InputPhantoms.scan(UNSEEN, InputPhantoms.MM, 0.7, InputPhantoms.FOV_MM)).reasons())
                .isEmpty();
    }

    @Test
    void shouldReportCoarseVoxelsAgainstTheLimitAndTheReference() {
        Volume[] coarse = InputPhantoms.scan(UNSEEN, 6);
        assertThat(guard.check(coarse).reasons()).containsExactly("voxel-size");
        assertThat(referenceFree.check(coarse).reasons()).containsExactly("voxel-size");
        assertThat(guard.check(coarse).features().get(InputCheck.VOXEL_MAX_MM)).isEqualTo(6.0);

        InputReference ref = InputPhantoms.reference();
        InputReference fine = new InputReference(ref.cases(), ref.modalities(), ref.correlations(),
                ref.brainVolumeMl(), 1, 1);
        Volume[] threeMm = InputPhantoms.scan(UNSEEN, 3);
        assertThat(new InputGuard(fine).check(threeMm).reasons()).containsExactly("voxel-size");
        assertThat(guard.check(threeMm).reasons()).as("3 mm against a 2 mm reference").isEmpty();
    }

    @Test
    void shouldReportABrainCutByTheFieldOfView() {
        InputCheck cut = guard.check(InputPhantoms.scan(UNSEEN, InputPhantoms.MM, 1, new double[] {192, 224, 90}));
        assertThat(cut.reasons()).containsExactly("field-of-view");
        assertThat(cut.features().get(InputCheck.BORDER_FRACTION)).isGreaterThan(InputGuard.BORDER_FRACTION_LIMIT);

        InputCheck tight = guard.check(InputPhantoms.scan(UNSEEN, InputPhantoms.MM, 1, new double[] {140, 172, 124}));
        assertThat(tight.reasons()).as("a tight field of view that holds the brain").isEmpty();
    }

    @Test
    void shouldReportNoBrainSignalForAnEmptyScan() {
        Volume[] scan = clean();
        for (int m = 0; m < 4; m++) {
            scan[m] = Volume.zerosLike(scan[m]);
        }
        InputCheck check = guard.check(scan);
        assertThat(check.noBrainSignal()).isTrue();
        assertThat(check.outOfDistribution()).isTrue();
        assertThat(check.reasons()).containsExactly("blank-modality:t1", "blank-modality:t1ce", "blank-modality:t2",
                "blank-modality:flair", "no-brain-signal");
        assertThat(check.features().get(InputCheck.BRAIN_VOLUME_ML)).isZero();
    }

    @Test
    void shouldReportNoBrainSignalWhenEveryModalityIsNoiseOrTheBrainIsTiny() {
        Volume[] scan = clean();
        Random r = new Random(3);
        for (int m = 0; m < 4; m++) {
            scan[m] = map(scan[m], v -> 100 + 30 * r.nextGaussian());
        }
        InputCheck noise = guard.check(scan);
        assertThat(noise.noBrainSignal()).isTrue();
        assertThat(noise.reasons()).containsExactly("noise-modality:t1", "noise-modality:t1ce", "noise-modality:t2",
                "noise-modality:flair", "no-brain-signal");

        InputCheck tiny = guard.check(InputPhantoms.scan(UNSEEN, InputPhantoms.MM, 0.3, InputPhantoms.FOV_MM));
        assertThat(tiny.features().get(InputCheck.BRAIN_VOLUME_ML)).isLessThan(InputGuard.MIN_BRAIN_ML);
        assertThat(tiny.reasons()).as("nothing compared with the reference").containsExactly("no-brain-signal");
    }

    @Test
    void shouldTreatNonFiniteVoxelsAsZero() {
        Volume[] scan = clean();
        Random r = new Random(11);
        float[][] d = new float[4][];
        for (int m = 0; m < 4; m++) {
            d[m] = scan[m].data().clone();
        }
        float[] bad = {Float.NaN, Float.POSITIVE_INFINITY, Float.NEGATIVE_INFINITY};
        for (int k = 0; k < 3000; k++) {
            d[r.nextInt(4)][r.nextInt(d[0].length)] = bad[k % 3];
        }
        d[T1][0] = Float.NaN; // a corner, outside the brain: stays outside
        for (int m = 0; m < 4; m++) {
            scan[m] = scan[m].withData(d[m]);
        }
        InputCheck check = guard.check(scan);
        assertThat(check.reasons()).isEmpty();
        assertThat(check.features().get(InputCheck.NON_FINITE_VOXELS)).isBetween(2900.0, 3001.0);
        assertThat(check.features().values()).allMatch(Double::isFinite);

        float[] nan = new float[d[FLAIR].length];
        Arrays.fill(nan, Float.NaN);
        scan[FLAIR] = scan[FLAIR].withData(nan);
        assertThat(guard.check(scan).reasons()).containsExactly("blank-modality:flair");
    }

    static Stream<Arguments> badChannels() {
        Volume[] c = InputPhantoms.scan(UNSEEN, 8);
        Volume other = InputPhantoms.scan(UNSEEN, 8, 1, new double[] {192, 224, 160})[FLAIR];
        return Stream.of(
                Arguments.of("three channels", new Volume[] {c[0], c[1], c[2]},
                        "expected 4 channels (T1, T1ce, T2, FLAIR), got 3"),
                Arguments.of("five channels", new Volume[] {c[0], c[1], c[2], c[3], c[3]}, "expected 4 channels"),
                Arguments.of("no array", null, "channels must not be null"),
                Arguments.of("a null channel", new Volume[] {c[0], c[1], null, c[3]}, "channel t2 is null"),
                Arguments.of("another grid", new Volume[] {c[0], c[1], c[2], other},
                        "channel flair is [24, 28, 20] but t1 is [24, 28, 22]"));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("badChannels")
    void shouldRefuseChannelsItCannotRead(String name, Volume[] channels, String message) {
        assertThatThrownBy(() -> guard.check(channels)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining(message);
        assertThatThrownBy(() -> referenceFree.check(channels)).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void shouldListReasonsAndFeaturesInAFixedOrder() {
        Volume[] scan = InputPhantoms.scan(UNSEEN, 6, 0.7, InputPhantoms.FOV_MM);
        scan[FLAIR] = Volume.zerosLike(scan[FLAIR]);
        InputCheck check = guard.check(scan);
        assertThat(check.reasons()).containsExactly("blank-modality:flair", "voxel-size", "brain-volume");
        assertThat(check.has(InputIssue.BLANK_MODALITY)).isTrue();
        assertThat(check.has(InputIssue.MODALITIES_SWAPPED)).isFalse();
        assertThat(guard.check(scan)).isEqualTo(check);

        InputCheck clean = guard.check(clean());
        assertThat(clean.features().keySet()).startsWith(InputCheck.BRAIN_VOLUME_ML, InputCheck.BRAIN_VOLUME_Z,
                InputCheck.VOXEL_MIN_MM, InputCheck.VOXEL_MAX_MM, InputCheck.BORDER_FRACTION, InputCheck.NON_FINITE_VOXELS,
                "t1.overlap", "t1.relative-sd", "t1.noise-score", "t1.q05", "t1.q25", "t1.q75", "t1.q95", "t1.skew",
                "t1.max-abs-z");
        assertThat(clean.features().keySet()).endsWith("t2-flair.correlation", InputCheck.SWAP_COST_IDENTITY,
                InputCheck.SWAP_COST_BEST, InputCheck.SWAP_COST_RATIO);
    }

    @Test
    void shouldCheckABratsSizedScanWellUnderASecond() {
        Volume[] scan = InputPhantoms.scan(UNSEEN, 1, 1, new double[] {240, 240, 155});
        assertThat(scan[0].shape()).containsExactly(240, 240, 155);
        InputCheck check = null;
        long best = Long.MAX_VALUE;
        for (int run = 0; run < 3; run++) {
            long t0 = System.nanoTime();
            check = guard.check(scan);
            long ns = System.nanoTime() - t0;
            best = Math.min(best, ns);
            System.out.printf("InputGuard.check 240x240x155: %.0f ms (run %d)%n", ns / 1e6, run + 1);
        }
        System.out.printf("InputGuard.check 240x240x155: best %.0f ms%n", best / 1e6);
        assertThat(check.reasons()).isEmpty();
    }

    @Test
    void shouldSpellCodesAsTheVocabularySays() {
        assertThat(InputIssue.NOISE_MODALITY.code(Modality.T1)).isEqualTo("noise-modality:t1");
        assertThat(InputIssue.MODALITIES_SWAPPED.code(List.of(Modality.T1, Modality.FLAIR)))
                .isEqualTo("modalities-swapped:t1<->flair");
        assertThat(InputIssue.NO_BRAIN_SIGNAL.key()).isEqualTo("no-brain-signal");
        assertThatThrownBy(() -> new InputCheck(true, false, List.of(), Map.of()))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("outOfDistribution");
        assertThatThrownBy(() -> new InputCheck(true, true, List.of("voxel-size"), Map.of()))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("noBrainSignal");
    }

    private static Volume[] clean() {
        return InputPhantoms.scan(UNSEEN, InputPhantoms.MM);
    }

    /** {@code op} applied to the brain (nonzero voxels), the background left 0. */
    private static Volume map(Volume v, DoubleUnaryOperator op) {
        float[] d = v.data().clone();
        for (int i = 0; i < d.length; i++) {
            if (d[i] != 0) {
                d[i] = (float) op.applyAsDouble(d[i]);
            }
        }
        return v.withData(d);
    }

    private static double max(Volume v) {
        double max = 0;
        for (float f : v.data()) {
            max = Math.max(max, f);
        }
        return max;
    }

    private static double mean(Volume v) {
        double sum = 0;
        long n = 0;
        for (float f : v.data()) {
            if (f != 0) {
                sum += f;
                n++;
            }
        }
        return sum / n;
    }
}
