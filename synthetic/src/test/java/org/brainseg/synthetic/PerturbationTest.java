package org.brainseg.synthetic;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import java.util.Arrays;
import java.util.Collections;
import java.util.List;
import java.util.SplittableRandom;
import java.util.function.Supplier;
import java.util.stream.IntStream;
import java.util.stream.Stream;
import org.brainseg.synthetic.Perturbation.Channel;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The acquisition-shift perturbation on hand-made 32³ volumes at 1 mm: identity at strength 0,
 * reproducibility, what each component changes (isolated by hand-made parameters), the zero
 * background, the order of the strengths and the refusal of hostile input.
 */
class PerturbationTest {
    static final int N = 32;
    static final int[] SHAPE = {N, N, N};
    static final double MM = 1;

    // --- identity and reproducibility ---

    @Test
    void shouldReturnBitIdenticalCopiesAtStrengthZero() {
        float[][] in = head(1);
        for (Perturbation p : List.of(Perturbation.none(), Perturbation.draw(0.0, new SplittableRandom(3)),
                Perturbation.forCase(PerturbationStrength.NONE, 3, 5))) {
            float[][] out = p.apply(in, SHAPE, MM);
            for (int m = 0; m < 4; m++) {
                assertThat(out[m]).isEqualTo(in[m]).isNotSameAs(in[m]);
            }
        }
    }

    @Test
    void shouldDrawAndApplyTheSameForTheSameSeedAndCase() {
        Perturbation a = Perturbation.forCase(PerturbationStrength.STRONG, 7, 3);
        Perturbation b = Perturbation.forCase(PerturbationStrength.STRONG, 7, 3);
        assertThat(a).isEqualTo(b);
        float[][] in = head(1);
        float[][] outA = a.apply(in, SHAPE, MM);
        float[][] outB = b.apply(in, SHAPE, MM);
        for (int m = 0; m < 4; m++) {
            assertThat(outA[m]).isEqualTo(outB[m]);
        }
    }

    @Test
    void shouldDrawOtherParametersAndImagesForAnotherCaseOrSeed() {
        Perturbation a = Perturbation.forCase(PerturbationStrength.STRONG, 7, 3);
        Perturbation otherCase = Perturbation.forCase(PerturbationStrength.STRONG, 7, 4);
        Perturbation otherSeed = Perturbation.forCase(PerturbationStrength.STRONG, 8, 3);
        assertThat(otherCase).isNotEqualTo(a);
        assertThat(otherSeed).isNotEqualTo(a);
        float[][] in = head(1);
        assertThat(a.apply(in, SHAPE, MM)[3]).isNotEqualTo(otherCase.apply(in, SHAPE, MM)[3]);
    }

    @Test
    void shouldLeaveTheInputArraysAlone() {
        float[][] in = head(1);
        float[][] copy = {in[0].clone(), in[1].clone(), in[2].clone(), in[3].clone()};
        Perturbation.draw(1.5, new SplittableRandom(1)).apply(in, SHAPE, MM);
        assertThat(in).isDeepEqualTo(copy);
    }

    @ParameterizedTest(name = "strength {0}")
    @ValueSource(doubles = {0.5, 1.0, 1.5, 2.0})
    void shouldDrawWithinTheDocumentedRanges(double s) {
        for (long seed = 0; seed < 200; seed++) {
            Perturbation p = Perturbation.draw(s, new SplittableRandom(seed));
            assertThat(p.resolutionFactor()).isBetween(1 + 0.25 * s, 1 + 0.5 * s);
            for (Channel c : p.channels()) {
                assertThat(c.biasAmplitude()).isBetween(0.1 * s, 0.2 * s);
                assertThat(Math.abs(Math.log(c.gamma()))).isLessThanOrEqualTo(0.5 * s + 1e-12);
                assertThat(c.noiseSigma()).isBetween(0.015 * s, 0.03 * s);
                assertThat(c.sliceThicknessMm()).isBetween(2 * s, 4 * s);
                assertThat(c.sliceAxis()).isBetween(0, 2);
            }
        }
    }

    // --- each component ---

