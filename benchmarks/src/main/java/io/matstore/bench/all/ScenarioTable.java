package io.matstore.bench.all;

import java.util.ArrayList;
import java.util.List;

/**
 * The rows {@link AllScenarios} prints: each figure beside the anchor measured in the same run, their ratio, the goal
 * of issue 15 it answers and whether this run met it. Rows are added as scenarios finish, so a run cut short by its
 * time budget still prints what it measured.
 */
final class ScenarioTable {
    /** A goal is decided on the ratio (or on the figure itself, for absolute goals) by the scenario that adds it. */
    enum Met {
        YES,
        NO,
        NO_THRESHOLD;

        static Met of(boolean met) {
            return met ? YES : NO;
        }

        String text() {
            return switch (this) {
                case YES -> "yes";
                case NO -> "no";
                case NO_THRESHOLD -> "n/a";
            };
        }
    }

    private record Row(String scenario, String figure, String anchor, String ratio, String goal, String met) {}

    private final List<Row> rows = new ArrayList<>();

    synchronized void add(String scenario, String figure, String anchor, double ratio, String goal, Met met) {
        rows.add(new Row(scenario, figure, anchor, String.format("%.2f", ratio), goal, met.text()));
    }

    /** A scenario that did not run, with the reason in place of its figures. */
    synchronized void skipped(String scenario, String reason, String goal) {
        rows.add(new Row(scenario, "not run: " + reason, "", "", goal, "not measured"));
    }

    synchronized String markdown() {
        StringBuilder b = new StringBuilder("| scenario | figure | anchor (same run) | ratio | issue 15 goal | met |\n"
                + "|---|---:|---:|---:|---|---|\n");
        for (Row r : rows) {
            b.append("| ")
                    .append(r.scenario())
                    .append(" | ")
                    .append(r.figure())
                    .append(" | ")
                    .append(r.anchor())
                    .append(" | ")
                    .append(r.ratio())
                    .append(" | ")
                    .append(r.goal())
                    .append(" | ")
                    .append(r.met())
                    .append(" |\n");
        }
        return b.toString();
    }
}
