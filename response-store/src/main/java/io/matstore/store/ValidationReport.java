package io.matstore.store;

import java.util.List;
import java.util.Map;

/**
 * The outcome of validating a candidate version against the current one: passed only when every check passed.
 *
 * @param view      view name
 * @param candidate the version validated
 * @param current   the version compared against (0: none was current)
 * @param passed    every check passed
 * @param checks    each check with its numbers, in the order run
 */
public record ValidationReport(String view, int candidate, int current, boolean passed, List<Check> checks) {
    /** Problems kept per check as examples; the count in {@code numbers} is always complete. */
    public static final int MAX_EXAMPLES = 10;

    public ValidationReport {
        checks = List.copyOf(checks);
    }

    /**
     * @param name     {@code caught_up}, {@code counts}, {@code current_keys_in_candidate},
     *                 {@code candidate_keys_in_current}, {@code envelopes}, or {@code validator:<name>}
     * @param passed   whether it passed
     * @param numbers  what it measured, by name (insertion order)
     * @param examples up to {@link #MAX_EXAMPLES} problems found
     */
    public record Check(String name, boolean passed, Map<String, Long> numbers, List<String> examples) {
        public Check {
            numbers = java.util.Collections.unmodifiableMap(new java.util.LinkedHashMap<>(numbers));
            examples = List.copyOf(examples);
        }
    }

    /** The check of that name, or null. */
    public Check check(String name) {
        for (Check c : checks) {
            if (c.name().equals(name)) {
                return c;
            }
        }
        return null;
    }
}