    @Test
    void shouldMultiplyBySmoothBiasFieldWithinItsAmplitude() {
        float[][] in = filled(500); // the whole grid is "brain": the field's extremes are on it
        double a = 0.2;
        float[][] out = only(new Channel(a, 1, 0, 0, 0), 1).apply(in, SHAPE, MM);
        for (int m = 0; m < 4; m++) {
            float[] ratio = ratio(out[m], in[m]);
            double min = min(ratio);
            double max = max(ratio);
            assertThat(min).as("lowest factor").isGreaterThanOrEqualTo(1 - a - 1e-5);
            assertThat(max).as("highest factor").isLessThanOrEqualTo(1 + a + 1e-5);
            assertThat(Math.max(max - 1, 1 - min)).as("the field's peak is scaled to the amplitude").isCloseTo(a, within(1e-4));
            // low frequency: neighbouring factors differ by a small part of the amplitude (80 mm lattice)
            assertThat(maxNeighbourStep(ratio)).as("largest step between neighbours").isLessThan(0.1 * a);
        }
        assertThat(out[0]).as("each modality its own field").isNotEqualTo(out[1]);
    }

    @ParameterizedTest(name = "gamma {0}")
    @ValueSource(doubles = {0.6, 1.7})
    void shouldChangeContrastByAMonotoneMapping(double gamma) {
        float[][] in = head(2);
        float[][] out = only(new Channel(0, gamma, 0, 0, 0), 1).apply(in, SHAPE, MM);
        for (int m = 0; m < 4; m++) {
            Integer[] order = brainVoxelsByValue(in[m]);
            int inversions = 0;
            for (int i = 1; i < order.length; i++) {
                if (in[m][order[i]] > in[m][order[i - 1]] && out[m][order[i]] < out[m][order[i - 1]]) {
                    inversions++;
                }
            }
            assertThat(inversions).as("pairs whose order the mapping reverses").isZero();
            // below the robust maximum a gamma below 1 brightens, above 1 darkens
            int mid = order[order.length / 2];
            if (gamma < 1) {
                assertThat(out[m][mid]).isGreaterThan(in[m][mid] * 1.02f);
            } else {
                assertThat(out[m][mid]).isLessThan(in[m][mid] * 0.98f);
            }
        }
    }

    @Test
    void shouldAddRicianNoiseOfTheGivenSigmaRelativeToTheBrainMedian() {
        float[][] in = filled(400);
        for (double sigma : new double[] {0.01, 0.03, 0.06}) {
            float[][] out = only(new Channel(0, 1, sigma, 0, 0), 1).apply(in, SHAPE, MM);
            double sd = sd(diff(out[2], in[2]));
            assertThat(sd / (sigma * 400)).as("sd of the difference over sigma at " + sigma).isCloseTo(1.0, within(0.05));
        }
    }

    @Test
    void shouldAddMoreNoiseInAFlatRegionAtHigherStrength() {
        float[][] in = filled(400);
        double previous = 0;
        for (double s : new double[] {0.5, 1.0, 1.5, 2.0}) {
            float[][] out = Perturbation.draw(s, new SplittableRandom(11)).apply(in, SHAPE, MM);
            // neighbour differences: blind to the smooth bias field and to the (constant) gamma change
            double sd = sd(neighbourDifferences(out[0], 0, 8, 24));
            assertThat(sd).as("noise at strength " + s).isGreaterThan(previous * 1.2);
            previous = sd;
        }
    }

    @Test
    void shouldRemoveHighFrequenciesAlongTheThickSliceAxisMostly() {
        float[][] in = texture(5);
        for (int axis = 0; axis < 3; axis++) {
            float[][] out = only(new Channel(0, 1, 0, axis, 4.0), 1).apply(in, SHAPE, MM);
            double[] r = new double[3];
            for (int a = 0; a < 3; a++) {
                r[a] = highFrequencyEnergy(out[1], a) / highFrequencyEnergy(in[1], a);
            }
            for (int a = 0; a < 3; a++) {
                if (a != axis) {
                    assertThat(r[axis]).as("axis %d against %d: %s", axis, a, Arrays.toString(r)).isLessThan(0.3 * r[a]);
                }
            }
            assertThat(r[axis]).isLessThan(0.1);
        }
    }

    @Test
    void shouldIgnoreSlicesThinnerThanTheGrid() {
        float[][] in = texture(5);
        float[][] out = only(new Channel(0, 1, 0, 2, 0.9), 1).apply(in, SHAPE, MM);
        assertThat(out[0]).isEqualTo(in[0]);
    }

