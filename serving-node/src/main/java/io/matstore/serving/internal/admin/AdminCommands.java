package io.matstore.serving.internal.admin;

import static io.matstore.serving.internal.HttpErrors.quote;

import io.matstore.schemas.ViewDescriptor;
import io.matstore.store.LoadMode;
import io.matstore.store.ValidationOptions;
import io.matstore.store.ValidationReport;
import io.matstore.store.VersionValidation;
import io.matstore.store.VersionedResponseStore;
import io.matstore.store.ViewReader;
import io.matstore.store.ViewStatus;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What the admin endpoint does, independent of HTTP: load a version, validate it, swap to it (only when it passes
 * validation, unless forced), roll back, retire a version, report status. Each answer is JSON.
 *
 * <p>Retiring is safe for requests in flight on the retired version: the store closes it under its handle locks
 * (reads in progress finish first), and a lookup whose read then fails answers from another held version, marked
 * stale (see {@code ViewLookup}); unpinned requests never use a version that is not current.
 */
final class AdminCommands {
    private static final Logger LOG = LoggerFactory.getLogger(AdminCommands.class);

    private final VersionedResponseStore store;
    private final Runnable afterChange;
    private final VersionValidation validation;

    AdminCommands(VersionedResponseStore store, Runnable afterChange) {
        this.store = store;
        this.afterChange = afterChange;
        this.validation = VersionValidation.withDiscoveredValidators(store);
    }

    AdminAnswer status() {
        return AdminAnswer.ok(200, AdminJson.statuses(store.status(), store.quarantined()));
    }

    AdminAnswer load(String view, int version, Params params) {
        ViewReader current = store.current(view);
        List<String> dimensions = params.list("dimensions");
        if (dimensions == null && current == null) {
            return AdminAnswer.error(
                    400,
                    "missing_parameter",
                    "view " + view + " has no current version to take" + " dimensions from: give dimensions=a,b,c");
        }
        Set<Integer> partitions = new TreeSet<>();
        List<String> given = params.list("partitions");
        if (given != null) {
            for (String p : given) {
                partitions.add(params.parseInt("partitions", p, 0, Integer.MAX_VALUE));
            }
        } else if (current != null) {
            for (ViewStatus.PartitionStatus p :
                    store.status(view, current.descriptor().version()).partitions()) {
                partitions.add(p.partition());
            }
        } else {
            return AdminAnswer.error(
                    400,
                    "missing_parameter",
                    "view " + view + " has no current version to take" + " partitions from: give partitions=0,1,2");
        }
        String modeName = params.single("mode", "bulk");
        LoadMode mode;
        try {
            mode = LoadMode.valueOf(modeName.toUpperCase(Locale.ROOT));
        } catch (IllegalArgumentException e) {
            return AdminAnswer.error(400, "bad_parameter", "mode=" + modeName + " is not bulk or live");
        }
        ViewDescriptor descriptor = ViewDescriptor.of(
                view,
                version,
                (dimensions != null ? dimensions : current.descriptor().dimensions()).toArray(new String[0]));
        try {
            store.addVersion(descriptor, partitions, mode);
        } catch (IllegalStateException e) {
            return AdminAnswer.error(409, "version_conflict", e.getMessage());
        }
        LOG.info("admin: loading {} partitions {} ({})", descriptor, partitions, mode);
        afterChange.run();
        StringBuilder b = new StringBuilder("{\"view\":")
                .append(quote(view))
                .append(",\"version\":")
                .append(version)
                .append(",\"mode\":")
                .append(quote(mode.name().toLowerCase(Locale.ROOT)))
                .append(",\"status\":");
        AdminJson.status(b, store.status(view, version));
        return AdminAnswer.ok(202, b.append('}').toString());
    }

    AdminAnswer validate(String view, int version, Params params) throws InterruptedException {
        if (store.version(view, version) == null) {
            return notHeld(view, version);
        }
        ValidationReport report = validation.validate(view, version, params.validationOptions());
        return new AdminAnswer(
                200,
                AdminJson.report(report),
                "X-Matstore-Validation: " + (report.passed() ? "passed" : "failed") + "\r\n");
    }

    AdminAnswer swap(String view, int version, Params params) throws InterruptedException {
        if (store.version(view, version) == null) {
            return notHeld(view, version);
        }
        boolean force = params.bool("force");
        String reportJson = "null";
        if (!force) {
            ValidationReport report = validation.validate(view, version, params.validationOptions());
            reportJson = AdminJson.report(report);
            if (!report.passed()) {
                return AdminAnswer.refusal(
                        409,
                        "validation_failed",
                        "version " + version + " of view " + view
                                + " failed validation; the current version keeps serving (force=true swaps anyway)",
                        "validation",
                        reportJson);
            }
        }
        int previous;
        try {
            previous = store.makeCurrent(view, version);
        } catch (IllegalStateException e) {
            return AdminAnswer.refusal(409, "version_loading", e.getMessage(), "validation", reportJson);
        }
        afterChange.run();
        LOG.info(
                "admin: view {} swapped to version {} (was {}{})",
                view,
                version,
                previous,
                force ? ", forced without validation" : "");
        return AdminAnswer.ok(
                200,
                "{\"view\":" + quote(view) + ",\"current\":" + version + ",\"previous\":" + previous + ",\"forced\":"
                        + force + ",\"validation\":" + reportJson + "}");
    }

