package com.skyriff.data.benchmarks.report;

import java.util.List;
import java.util.Locale;

/**
 * The report's chart as a hand-written SVG: on the left every ratio as a bar on a log scale with its target drawn
 * across it (green when met, red when missed, grey when there is no target); on the right the mixed workload's operations per second
 * against client threads, each point labelled with its p99. Stateless.
 */
final class Chart {
    /**
     * One ratio.
     *
     * @param target      the limit, NaN when there is none
     * @param lowerBetter whether the ratio must stay at or below the target (else at or above)
     */
    record Bar(String label, double value, double target, boolean lowerBetter) {
        Boolean met() {
            return Double.isNaN(target) ? null : lowerBetter ? value <= target : value >= target;
        }
    }

    /** One point of the throughput curve. */
    record Point(int threads, double opsPerSecond, double p99Millis) {
    }

    private static final int WIDTH = 1120;
    private static final int BAR_H = 22;
    private static final int LEFT = 250;
    private static final int BAR_W = 340;
    private static final double MIN_RATIO = 0.25;
    private static final double MAX_RATIO = 1024;

    private Chart() {
    }

    static String svg(List<Bar> bars, List<Point> curve) {
        int rows = Math.max(bars.size(), 1);
        int height = Math.max(80 + rows * (BAR_H + 6), 420);
        StringBuilder s = new StringBuilder();
        s.append("<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"").append(WIDTH).append("\" height=\"")
                .append(height).append("\" font-family=\"sans-serif\" font-size=\"12\">\n");
        s.append("<rect width=\"100%\" height=\"100%\" fill=\"white\"/>\n");
        ratios(s, bars);
        throughput(s, curve, 760, 40, 320, 300);
        s.append("</svg>\n");
        return s.toString();
    }

    private static void ratios(StringBuilder s, List<Bar> bars) {
        text(s, 10, 22, "Ratios (log scale) against their targets (black); 1x dashed", "bold", "start");
        int top = 40;
        for (int i = 0; i < bars.size(); i++) {
            Bar b = bars.get(i);
            int y = top + i * (BAR_H + 6);
            Boolean met = b.met();
            String color = met == null ? "#9e9e9e" : met ? "#43a047" : "#e53935";
            double w = xOfRatio(b.value()) - LEFT;
            text(s, LEFT - 8, y + 15, b.label(), "normal", "end");
            s.append(String.format(Locale.ROOT, "<rect x=\"%d\" y=\"%d\" width=\"%.1f\" height=\"%d\" fill=\"%s\"/>%n",
                    LEFT, y, Math.max(w, 1), BAR_H, color));
            text(s, (int) (LEFT + Math.max(w, 1) + 6), y + 15, String.format(Locale.ROOT, "%.2fx", b.value()), "normal",
                    "start");
            if (!Double.isNaN(b.target())) {
                double x = xOfRatio(b.target());
                s.append(String.format(Locale.ROOT, "<line x1=\"%.1f\" y1=\"%d\" x2=\"%.1f\" y2=\"%d\" stroke=\"black\""
                        + " stroke-width=\"2\"/>%n", x, y - 2, x, y + BAR_H + 2));
            }
        }
        int bottom = top + bars.size() * (BAR_H + 6);
        double one = xOfRatio(1);
        s.append(String.format(Locale.ROOT, "<line x1=\"%.1f\" y1=\"%d\" x2=\"%.1f\" y2=\"%d\" stroke=\"#555\""
                + " stroke-dasharray=\"4 3\"/>%n", one, top - 4, one, bottom));
        s.append(String.format(Locale.ROOT, "<line x1=\"%d\" y1=\"%d\" x2=\"%d\" y2=\"%d\" stroke=\"#555\"/>%n", LEFT,
                bottom, LEFT + BAR_W, bottom));
        for (double t = MIN_RATIO; t <= MAX_RATIO; t *= 4) {
            text(s, (int) xOfRatio(t), bottom + 14, t < 1 ? String.format(Locale.ROOT, "%.2fx", t)
                    : String.format(Locale.ROOT, "%.0fx", t), "normal", "middle");
        }
    }

