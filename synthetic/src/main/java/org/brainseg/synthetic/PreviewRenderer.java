package org.brainseg.synthetic;

import java.awt.Color;
import java.awt.Font;
import java.awt.Graphics2D;
import java.awt.RenderingHints;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Path;
import javax.imageio.ImageIO;
import org.brainseg.imaging.io.AtomicWrite;
import org.brainseg.imaging.Volume;

/**
 * A contact sheet of a case for people to look at: two axial slices (through the largest
 * tumour cross-section and 15 mm above it), each as T1, T1ce, T2, FLAIR in grey (window from
 * the 0.5th to 99.5th percentile of brain voxels) and FLAIR with the labels overlaid
 * (NCR/NET red, edema green, enhancing yellow). Radiological orientation: anterior up, the
 * patient's right on the left. Renders headless.
 */
public final class PreviewRenderer {
    private static final String[] NAMES = {"T1", "T1ce", "T2", "FLAIR", "labels"};
    private static final int[][] COLOURS = {{0, 0, 0}, {230, 40, 40}, {40, 210, 60}, {250, 230, 30}};
    private static final float ALPHA = 0.45f;
    private static final int TARGET_PANEL = 240;
    private static final int CAPTION = 16;

    static {
        if (System.getProperty("java.awt.headless") == null) {
            System.setProperty("java.awt.headless", "true");
        }
    }

    /** Renders a synthetic case and writes the PNG (temp file + rename). */
    public void write(SyntheticCase c, Path png) throws IOException {
        BufferedImage img = render(c.channels(), c.labels(), c.id());
        AtomicWrite.write(png, tmp -> {
            if (!ImageIO.write(img, "png", tmp.toFile())) {
                throw new IOException("no PNG writer available");
            }
        });
    }

    /**
     * The contact sheet of four modalities (T1, T1ce, T2, FLAIR) on one grid and optional
     * internal labels (null: slices through the middle, overlay column left grey).
     */
    public BufferedImage render(Volume[] channels, Volume labels, String title) {
        Volume ref = channels[0];
        int nx = ref.nx();
        int ny = ref.ny();
        int zoom = Math.max(1, Math.round((float) TARGET_PANEL / Math.max(nx, ny)));
        int pw = nx * zoom;
        int ph = ny * zoom;
        int[] slices = slices(labels, ref);
        BufferedImage img = new BufferedImage(NAMES.length * pw, slices.length * (ph + CAPTION) + CAPTION,
                BufferedImage.TYPE_INT_RGB);
        float[][] window = new float[channels.length][];
        for (int m = 0; m < channels.length; m++) {
            window[m] = window(channels[m]);
        }
        Graphics2D g = img.createGraphics();
        try {
            for (int row = 0; row < slices.length; row++) {
                int y0 = CAPTION + row * (ph + CAPTION);
                for (int col = 0; col < NAMES.length; col++) {
                    int m = Math.min(col, 3);
                    drawSlice(img, channels[m], window[m], col == 4 ? labels : null, slices[row], col * pw, y0, zoom);
                }
                caption(g, String.format(java.util.Locale.ROOT, "axial z=%d", slices[row]), 4, y0 + ph + CAPTION - 4);
            }
            for (int col = 0; col < NAMES.length; col++) {
                caption(g, NAMES[col], col * pw + 4, CAPTION - 4);
            }
            caption(g, title, NAMES.length * pw - 8 * title.length() - 4, CAPTION - 4);
        } finally {
            g.dispose();
        }
        return img;
    }

    private static void drawSlice(BufferedImage img, Volume v, float[] win, Volume labels, int k, int x0, int y0, int zoom) {
        int nx = v.nx();
        int ny = v.ny();
        float lo = win[0];
        float span = Math.max(1e-6f, win[1] - win[0]);
        for (int j = 0; j < ny; j++) {
            for (int i = 0; i < nx; i++) {
                float f = (v.get(i, j, k) - lo) / span;
                int grey = Math.max(0, Math.min(255, Math.round(255 * f)));
                int r = grey;
                int gr = grey;
                int b = grey;
                int label = labels == null ? 0 : (int) labels.get(i, j, k);
                if (label > 0 && label < 4) {
                    int[] c = COLOURS[label];
                    r = Math.round((1 - ALPHA) * grey + ALPHA * c[0]);
                    gr = Math.round((1 - ALPHA) * grey + ALPHA * c[1]);
                    b = Math.round((1 - ALPHA) * grey + ALPHA * c[2]);
                }
                int rgb = (r << 16) | (gr << 8) | b;
                int px = x0 + (nx - 1 - i) * zoom; // patient's right on the left
                int py = y0 + (ny - 1 - j) * zoom; // anterior up
                for (int dy = 0; dy < zoom; dy++) {
                    for (int dx = 0; dx < zoom; dx++) {
                        img.setRGB(px + dx, py + dy, rgb);
                    }
                }
            }
        }
    }

    /** Slice with the most tumour core (or whole tumour), and one 15 mm above it. */
    private static int[] slices(Volume labels, Volume ref) {
        int nz = ref.nz();
        int best = nz / 2;
        if (labels != null) {
            long bestScore = 0;
            int plane = ref.nx() * ref.ny();
            float[] d = labels.data();
            for (int k = 0; k < nz; k++) {
                long score = 0;
                for (int p = k * plane; p < (k + 1) * plane; p++) {
                    score += d[p] == 1 || d[p] == 3 ? 4 : d[p] > 0 ? 1 : 0;
                }
                if (score > bestScore) {
                    bestScore = score;
                    best = k;
                }
            }
        }
        int up = (int) Math.round(15 / ref.spacing()[2]);
        int second = best + up < nz ? best + up : Math.max(0, best - up);
        return new int[] {best, second};
    }

    /** 0.5th and 99.5th percentile of the non-zero voxels. */
    private static float[] window(Volume v) {
        float max = 0;
        for (float f : v.data()) {
            max = Math.max(max, f);
        }
        if (max <= 0) {
            return new float[] {0, 1};
        }
        int bins = 4096;
        long[] hist = new long[bins];
        long n = 0;
        for (float f : v.data()) {
            if (f > 0) {
                hist[Math.min(bins - 1, (int) (f / max * bins))]++;
                n++;
            }
        }
        return new float[] {TissueClasses.percentile(hist, n, 0.005) * max / bins, (TissueClasses.percentile(hist, n, 0.995) + 1) * max / bins};
    }

    /** Text is decoration: a JDK without fonts (fontconfig) must not lose the picture. */
    private static void caption(Graphics2D g, String text, int x, int y) {
        try {
            g.setRenderingHint(RenderingHints.KEY_TEXT_ANTIALIASING, RenderingHints.VALUE_TEXT_ANTIALIAS_ON);
            g.setFont(new Font(Font.SANS_SERIF, Font.PLAIN, 12));
            g.setColor(Color.WHITE);
            g.drawString(text, x, y);
        } catch (RuntimeException | InternalError e) {
            // no usable font: leave the caption out
        }
    }
}
