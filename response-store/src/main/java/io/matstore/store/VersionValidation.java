package io.matstore.store;

import io.matstore.schemas.KeyCodec;
import io.matstore.schemas.ResponseEnvelopes;
import io.matstore.schemas.ViewDescriptor;
import io.matstore.schemas.fb.ResponseEnvelope;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.ServiceLoader;

/**
 * Checks a candidate version before it is made current, against the version that is current now:
 *
 * <ol>
 *   <li>{@code caught_up}: the candidate is live (its bulk part done), ingest is healthy, and it reached its topic's
 *       end within {@link ValidationOptions#catchUpTimeout()};</li>
 *   <li>{@code counts}: exact entry counts differ by at most {@link ValidationOptions#maxCountDifference()};</li>
 *   <li>{@code current_keys_in_candidate} / {@code candidate_keys_in_current}: of keys sampled in one version, at
 *       most {@link ValidationOptions#maxMissingRatio()} are missing in the other;</li>
 *   <li>{@code envelopes}: every sampled candidate envelope decodes and carries the key it is stored under, the
 *       view's name and the candidate's version;</li>
 *   <li>{@code validator:<name>}: each {@link ViewValidator} that applies to the view, on every sampled candidate
 *       key, with the current version's envelope beside it.</li>
 * </ol>
 * Without a current version (or when the candidate is current) the comparisons have nothing to compare and pass
 * with zero samples. Reads go through {@link VersionedResponseStore#inspectionReader}: they are not counted as
 * traffic, so validating does not change what either near-cache holds.
 */
public final class VersionValidation {
    private final VersionedResponseStore store;
    private final List<ViewValidator> validators;

    public VersionValidation(VersionedResponseStore store, List<ViewValidator> validators) {
        this.store = store;
        this.validators = List.copyOf(validators);
    }

    /** Uses the validators found by {@link ServiceLoader} on the class path. */
    public static VersionValidation withDiscoveredValidators(VersionedResponseStore store) {
        return new VersionValidation(store, discoveredValidators());
    }

    public static List<ViewValidator> discoveredValidators() {
        List<ViewValidator> out = new ArrayList<>();
        ServiceLoader.load(ViewValidator.class).forEach(out::add);
        return out;
    }

    /**
     * @throws IllegalArgumentException when the candidate version is not held
     */
    public ValidationReport validate(String view, int candidate, ValidationOptions options)
            throws InterruptedException {
        ViewReader cand = store.inspectionReader(view, candidate);
        if (cand == null) {
            throw new IllegalArgumentException("view " + view + " version " + candidate + " is not held");
        }
        ViewReader current = store.current(view);
        int refVersion = current == null || current.descriptor().version() == candidate
                ? 0
                : current.descriptor().version();
        ViewReader ref = refVersion == 0 ? null : store.inspectionReader(view, refVersion);
        if (ref == null) {
            refVersion = 0; // dropped meanwhile
        }

        List<ValidationReport.Check> checks = new ArrayList<>();
        checks.add(caughtUp(view, candidate, options));
        checks.add(counts(view, candidate, refVersion, options));
        List<byte[]> refKeys =
                ref == null ? List.of() : store.sampleKeys(view, refVersion, options.samples(), options.seed());
        checks.add(presence("current_keys_in_candidate", refKeys, cand, options));
        List<byte[]> candKeys = store.sampleKeys(view, candidate, options.samples(), options.seed());
        checks.add(
                ref == null
                        ? presence("candidate_keys_in_current", List.of(), cand, options)
                        : presence("candidate_keys_in_current", candKeys, ref, options));
        checks.addAll(envelopeChecks(cand, ref, candKeys));
        boolean passed = checks.stream().allMatch(ValidationReport.Check::passed);
        return new ValidationReport(view, candidate, refVersion, passed, checks);
    }

    private ValidationReport.Check caughtUp(String view, int candidate, ValidationOptions options)
            throws InterruptedException {
        boolean reached = store.awaitCaughtUp(view, candidate, options.catchUpTimeout());
        ViewStatus s = store.status(view, candidate);
        Map<String, Long> numbers = new LinkedHashMap<>();
        numbers.put("lag", s.totalLag());
        numbers.put("loaded_records", s.loadedRecords());
        numbers.put("load_target_records", s.loadTargetRecords());
        List<String> problems = new ArrayList<>();
        if (s.phase() != ViewStatus.Phase.LIVE) {
            problems.add("phase is " + s.phase() + " (" + s.loadedRecords() + " of " + s.loadTargetRecords()
                    + " records), not LIVE");
        }
        if (s.ingestError() != null) {
            problems.add("ingest is failing: " + s.ingestError());
        }
        if (!reached) {
            problems.add("did not reach the end of " + s.view() + " v" + candidate + "'s topic within "
                    + options.catchUpTimeout().toMillis() + " ms (lag " + s.totalLag() + " records)");
        }
        return new ValidationReport.Check("caught_up", problems.isEmpty(), numbers, problems);
    }

    private ValidationReport.Check counts(String view, int candidate, int ref, ValidationOptions options) {
        long c = store.countEntries(view, candidate);
        Map<String, Long> numbers = new LinkedHashMap<>();
        numbers.put("candidate_entries", c);
        if (ref == 0) {
            return new ValidationReport.Check("counts", true, numbers, List.of());
        }
        long r = store.countEntries(view, ref);
        long difference = Math.abs(c - r);
        long allowed = (long) Math.floor(options.maxCountDifference() * r);
        numbers.put("current_entries", r);
        numbers.put("difference", difference);
        numbers.put("allowed_difference", allowed);
        boolean passed = difference <= allowed;
        return new ValidationReport.Check(
                "counts",
                passed,
                numbers,
                passed
                        ? List.of()
                        : List.of("candidate has " + c + " entries, current " + r + ": difference " + difference
                                + " > allowed " + allowed + " (maxCountDifference=" + options.maxCountDifference()
                                + ")"));
    }

