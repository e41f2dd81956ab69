package io.matstore.it.client;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * Draws {@link ClientFaultTest}'s report as an SVG: per scenario a bar of the client's p99 (ms, left scale) and a
 * bar of its success ratio (right scale, 0–100 %). Plain text, no plotting library: the picture is two bars a row.
 */
final class FaultPlot {
    private FaultPlot() {}

    /** @param lines {@code scenario \t lookups \t success ratio \t p50 ms \t p99 ms \t failures}; # lines skipped */
    static String svg(List<String> lines) {
        List<String[]> rows = new ArrayList<>();
        double maxP99 = 1;
        for (String l : lines) {
            if (!l.startsWith("#")) {
                String[] f = l.split("\t");
                rows.add(f);
                maxP99 = Math.max(maxP99, Double.parseDouble(f[4]));
            }
        }
        int rowH = 34;
        int width = 760;
        int labelW = 250;
        int barW = (width - labelW - 40) / 2;
        int height = 50 + rows.size() * rowH;
        StringBuilder s = new StringBuilder();
        s.append(String.format(
                Locale.ROOT,
                "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"%d\" height=\"%d\""
                        + " font-family=\"sans-serif\" font-size=\"12\">%n",
                width,
                height));
        s.append(String.format(
                Locale.ROOT, "<text x=\"%d\" y=\"18\">client p99 (ms, up to %.1f)</text>%n", labelW, maxP99));
        s.append(String.format(
                Locale.ROOT, "<text x=\"%d\" y=\"18\">success ratio (0-100 %%)</text>%n", labelW + barW + 20));
        int y = 34;
        for (String[] f : rows) {
            double p99 = Double.parseDouble(f[4]);
            double ok = Double.parseDouble(f[2]);
            int w1 = (int) Math.max(1, p99 / maxP99 * barW);
            int w2 = (int) Math.max(1, ok * barW);
            s.append(String.format(Locale.ROOT, "<text x=\"4\" y=\"%d\">%s</text>%n", y + 16, escape(f[0])));
            s.append(String.format(
                    Locale.ROOT,
                    "<rect x=\"%d\" y=\"%d\" width=\"%d\" height=\"22\" fill=\"#4a78b0\"/>"
                            + "<text x=\"%d\" y=\"%d\">%.2f</text>%n",
                    labelW,
                    y,
                    w1,
                    labelW + w1 + 3,
                    y + 16,
                    p99));
            s.append(String.format(
                    Locale.ROOT,
                    "<rect x=\"%d\" y=\"%d\" width=\"%d\" height=\"22\" fill=\"%s\"/>"
                            + "<text x=\"%d\" y=\"%d\">%.1f %%</text>%n",
                    labelW + barW + 20,
                    y,
                    w2,
                    ok >= 0.999 ? "#4a9a5a" : "#c05a4a",
                    labelW + barW + 20 + Math.min(w2, barW - 50) + 3,
                    y + 16,
                    ok * 100));
            y += rowH;
        }
        return s.append("</svg>\n").toString();
    }

    private static String escape(String t) {
        return t.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;");
    }
}