    AdminAnswer rollback(String view) {
        ViewReader before = store.current(view);
        int now;
        try {
            now = store.rollback(view);
        } catch (IllegalStateException e) {
            return AdminAnswer.error(409, "no_previous_version", e.getMessage());
        }
        afterChange.run();
        int was = before == null ? 0 : before.descriptor().version();
        LOG.info("admin: view {} rolled back to version {} (was {})", view, now, was);
        return AdminAnswer.ok(200, "{\"view\":" + quote(view) + ",\"current\":" + now + ",\"previous\":" + was + "}");
    }

    AdminAnswer retire(String view, int version) {
        if (store.version(view, version) == null) {
            return notHeld(view, version);
        }
        try {
            store.dropVersion(view, version);
        } catch (IllegalStateException e) {
            return AdminAnswer.error(409, "version_is_current", e.getMessage());
        }
        afterChange.run();
        LOG.info("admin: view {} version {} retired", view, version);
        return AdminAnswer.ok(200, "{\"view\":" + quote(view) + ",\"retired\":" + version + "}");
    }

    private AdminAnswer notHeld(String view, int version) {
        List<Integer> held = new ArrayList<>();
        for (ViewStatus s : store.status()) {
            if (s.view().equals(view)) {
                held.add(s.version());
            }
        }
        return AdminAnswer.error(
                404,
                "version_not_held",
                "version " + version + " of view " + view + " is not held by this node; held: " + held);
    }

    /** Query parameters of an admin request, parsed with messages that name the value and the limit. */
    static final class Params {
        private final Map<String, List<String>> raw;

        Params(Map<String, List<String>> raw) {
            this.raw = raw;
        }

        String single(String name, String fallback) {
            List<String> v = raw.get(name);
            return v == null || v.isEmpty() ? fallback : v.get(v.size() - 1);
        }

        /** Comma-separated values, or null when absent. */
        List<String> list(String name) {
            String v = single(name, null);
            if (v == null) {
                return null;
            }
            List<String> out = new ArrayList<>();
            for (String s : v.split(",")) {
                if (!s.isBlank()) {
                    out.add(s.trim());
                }
            }
            return out;
        }

        boolean bool(String name) {
            String v = single(name, "false");
            if (!v.equals("true") && !v.equals("false")) {
                throw new BadParameter(name + "=" + v + " is not true or false");
            }
            return v.equals("true");
        }

        int parseInt(String name, String value, int min, int max) {
            try {
                int v = Integer.parseInt(value);
                if (v >= min && v <= max) {
                    return v;
                }
            } catch (NumberFormatException e) {
                // reported below
            }
            throw new BadParameter(name + "=" + value + " is not an integer in " + min + ".." + max);
        }

        private double fraction(String name, double fallback) {
            String v = single(name, null);
            if (v == null) {
                return fallback;
            }
            try {
                double d = Double.parseDouble(v);
                if (d >= 0 && d <= 1) {
                    return d;
                }
            } catch (NumberFormatException e) {
                // reported below
            }
            throw new BadParameter(name + "=" + v + " is not a number in 0..1");
        }

        ValidationOptions validationOptions() {
            String samples = single("samples", null);
            String timeout = single("catch_up_timeout_ms", null);
            String seed = single("seed", null);
            return new ValidationOptions(
                    samples == null ? ValidationOptions.DEFAULT_SAMPLES : parseInt("samples", samples, 1, 1_000_000),
                    fraction("max_count_difference", ValidationOptions.DEFAULT_MAX_COUNT_DIFFERENCE),
                    fraction("max_missing_ratio", ValidationOptions.DEFAULT_MAX_MISSING_RATIO),
                    timeout == null
                            ? ValidationOptions.DEFAULT_CATCH_UP_TIMEOUT
                            : Duration.ofMillis(parseInt("catch_up_timeout_ms", timeout, 0, 600_000)),
                    seed == null ? 1 : parseInt("seed", seed, Integer.MIN_VALUE, Integer.MAX_VALUE));
        }
    }

    /** A malformed query parameter: 400 bad_parameter. */
    static final class BadParameter extends RuntimeException {
        private static final long serialVersionUID = 1L;

        BadParameter(String message) {
            super(message);
        }
    }
}
