package dev.vaelab.sweep.summary;

import java.awt.BasicStroke;
import java.awt.Color;
import java.awt.Font;
import java.awt.FontMetrics;
import java.awt.Graphics2D;
import java.awt.RenderingHints;
import java.awt.geom.AffineTransform;
import java.awt.geom.Ellipse2D;
import java.awt.geom.Path2D;
import java.awt.image.BufferedImage;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * A small line and scatter chart drawn with Java2D: a title, labelled axes with round tick values
 * (linear, logarithmic or categorical x), and a legend when series are named. Enough to read a
 * sweep at a glance; not a plotting library.
 */
final class Chart {
    /** Ten distinguishable colours (Tableau 10); later series reuse them with dashes. */
    private static final Color[] PALETTE = {
        new Color(0x4E79A7), new Color(0xF28E2B), new Color(0xE15759), new Color(0x76B7B2), new Color(0x59A14F),
        new Color(0xEDC948), new Color(0xB07AA1), new Color(0xFF9DA7), new Color(0x9C755F), new Color(0xBAB0AC)};
    private static final int MARGIN_LEFT = 78;
    private static final int MARGIN_RIGHT = 20;
    private static final int MARGIN_TOP = 36;
    private static final int MARGIN_BOTTOM = 56;
    private static final int LEGEND_WIDTH = 250;

    /** How a series is drawn. */
    enum Style { LINE, POINTS, LINE_AND_POINTS }

    private record Series(String label, double[] xs, double[] ys, Style style, Color color, boolean dashed) {
    }

    private final String title;
    private final String xLabel;
    private final String yLabel;
    private final List<Series> series = new ArrayList<>();
    private boolean logX;
    private List<String> categories = List.of();

    Chart(String title, String xLabel, String yLabel) {
        this.title = title;
        this.xLabel = xLabel;
        this.yLabel = yLabel;
    }

    /** A logarithmic x axis (all x must be greater than 0). */
    Chart logX() {
        this.logX = true;
        return this;
    }

    /** A categorical x axis: x value i is drawn at category i. */
    Chart categories(List<String> names) {
        this.categories = List.copyOf(names);
        return this;
    }

    /** Adds a series in the next colour; a null label keeps it out of the legend. */
    Chart add(String label, double[] xs, double[] ys, Style style) {
        int i = series.size();
        return add(label, xs, ys, style, PALETTE[i % PALETTE.length], i >= PALETTE.length);
    }

    /** Adds a series in a given colour. */
    Chart add(String label, double[] xs, double[] ys, Style style, Color color, boolean dashed) {
        if (xs.length != ys.length) {
            throw new IllegalArgumentException("xs and ys differ in length");
        }
        series.add(new Series(label, xs.clone(), ys.clone(), style, color, dashed));
        return this;
    }

    /** Draws the chart; the legend, when any series is named, takes a column on the right. */
    BufferedImage render(int width, int height) {
        BufferedImage image = new BufferedImage(width, height, BufferedImage.TYPE_INT_RGB);
        Graphics2D g = image.createGraphics();
        try {
            g.setRenderingHint(RenderingHints.KEY_ANTIALIASING, RenderingHints.VALUE_ANTIALIAS_ON);
            g.setRenderingHint(RenderingHints.KEY_TEXT_ANTIALIASING, RenderingHints.VALUE_TEXT_ANTIALIAS_ON);
            g.setColor(Color.WHITE);
            g.fillRect(0, 0, width, height);
            boolean legend = series.stream().anyMatch(s -> s.label() != null);
            int plotRight = width - MARGIN_RIGHT - (legend ? LEGEND_WIDTH : 0);
            int plotBottom = height - MARGIN_BOTTOM;
            Frame frame = new Frame(MARGIN_LEFT, MARGIN_TOP, plotRight, plotBottom, xRange(), yRange());
            drawAxes(g, frame);
            for (Series s : series) {
                drawSeries(g, frame, s);
            }
            if (legend) {
                drawLegend(g, plotRight + 16, MARGIN_TOP, height - MARGIN_TOP - 8);
            }
            g.setColor(Color.BLACK);
            g.setFont(new Font(Font.SANS_SERIF, Font.BOLD, 14));
            g.drawString(title, MARGIN_LEFT, 22);
        } finally {
            g.dispose();
        }
        return image;
    }

    /** The data-to-pixel mapping of the plot area. */
    private record Frame(int left, int top, int right, int bottom, double[] x, double[] y) {
        double px(double v, boolean log) {
            double a = log ? Math.log10(x[0]) : x[0];
            double b = log ? Math.log10(x[1]) : x[1];
            double t = ((log ? Math.log10(v) : v) - a) / (b - a);
            return left + t * (right - left);
        }

        double py(double v) {
            return bottom - (v - y[0]) / (y[1] - y[0]) * (bottom - top);
        }
    }

