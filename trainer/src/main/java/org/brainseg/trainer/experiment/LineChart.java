package org.brainseg.trainer.experiment;

import java.awt.BasicStroke;
import java.awt.Color;
import java.awt.Font;
import java.awt.Graphics2D;
import java.awt.RenderingHints;
import java.awt.Stroke;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * A small line-chart panel drawn with Java2D (no plotting library on the JVM side of the build):
 * axes with ticks, one line per series, a legend. Several panels make one PNG.
 */
public final class LineChart {
    /** One line: name, colour, dashed or solid, y per x. */
    public record Series(String name, Color color, boolean dashed, double[] x, double[] y) {}

    private final String title;
    private final String xLabel;
    private final String yLabel;
    private final List<Series> series = new ArrayList<>();

    public LineChart(String title, String xLabel, String yLabel) {
        this.title = title;
        this.xLabel = xLabel;
        this.yLabel = yLabel;
    }

    public LineChart add(Series s) {
        series.add(s);
        return this;
    }

    /** Draws the panel into the rectangle (x0, y0, w, h). */
    public void draw(Graphics2D g, int x0, int y0, int w, int h) {
        g.setRenderingHint(RenderingHints.KEY_ANTIALIASING, RenderingHints.VALUE_ANTIALIAS_ON);
        g.setRenderingHint(RenderingHints.KEY_TEXT_ANTIALIASING, RenderingHints.VALUE_TEXT_ANTIALIAS_ON);
        int left = x0 + 70, right = x0 + w - 20, top = y0 + 40, bottom = y0 + h - 50;
        double[] xr = range(true), yr = range(false);
        g.setColor(Color.BLACK);
        g.setFont(new Font(Font.SANS_SERIF, Font.BOLD, 16));
        g.drawString(title, left, y0 + 25);
        g.setFont(new Font(Font.SANS_SERIF, Font.PLAIN, 12));
        g.drawLine(left, bottom, right, bottom);
        g.drawLine(left, top, left, bottom);
        for (double xv : xTicks(xr)) {
            int px = (int) Math.round(left + (right - left) * (xv - xr[0]) / (xr[1] - xr[0]));
            g.setColor(new Color(230, 230, 230));
            g.drawLine(px, top, px, bottom);
            g.setColor(Color.BLACK);
            g.drawLine(px, bottom, px, bottom + 4);
            String lx = xv == Math.rint(xv) ? String.format(Locale.ROOT, "%.0f", xv) : String.format(Locale.ROOT, "%.1f", xv);
            g.drawString(lx, px - g.getFontMetrics().stringWidth(lx) / 2, bottom + 18);
        }
        for (int t = 0; t <= 5; t++) {
            double yv = yr[0] + (yr[1] - yr[0]) * t / 5;
            int py = (int) Math.round(bottom - (bottom - top) * (double) t / 5);
            g.setColor(new Color(230, 230, 230));
            g.drawLine(left, py, right, py);
            g.setColor(Color.BLACK);
            g.drawLine(left - 4, py, left, py);
            String ly = String.format(Locale.ROOT, "%.3f", yv);
            g.drawString(ly, left - 8 - g.getFontMetrics().stringWidth(ly), py + 4);
        }
        g.drawString(xLabel, (left + right) / 2 - g.getFontMetrics().stringWidth(xLabel) / 2, bottom + 38);
        Graphics2D rot = (Graphics2D) g.create();
        rot.rotate(-Math.PI / 2);
        rot.drawString(yLabel, -(top + bottom) / 2 - rot.getFontMetrics().stringWidth(yLabel) / 2, x0 + 16);
        rot.dispose();
        Stroke solid = new BasicStroke(2.2f);
        Stroke dashed = new BasicStroke(2.2f, BasicStroke.CAP_BUTT, BasicStroke.JOIN_ROUND, 1f, new float[] {7f, 5f}, 0f);
        int legendY = top + 6;
        for (Series s : series) {
            g.setColor(s.color());
            g.setStroke(s.dashed() ? dashed : solid);
            int prevX = -1, prevY = -1;
            for (int i = 0; i < s.x().length; i++) {
                if (!Double.isFinite(s.y()[i])) {
                    continue;
                }
                int px = (int) Math.round(left + (right - left) * (s.x()[i] - xr[0]) / (xr[1] - xr[0]));
                int py = (int) Math.round(bottom - (bottom - top) * (s.y()[i] - yr[0]) / (yr[1] - yr[0]));
                if (prevX >= 0) {
                    g.drawLine(prevX, prevY, px, py);
                }
                g.fillOval(px - 3, py - 3, 6, 6);
                prevX = px;
                prevY = py;
            }
            g.drawLine(right - 170, legendY, right - 140, legendY);
            g.setStroke(new BasicStroke(1f));
            g.setColor(Color.BLACK);
            g.drawString(s.name(), right - 132, legendY + 4);
            legendY += 18;
        }
        g.setStroke(new BasicStroke(1f));
    }

    /** Whole-number ticks (epochs) when the range allows, else six evenly spaced values. */
    static double[] xTicks(double[] xr) {
        double span = xr[1] - xr[0];
        if (span >= 2) {
            double step = Math.max(1, Math.ceil(span / 6));
            int n = (int) Math.floor((xr[1] - Math.ceil(xr[0])) / step) + 1;
            double[] t = new double[n];
            for (int i = 0; i < n; i++) {
                t[i] = Math.ceil(xr[0]) + i * step;
            }
            return t;
        }
        double[] t = new double[6];
        for (int i = 0; i <= 5; i++) {
            t[i] = xr[0] + span * i / 5;
        }
        return t;
    }

    private double[] range(boolean x) {
        double lo = Double.POSITIVE_INFINITY, hi = Double.NEGATIVE_INFINITY;
        for (Series s : series) {
            for (double v : x ? s.x() : s.y()) {
                if (Double.isFinite(v)) {
                    lo = Math.min(lo, v);
                    hi = Math.max(hi, v);
                }
            }
        }
        if (!Double.isFinite(lo)) {
            return new double[] {0, 1};
        }
        if (hi - lo < 1e-9) {
            hi = lo + 1;
        }
        if (!x) {
            double pad = (hi - lo) * 0.05;
            lo -= pad;
            hi += pad;
        }
        return new double[] {lo, hi};
    }
}
