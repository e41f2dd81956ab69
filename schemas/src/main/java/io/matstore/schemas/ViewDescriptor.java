package io.matstore.schemas;

import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Objects;
import java.util.regex.Pattern;

/**
 * What every side of the system knows about a view: its name, the version of its logic and schema, and its ordered
 * request dimensions. The order of {@link #dimensions()} is the order of values in the canonical request key, so it
 * is part of the contract: changing it is a new version.
 *
 * <p>Immutable and safe to share. The key prefix (format byte and view name) is computed once here so that building
 * a key on the serving hot path copies it instead of encoding the name again.
 */
public final class ViewDescriptor {
    private static final Pattern NAME = Pattern.compile("[a-z][a-z0-9_-]{0,62}");
    private static final Pattern DIMENSION = Pattern.compile("[a-z][a-z0-9_]{0,62}");

    private final String name;
    private final int version;
    private final List<String> dimensions;
    private final byte[] keyPrefix;

    private ViewDescriptor(String name, int version, List<String> dimensions) {
        this.name = name;
        this.version = version;
        this.dimensions = dimensions;
        this.keyPrefix = KeyCodec.prefixOf(name.getBytes(StandardCharsets.UTF_8));
    }

    /**
     * @throws IllegalArgumentException naming the offending value and the rule it breaks
     */
    public static ViewDescriptor of(String name, int version, String... dimensions) {
        Objects.requireNonNull(name, "name");
        if (!NAME.matcher(name).matches()) {
            throw new IllegalArgumentException("view name=\"" + name + "\" does not match " + NAME.pattern());
        }
        if (version < 1) {
            throw new IllegalArgumentException("view version=" + version + " < 1");
        }
        if (dimensions.length == 0 || dimensions.length > KeyCodec.MAX_DIMENSIONS) {
            throw new IllegalArgumentException("view " + name + " has " + dimensions.length + " dimensions; allowed 1.."
                    + KeyCodec.MAX_DIMENSIONS);
        }
        for (int i = 0; i < dimensions.length; i++) {
            String d = Objects.requireNonNull(dimensions[i], "dimension");
            if (!DIMENSION.matcher(d).matches()) {
                throw new IllegalArgumentException("dimension=\"" + d + "\" does not match " + DIMENSION.pattern());
            }
            for (int j = 0; j < i; j++) {
                if (dimensions[j].equals(d)) {
                    throw new IllegalArgumentException("dimension=\"" + d + "\" is declared twice in view " + name);
                }
            }
        }
        return new ViewDescriptor(name, version, List.of(dimensions));
    }

    public String name() {
        return name;
    }

    public int version() {
        return version;
    }

    /** Request dimensions in key order. */
    public List<String> dimensions() {
        return dimensions;
    }

    public int dimensionCount() {
        return dimensions.size();
    }

    /** Position of a dimension in the key, or -1 when the view has no such dimension. */
    public int dimensionIndex(String dimension) {
        return dimensions.indexOf(dimension);
    }

    /** The view topic: {@code view.<name>.v<version>}, compacted, keyed by canonical request key. */
    public String topic() {
        return topicOf(name, version);
    }

    public static String topicOf(String name, int version) {
        return "view." + name + ".v" + version;
    }

    /** Same view at another version: same name and dimensions unless the caller says otherwise. */
    public ViewDescriptor withVersion(int newVersion) {
        return of(name, newVersion, dimensions.toArray(new String[0]));
    }

    /** Length of the key prefix this view's keys start with. */
    int keyPrefixLength() {
        return keyPrefix.length;
    }

    /** The key prefix bytes; package-private so nobody outside can mutate them. */
    byte[] keyPrefix() {
        return keyPrefix;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof ViewDescriptor other
                && version == other.version
                && name.equals(other.name)
                && dimensions.equals(other.dimensions);
    }

    @Override
    public int hashCode() {
        return Objects.hash(name, version, dimensions);
    }

    @Override
    public String toString() {
        return name + ".v" + version + dimensions;
    }
}
