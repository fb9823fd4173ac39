package org.brainseg.viewer.render;

import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import javax.imageio.ImageIO;
import org.brainseg.imaging.Volume;

/**
 * {@code preview.png}: one axial slice through the tumour's largest cross-section, the scan in grey
 * with the mask over it in {@link LabelColours}, enlarged by whole pixels to about
 * {@value #TARGET} pixels, drawn as the browser viewer draws it ({@link Display}). Pure Java2D on
 * a {@link BufferedImage}: renders headless, no fonts needed.
 */
public final class PreviewImage {
    static final int TARGET = 320;

    static {
        if (System.getProperty("java.awt.headless") == null) {
            System.setProperty("java.awt.headless", "true");
        }
    }

    private PreviewImage() {}

    /** The axial slice with the most tumour voxels (the middle one when the mask is empty). */
    public static int largestCrossSection(Volume mask) {
        int plane = mask.nx() * mask.ny();
        float[] d = mask.data();
        int best = mask.nz() / 2;
        long bestCount = 0;
        for (int k = 0; k < mask.nz(); k++) {
            long n = 0;
            for (int p = k * plane; p < (k + 1) * plane; p++) {
                if (d[p] > 0) {
                    n++;
                }
            }
            if (n > bestCount) {
                bestCount = n;
                best = k;
            }
        }
        return best;
    }

    /** The axial slice {@code k} of {@code scan} with {@code mask} over it (null mask or alpha 0: no overlay). */
    public static BufferedImage axial(Volume scan, Display display, Volume mask, int k, double alpha) {
        int nx = scan.nx();
        int ny = scan.ny();
        double[] sp = scan.spacing();
        // whole-pixel zoom; the j axis is stretched to keep the aspect of non-square voxels
        int zoomX = Math.max(1, (int) Math.round(TARGET / (double) Math.max(nx, ny)));
        int zoomY = Math.max(1, (int) Math.round(zoomX * sp[1] / sp[0]));
        BufferedImage img = new BufferedImage(nx * zoomX, ny * zoomY, BufferedImage.TYPE_INT_RGB);
        for (int j = 0; j < ny; j++) {
            for (int i = 0; i < nx; i++) {
                int g = display.grey(scan.get(i, j, k));
                int r = g;
                int gr = g;
                int b = g;
                int[] c = mask == null || alpha <= 0 ? null : LabelColours.rgb((int) mask.get(i, j, k));
                if (c != null) {
                    r = (int) Math.round((1 - alpha) * g + alpha * c[0]);
                    gr = (int) Math.round((1 - alpha) * g + alpha * c[1]);
                    b = (int) Math.round((1 - alpha) * g + alpha * c[2]);
                }
                int rgb = (r << 16) | (gr << 8) | b;
                int px = (display.flipI() ? nx - 1 - i : i) * zoomX;
                int py = (display.flipJ() ? ny - 1 - j : j) * zoomY;
                for (int dy = 0; dy < zoomY; dy++) {
                    for (int dx = 0; dx < zoomX; dx++) {
                        img.setRGB(px + dx, py + dy, rgb);
                    }
                }
            }
        }
        return img;
    }

    /** The preview as PNG bytes. */
    public static byte[] png(Volume scan, Volume mask) throws IOException {
        BufferedImage img = axial(scan, Display.of(scan), mask, largestCrossSection(mask), LabelColours.ALPHA);
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        if (!ImageIO.write(img, "png", out)) {
            throw new IOException("no PNG writer available");
        }
        return out.toByteArray();
    }
}