    @Test
    void shouldLowerTheResolutionAlongEveryAxis() {
        float[][] in = texture(6);
        float[][] out = only(Channel.IDENTITY, 1.5).apply(in, SHAPE, MM);
        double[] r = new double[3];
        for (int a = 0; a < 3; a++) {
            r[a] = highFrequencyEnergy(out[0], a) / highFrequencyEnergy(in[0], a);
            assertThat(r[a]).as("high-frequency energy kept along axis " + a).isLessThan(0.5);
        }
        assertThat(max(r) / min(r)).as("isotropic").isLessThan(1.3);
        assertThat(mean(out[0])).as("box averages keep the mean").isCloseTo(mean(in[0]), within(0.01 * mean(in[0])));
    }

    @Test
    void shouldNotDarkenTheBrainEdgeWhenBlurring() {
        float[][] in = sphere((i, j, k, m) -> 300f);
        float[][] out = only(new Channel(0, 1, 0, 0, 4.0), 1.5).apply(in, SHAPE, MM);
        for (int v = 0; v < in[0].length; v++) {
            if (in[0][v] != 0) {
                assertThat(out[0][v]).isCloseTo(300f, within(1e-3f));
            }
        }
    }

    // --- the whole perturbation ---

    @ParameterizedTest(name = "strength {0}")
    @ValueSource(doubles = {0.5, 1.0, 1.5, 2.0})
    void shouldKeepTheBackgroundZeroAndTheBrainPositive(double s) {
        float[][] in = head(3);
        for (long seed = 0; seed < 3; seed++) {
            float[][] out = Perturbation.draw(s, new SplittableRandom(seed)).apply(in, SHAPE, MM);
            int background = 0;
            int brain = 0;
            for (int m = 0; m < 4; m++) {
                for (int v = 0; v < in[m].length; v++) {
                    if (in[m][v] == 0 && out[m][v] != 0) {
                        background++;
                    } else if (in[m][v] != 0 && !(out[m][v] > 0 && Float.isFinite(out[m][v]))) {
                        brain++;
                    }
                }
            }
            assertThat(background).as("background voxels no longer 0").isZero();
            assertThat(brain).as("brain voxels not positive and finite").isZero();
        }
    }

    @ParameterizedTest(name = "case {0}")
    @ValueSource(ints = {0, 1, 2, 3, 4})
    void shouldChangeTheImageMoreAtEachStrongerStrength(int index) {
        float[][] in = head(4);
        double previous = 0;
        for (PerturbationStrength s : List.of(PerturbationStrength.MILD, PerturbationStrength.STRONG, PerturbationStrength.STRONGER)) {
            float[][] out = Perturbation.forCase(s, 21, index).apply(in, SHAPE, MM);
            double mad = meanAbsoluteDifference(out, in);
            assertThat(mad).as("mean absolute difference at " + s).isGreaterThan(previous);
            previous = mad;
        }
    }

    // --- hostile input ---