    private double[] xRange() {
        if (!categories.isEmpty()) {
            return new double[] {-0.5, categories.size() - 0.5};
        }
        double[] r = range(true);
        if (logX) {
            return new double[] {r[0] / 1.3, r[1] * 1.3};
        }
        return pad(r, 0.03);
    }

    private double[] yRange() {
        return pad(range(false), 0.06);
    }

    /** The extent of the finite data on one axis; [0, 1] without data. */
    private double[] range(boolean x) {
        double lo = Double.POSITIVE_INFINITY;
        double hi = Double.NEGATIVE_INFINITY;
        for (Series s : series) {
            for (int i = 0; i < s.xs().length; i++) {
                double v = x ? s.xs()[i] : s.ys()[i];
                if (Double.isFinite(s.xs()[i]) && Double.isFinite(s.ys()[i]) && (!x || !logX || v > 0)) {
                    lo = Math.min(lo, v);
                    hi = Math.max(hi, v);
                }
            }
        }
        if (lo > hi) {
            return x && logX ? new double[] {1, 10} : new double[] {0, 1};
        }
        if (lo == hi) {
            return x && logX ? new double[] {lo / 2, hi * 2} : new double[] {lo - Math.max(1e-9, Math.abs(lo) * 0.1),
                    hi + Math.max(1e-9, Math.abs(hi) * 0.1)};
        }
        return new double[] {lo, hi};
    }

    private static double[] pad(double[] r, double fraction) {
        double d = (r[1] - r[0]) * fraction;
        return new double[] {r[0] - d, r[1] + d};
    }

    private void drawAxes(Graphics2D g, Frame f) {
        Font tickFont = new Font(Font.SANS_SERIF, Font.PLAIN, 11);
        g.setFont(tickFont);
        FontMetrics fm = g.getFontMetrics();
        g.setStroke(new BasicStroke(1f));
        // y ticks and grid
        for (double v : linearTicks(f.y()[0], f.y()[1], 6)) {
            int y = (int) Math.round(f.py(v));
            g.setColor(new Color(0xE6E6E6));
            g.drawLine(f.left(), y, f.right(), y);
            g.setColor(Color.DARK_GRAY);
            String text = tickText(v);
            g.drawString(text, f.left() - 6 - fm.stringWidth(text), y + fm.getAscent() / 2 - 1);
        }
        // x ticks
        List<double[]> xTicks = new ArrayList<>(); // position value, label index or value
        if (!categories.isEmpty()) {
            for (int i = 0; i < categories.size(); i++) {
                xTicks.add(new double[] {i, i});
            }
        } else {
            for (double v : logX ? logTicks(f.x()[0], f.x()[1]) : linearTicks(f.x()[0], f.x()[1], 7)) {
                xTicks.add(new double[] {v, v});
            }
        }
        for (double[] t : xTicks) {
            int x = (int) Math.round(f.px(t[0], logX && categories.isEmpty()));
            g.setColor(new Color(0xE6E6E6));
            g.drawLine(x, f.top(), x, f.bottom());
            g.setColor(Color.DARK_GRAY);
            g.drawLine(x, f.bottom(), x, f.bottom() + 4);
            String text = categories.isEmpty() ? tickText(t[1]) : shorten(categories.get((int) t[1]), 14);
            g.drawString(text, x - fm.stringWidth(text) / 2, f.bottom() + 6 + fm.getAscent());
        }
        g.setColor(Color.DARK_GRAY);
        g.drawRect(f.left(), f.top(), f.right() - f.left(), f.bottom() - f.top());
        // axis labels
        g.setFont(new Font(Font.SANS_SERIF, Font.PLAIN, 12));
        fm = g.getFontMetrics();
        g.setColor(Color.BLACK);
        String xText = xLabel + (logX ? " (log scale)" : "");
        g.drawString(xText, (f.left() + f.right()) / 2 - fm.stringWidth(xText) / 2, f.bottom() + 40);
        AffineTransform saved = g.getTransform();
        g.rotate(-Math.PI / 2);
        g.drawString(yLabel, -((f.top() + f.bottom()) / 2 + fm.stringWidth(yLabel) / 2), 18);
        g.setTransform(saved);
    }