    /** Log scale from {@link #MIN_RATIO} to {@link #MAX_RATIO}; values outside are clamped to the ends. */
    static double xOfRatio(double v) {
        double c = Math.max(MIN_RATIO, Math.min(MAX_RATIO, v));
        return LEFT + BAR_W * Math.log(c / MIN_RATIO) / Math.log(MAX_RATIO / MIN_RATIO);
    }

    private static void throughput(StringBuilder s, List<Point> curve, int x0, int y0, int w, int h) {
        text(s, x0, y0 - 18, "Mixed workload through the layer: operations/s (labels: p99)", "bold", "start");
        s.append(String.format(Locale.ROOT, "<rect x=\"%d\" y=\"%d\" width=\"%d\" height=\"%d\" fill=\"none\""
                + " stroke=\"#555\"/>%n", x0, y0, w, h));
        if (curve.isEmpty()) {
            text(s, x0 + w / 2, y0 + h / 2, "not measured in this run", "normal", "middle");
            return;
        }
        double max = 0;
        for (Point p : curve) {
            max = Math.max(max, p.opsPerSecond());
        }
        max = niceCeiling(max * 1.1);
        // x: log2 of threads from 1 to 128
        for (int t : new int[] {1, 2, 4, 8, 32}) {
            double x = x0 + xOf(t, w);
            text(s, (int) x, y0 + h + 16, Integer.toString(t), "normal", "middle");
            s.append(String.format(Locale.ROOT, "<line x1=\"%.1f\" y1=\"%d\" x2=\"%.1f\" y2=\"%d\" stroke=\"#ddd\"/>%n",
                    x, y0, x, y0 + h));
        }
        text(s, x0 + w / 2, y0 + h + 32, "client threads", "normal", "middle");
        for (int i = 0; i <= 4; i++) {
            double v = max * i / 4;
            double y = y0 + h - h * i / 4.0;
            text(s, x0 - 6, (int) y + 4, String.format(Locale.ROOT, "%,.0f", v), "normal", "end");
            s.append(String.format(Locale.ROOT, "<line x1=\"%d\" y1=\"%.1f\" x2=\"%d\" y2=\"%.1f\" stroke=\"#eee\"/>%n",
                    x0, y, x0 + w, y));
        }
        StringBuilder path = new StringBuilder();
        for (Point p : curve) {
            double x = x0 + xOf(p.threads(), w);
            double y = y0 + h - h * p.opsPerSecond() / max;
            path.append(path.length() == 0 ? "M" : " L").append(String.format(Locale.ROOT, "%.1f %.1f", x, y));
        }
        s.append("<path d=\"").append(path).append("\" fill=\"none\" stroke=\"#1e88e5\" stroke-width=\"2\"/>\n");
        for (int i = 0; i < curve.size(); i++) {
            Point p = curve.get(i);
            double x = x0 + xOf(p.threads(), w);
            double y = y0 + h - h * p.opsPerSecond() / max;
            s.append(String.format(Locale.ROOT, "<circle cx=\"%.1f\" cy=\"%.1f\" r=\"4\" fill=\"#1e88e5\"/>%n", x, y));
            String anchor = i == 0 ? "start" : i == curve.size() - 1 ? "end" : "middle";
            text(s, (int) x, (int) y - 8 - 14 * (i % 2), String.format(Locale.ROOT, "%,.0f/s, p99 %.1f ms",
                    p.opsPerSecond(), p.p99Millis()), "normal", anchor);
        }
    }

    private static double xOf(int threads, int w) {
        return 20 + (w - 40) * (Math.log(threads) / Math.log(2)) / 5.0;  // 1 to 32 threads
    }

    private static double niceCeiling(double v) {
        if (v <= 0) {
            return 1;
        }
        double mag = Math.pow(10, Math.floor(Math.log10(v)));
        for (double step : new double[] {1, 2, 2.5, 5, 10}) {
            if (step * mag >= v) {
                return step * mag;
            }
        }
        return 10 * mag;
    }

    private static void text(StringBuilder s, int x, int y, String t, String weight, String anchor) {
        s.append("<text x=\"").append(x).append("\" y=\"").append(y).append("\" font-weight=\"").append(weight)
                .append("\" text-anchor=\"").append(anchor).append("\">").append(escape(t)).append("</text>\n");
    }

    private static String escape(String t) {
        return t.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;");
    }
}