    static Stream<Arguments> refused() {
        float[][] ok = head(1);
        Perturbation p = Perturbation.draw(1, new SplittableRandom(1));
        float[][] nan = head(1);
        nan[2][5000] = Float.NaN;
        float[][] negative = head(1);
        negative[1][7] = -1;
        float[][] infinite = head(1);
        infinite[0][9] = Float.POSITIVE_INFINITY;
        float[][] mismatched = head(1);
        mismatched[3] = new float[N * N * N - 1];
        return Stream.of(
                Arguments.of("strength NaN", "strength", (Supplier<?>) () -> Perturbation.draw(Double.NaN, new SplittableRandom(1))),
                Arguments.of("negative strength", "strength", (Supplier<?>) () -> Perturbation.draw(-0.1, new SplittableRandom(1))),
                Arguments.of("strength above 2", "strength", (Supplier<?>) () -> Perturbation.draw(2.01, new SplittableRandom(1))),
                Arguments.of("infinite strength", "strength",
                        (Supplier<?>) () -> Perturbation.draw(Double.POSITIVE_INFINITY, new SplittableRandom(1))),
                Arguments.of("unknown name", "none, mild, strong or stronger", (Supplier<?>) () -> PerturbationStrength.parse("extreme")),
                Arguments.of("empty name", "none, mild, strong or stronger", (Supplier<?>) () -> PerturbationStrength.parse("")),
                Arguments.of("null name", "none, mild, strong or stronger", (Supplier<?>) () -> PerturbationStrength.parse(null)),
                Arguments.of("three modalities", "4 modalities",
                        (Supplier<?>) () -> p.apply(new float[][] {ok[0], ok[1], ok[2]}, SHAPE, MM)),
                Arguments.of("empty volume", "empty volume",
                        (Supplier<?>) () -> p.apply(new float[][] {{}, {}, {}, {}}, new int[] {0, N, N}, MM)),
                Arguments.of("two sizes", "3 sizes", (Supplier<?>) () -> p.apply(ok, new int[] {N, N * N}, MM)),
                Arguments.of("mismatched arrays", "modality 3 has", (Supplier<?>) () -> p.apply(mismatched, SHAPE, MM)),
                Arguments.of("NaN voxel", "modality 2 voxel 5000 is NaN", (Supplier<?>) () -> p.apply(nan, SHAPE, MM)),
                Arguments.of("negative voxel", "before the z-score", (Supplier<?>) () -> p.apply(negative, SHAPE, MM)),
                Arguments.of("infinite voxel", "Infinity", (Supplier<?>) () -> p.apply(infinite, SHAPE, MM)),
                Arguments.of("zero spacing", "spacingMm", (Supplier<?>) () -> p.apply(ok, SHAPE, 0)),
                Arguments.of("NaN spacing", "spacingMm", (Supplier<?>) () -> p.apply(ok, SHAPE, Double.NaN)),
                Arguments.of("gamma 0", "gamma", (Supplier<?>) () -> new Channel(0, 0, 0, 0, 0)),
                Arguments.of("bias 1", "biasAmplitude", (Supplier<?>) () -> new Channel(1, 1, 0, 0, 0)),
                Arguments.of("axis 3", "sliceAxis", (Supplier<?>) () -> new Channel(0, 1, 0, 3, 0)),
                Arguments.of("NaN noise", "noiseSigma", (Supplier<?>) () -> new Channel(0, 1, Double.NaN, 0, 0)),
                Arguments.of("resolution below 1", "resolutionFactor",
                        (Supplier<?>) () -> new Perturbation(1, 0, 0.9, Collections.nCopies(4, Channel.IDENTITY))),
                Arguments.of("two channels", "4 channels",
                        (Supplier<?>) () -> new Perturbation(1, 0, 1, Collections.nCopies(2, Channel.IDENTITY))));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("refused")
    void shouldRefuseHostileInputNamingTheProblem(String what, String message, Supplier<?> call) {
        assertThatThrownBy(call::get).isInstanceOf(IllegalArgumentException.class).hasMessageContaining(message);
    }

    // --- fixtures: seeded hand-made volumes ---

    /** A perturbation with the same hand-made parameters for every modality. */
    static Perturbation only(Channel c, double resolutionFactor) {
        return new Perturbation(1, 99, resolutionFactor, Collections.nCopies(4, c));
    }

    @FunctionalInterface
    interface Signal {
        float at(int i, int j, int k, int m);
    }

    /** A ball of radius 13 voxels, {@code signal} inside, 0 outside. */
    static float[][] sphere(Signal signal) {
        float[][] out = new float[4][N * N * N];
        for (int k = 0; k < N; k++) {
            for (int j = 0; j < N; j++) {
                for (int i = 0; i < N; i++) {
                    double d2 = sq(i - 15.5) + sq(j - 15.5) + sq(k - 15.5);
                    if (d2 <= 13 * 13) {
                        for (int m = 0; m < 4; m++) {
                            out[m][i + N * (j + N * k)] = signal.at(i, j, k, m);
                        }
                    }
                }
            }
        }
        return out;
    }

    /** A head: a ball with smooth structure and 5 % texture, different per modality, 0 outside. */
    static float[][] head(long seed) {
        SplittableRandom r = new SplittableRandom(seed);
        return sphere((i, j, k, m) -> (float) ((300 + 150 * m) * (1 + 0.4 * Math.sin(i / 4.0 + m) * Math.cos(j / 5.0))
                * (1 + 0.05 * r.nextGaussian())));
    }

    /** The same value everywhere: every voxel is "brain". */
    static float[][] filled(float value) {
        float[][] out = new float[4][N * N * N];
        for (float[] m : out) {
            Arrays.fill(m, value);
        }
        return out;
    }

    /** White-noise texture around 500 on the whole grid: equal high-frequency energy along every axis. */
    static float[][] texture(long seed) {
        SplittableRandom r = new SplittableRandom(seed);
        float[][] out = new float[4][N * N * N];
        for (float[] m : out) {
            for (int v = 0; v < m.length; v++) {
                m[v] = (float) (500 + 50 * r.nextGaussian());
            }
        }
        return out;
    }

    /** Sum of squared differences between neighbours along {@code axis}. */
    static double highFrequencyEnergy(float[] x, int axis) {
        int stride = axis == 0 ? 1 : axis == 1 ? N : N * N;
        double e = 0;
        for (int k = 0; k < N; k++) {
            for (int j = 0; j < N; j++) {
                for (int i = 0; i < N; i++) {
                    int[] c = {i, j, k};
                    if (c[axis] + 1 < N) {
                        int v = i + N * (j + N * k);
                        e += sq(x[v + stride] - x[v]);
                    }
                }
            }
        }
        return e;
    }

    /** Differences along {@code axis} between neighbours in the cube [from, to)³. */
    static float[] neighbourDifferences(float[] x, int axis, int from, int to) {
        int stride = axis == 0 ? 1 : axis == 1 ? N : N * N;
        int side = to - from;
        float[] d = new float[side * side * side];
        int n = 0;
        for (int k = from; k < to; k++) {
            for (int j = from; j < to; j++) {
                for (int i = from; i < to; i++) {
                    int v = i + N * (j + N * k);
                    d[n++] = x[v + stride] - x[v];
                }
            }
        }
        return d;
    }

    static Integer[] brainVoxelsByValue(float[] x) {
        return IntStream.range(0, x.length).filter(v -> x[v] > 0).boxed()
                .sorted((a, b) -> Float.compare(x[a], x[b])).toArray(Integer[]::new);
    }

    static double maxNeighbourStep(float[] x) {
        double step = 0;
        for (int a = 0; a < 3; a++) {
            int stride = a == 0 ? 1 : a == 1 ? N : N * N;
            for (int v = 0; v + stride < x.length; v++) {
                int[] c = {v % N, (v / N) % N, v / (N * N)};
                if (c[a] + 1 < N) {
                    step = Math.max(step, Math.abs(x[v + stride] - x[v]));
                }
            }
        }
        return step;
    }

    static double meanAbsoluteDifference(float[][] a, float[][] b) {
        double sum = 0;
        long n = 0;
        for (int m = 0; m < a.length; m++) {
            for (int v = 0; v < a[m].length; v++) {
                sum += Math.abs(a[m][v] - b[m][v]);
                n++;
            }
        }
        return sum / n;
    }

    static float[] ratio(float[] a, float[] b) {
        float[] r = new float[a.length];
        for (int v = 0; v < a.length; v++) {
            r[v] = a[v] / b[v];
        }
        return r;
    }

    static float[] diff(float[] a, float[] b) {
        float[] d = new float[a.length];
        for (int v = 0; v < a.length; v++) {
            d[v] = a[v] - b[v];
        }
        return d;
    }

    static double mean(float[] x) {
        double s = 0;
        for (float f : x) {
            s += f;
        }
        return s / x.length;
    }

    static double sd(float[] x) {
        double mu = mean(x);
        double s = 0;
        for (float f : x) {
            s += sq(f - mu);
        }
        return Math.sqrt(s / (x.length - 1));
    }

    static double min(float[] x) {
        double m = Double.POSITIVE_INFINITY;
        for (float f : x) {
            m = Math.min(m, f);
        }
        return m;
    }

    static double max(float[] x) {
        double m = Double.NEGATIVE_INFINITY;
        for (float f : x) {
            m = Math.max(m, f);
        }
        return m;
    }

    static double min(double[] x) {
        return Arrays.stream(x).min().orElseThrow();
    }

    static double max(double[] x) {
        return Arrays.stream(x).max().orElseThrow();
    }

    static double sq(double x) {
        return x * x;
    }
}