    private void drawSeries(Graphics2D g, Frame f, Series s) {
        boolean log = logX && categories.isEmpty();
        g.setColor(s.color());
        float[] dash = s.dashed() ? new float[] {6f, 4f} : null;
        g.setStroke(new BasicStroke(1.6f, BasicStroke.CAP_ROUND, BasicStroke.JOIN_ROUND, 10f, dash, 0f));
        if (s.style() != Style.POINTS) {
            Path2D.Double path = new Path2D.Double();
            boolean open = false;
            for (int i = 0; i < s.xs().length; i++) {
                if (!Double.isFinite(s.ys()[i]) || !Double.isFinite(s.xs()[i]) || (log && s.xs()[i] <= 0)) {
                    open = false;
                    continue;
                }
                double x = f.px(s.xs()[i], log);
                double y = f.py(s.ys()[i]);
                if (open) {
                    path.lineTo(x, y);
                } else {
                    path.moveTo(x, y);
                    open = true;
                }
            }
            g.draw(path);
        }
        if (s.style() != Style.LINE) {
            for (int i = 0; i < s.xs().length; i++) {
                if (Double.isFinite(s.ys()[i]) && Double.isFinite(s.xs()[i]) && (!log || s.xs()[i] > 0)) {
                    double x = f.px(s.xs()[i], log);
                    double y = f.py(s.ys()[i]);
                    g.fill(new Ellipse2D.Double(x - 4, y - 4, 8, 8));
                }
            }
        }
    }

    private void drawLegend(Graphics2D g, int x, int top, int height) {
        g.setFont(new Font(Font.SANS_SERIF, Font.PLAIN, 11));
        FontMetrics fm = g.getFontMetrics();
        int lineHeight = fm.getHeight() + 2;
        int y = top + fm.getAscent();
        int shown = 0;
        List<Series> named = series.stream().filter(s -> s.label() != null).toList();
        int capacity = Math.max(1, height / lineHeight);
        for (Series s : named) {
            if (shown == capacity - 1 && named.size() > capacity) {
                g.setColor(Color.DARK_GRAY);
                g.drawString("... and " + (named.size() - shown) + " more", x, y);
                break;
            }
            g.setColor(s.color());
            float[] dash = s.dashed() ? new float[] {4f, 3f} : null;
            g.setStroke(new BasicStroke(2f, BasicStroke.CAP_BUTT, BasicStroke.JOIN_MITER, 10f, dash, 0f));
            g.drawLine(x, y - fm.getAscent() / 2 + 1, x + 18, y - fm.getAscent() / 2 + 1);
            g.setColor(Color.BLACK);
            g.drawString(fit(s.label(), fm, LEGEND_WIDTH - 28), x + 24, y);
            y += lineHeight;
            shown++;
        }
    }

    /** About {@code count} round ticks (1, 2 or 5 times a power of ten) inside [lo, hi]. */
    static List<Double> linearTicks(double lo, double hi, int count) {
        double raw = (hi - lo) / Math.max(1, count);
        double magnitude = Math.pow(10, Math.floor(Math.log10(raw)));
        double step = magnitude;
        for (double m : new double[] {1, 2, 5, 10}) {
            if (m * magnitude >= raw) {
                step = m * magnitude;
                break;
            }
        }
        List<Double> ticks = new ArrayList<>();
        for (double v = Math.ceil(lo / step) * step; v <= hi + step * 1e-9; v += step) {
            ticks.add(Math.abs(v) < step * 1e-9 ? 0.0 : v);
        }
        return ticks;
    }

    /** Powers of ten inside [lo, hi], with 2 and 5 times them when the range spans three decades or less. */
    static List<Double> logTicks(double lo, double hi) {
        List<Double> ticks = new ArrayList<>();
        int first = (int) Math.floor(Math.log10(lo));
        int last = (int) Math.ceil(Math.log10(hi));
        double[] mantissas = hi / lo <= 1000 ? new double[] {1, 2, 5} : new double[] {1};
        for (int e = first; e <= last; e++) {
            for (double m : mantissas) {
                double v = m * Math.pow(10, e);
                if (v >= lo && v <= hi) {
                    ticks.add(v);
                }
            }
        }
        return ticks;
    }

    /** A tick value in its shortest readable form. */
    static String tickText(double v) {
        double a = Math.abs(v);
        if (v == 0) {
            return "0";
        }
        if (a >= 1e5 || a < 1e-3) {
            return String.format(Locale.ROOT, "%.0e", v).replace("e+0", "e").replace("e-0", "e-").replace("e+", "e");
        }
        String text = String.format(Locale.ROOT, "%.4f", v).replaceAll("0+$", "");
        return text.endsWith(".") ? text.substring(0, text.length() - 1) : text;
    }

    /** {@code text}, cut with an ellipsis to fit {@code width} pixels. */
    private static String fit(String text, FontMetrics fm, int width) {
        if (fm.stringWidth(text) <= width) {
            return text;
        }
        String cut = text;
        while (!cut.isEmpty() && fm.stringWidth(cut + "…") > width) {
            cut = cut.substring(0, cut.length() - 1);
        }
        return cut + "…";
    }

    /** The {@code i}-th colour of the palette (later ones repeat). */
    static Color colour(int i) {
        return PALETTE[i % PALETTE.length];
    }

    private static String shorten(String text, int max) {
        return text.length() <= max ? text : text.substring(0, max - 1) + "…";
    }
}