    private static ValidationReport.Check presence(
            String name, List<byte[]> keys, ViewReader other, ValidationOptions options) {
        long missing = 0;
        List<String> examples = new ArrayList<>();
        for (byte[] key : keys) {
            if (readValue(other, key) == null) {
                missing++;
                example(examples, "missing in v" + other.descriptor().version() + ": " + describe(key));
            }
        }
        long allowed = (long) Math.floor(options.maxMissingRatio() * keys.size());
        Map<String, Long> numbers = new LinkedHashMap<>();
        numbers.put("sampled", (long) keys.size());
        numbers.put("missing", missing);
        numbers.put("allowed_missing", allowed);
        return new ValidationReport.Check(name, missing <= allowed, numbers, examples);
    }

    private List<ValidationReport.Check> envelopeChecks(ViewReader cand, ViewReader ref, List<byte[]> keys) {
        ViewDescriptor view = cand.descriptor();
        List<ViewValidator> applicable = new ArrayList<>();
        for (ViewValidator v : validators) {
            if (v.appliesTo(view.name())) {
                applicable.add(v);
            }
        }
        long checked = 0;
        long bad = 0;
        List<String> examples = new ArrayList<>();
        long[] failed = new long[applicable.size()];
        List<List<String>> validatorExamples = new ArrayList<>();
        applicable.forEach(v -> validatorExamples.add(new ArrayList<>()));
        for (byte[] key : keys) {
            byte[] value = readValue(cand, key);
            if (value == null) {
                continue; // deleted since it was sampled
            }
            checked++;
            String problem = envelopeProblem(view, key, value);
            if (problem != null) {
                bad++;
                example(examples, describe(key) + ": " + problem);
                continue; // validators need a decodable envelope
            }
            ResponseEnvelope candidate = ResponseEnvelopes.open(value);
            byte[] refValue = ref == null ? null : readValue(ref, key);
            ResponseEnvelope current = refValue == null ? null : ResponseEnvelopes.open(refValue);
            for (int i = 0; i < applicable.size(); i++) {
                String p;
                try {
                    p = applicable.get(i).check(view, key, candidate, current);
                } catch (RuntimeException e) {
                    p = "validator threw " + e;
                }
                if (p != null) {
                    failed[i]++;
                    example(validatorExamples.get(i), describe(key) + ": " + p);
                }
            }
        }
        List<ValidationReport.Check> out = new ArrayList<>();
        out.add(new ValidationReport.Check("envelopes", bad == 0, numbers(checked, bad), examples));
        for (int i = 0; i < applicable.size(); i++) {
            out.add(new ValidationReport.Check(
                    "validator:" + applicable.get(i).name(),
                    failed[i] == 0,
                    numbers(checked, failed[i]),
                    validatorExamples.get(i)));
        }
        return out;
    }

    private static Map<String, Long> numbers(long checked, long failed) {
        Map<String, Long> numbers = new LinkedHashMap<>();
        numbers.put("checked", checked);
        numbers.put("failed", failed);
        return numbers;
    }

    /** Null when the envelope decodes and names the key, view and version it is stored under. */
    static String envelopeProblem(ViewDescriptor view, byte[] key, byte[] value) {
        try {
            ResponseEnvelope e = ResponseEnvelopes.open(value);
            ByteBuffer k = e.keyAsByteBuffer();
            byte[] stored = new byte[k == null ? 0 : k.remaining()];
            if (k != null) {
                k.get(stored);
            }
            if (!Arrays.equals(stored, key)) {
                return "envelope key " + describe(stored) + " differs from the key it is stored under";
            }
            if (!view.name().equals(e.viewName())) {
                return "view_name " + e.viewName() + " is not " + view.name();
            }
            if (e.viewVersion() != view.version()) {
                return "view_version " + e.viewVersion() + " is not the candidate's " + view.version();
            }
            ByteBuffer response = e.responseAsByteBuffer();
            if (response == null || !response.hasRemaining()) {
                return "no response in the envelope";
            }
            return null;
        } catch (RuntimeException ex) {
            return "envelope does not decode: " + ex;
        }
    }

    private static void example(List<String> examples, String problem) {
        if (examples.size() < ValidationReport.MAX_EXAMPLES) {
            examples.add(problem);
        }
    }

    /** A key as its dimension values, or hex when it is not a canonical key. */
    static String describe(byte[] key) {
        try {
            return KeyCodec.decode(key).values().toString();
        } catch (RuntimeException e) {
            StringBuilder sb = new StringBuilder("0x");
            for (byte b : key) {
                sb.append(Character.forDigit((b >> 4) & 0xF, 16)).append(Character.forDigit(b & 0xF, 16));
            }
            return sb.toString();
        }
    }

    /** The stored envelope as a new array, or null. Cold path: allocates. */
    static byte[] readValue(ViewReader reader, byte[] key) {
        ByteBuffer k = ByteBuffer.wrap(key);
        ByteBuffer dst = ByteBuffer.allocate(4096);
        int n = reader.read(k, dst);
        if (n == ViewReader.NOT_FOUND) {
            return null;
        }
        if (n > dst.remaining()) {
            dst = ByteBuffer.allocate(n);
            n = reader.read(k, dst);
            if (n == ViewReader.NOT_FOUND || n > dst.remaining()) {
                return readValue(reader, key); // changed between the two reads
            }
        }
        return Arrays.copyOf(dst.array(), n);
    }
}
