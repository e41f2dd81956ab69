package io.matstore.serving.internal;

import io.matstore.view.json.Ascii;

/**
 * How fresh an answer is, as a small int so the hot path reads it from a volatile field without boxing.
 * Each has a fixed {@code X-Matstore-Freshness} header value and a reason for the JSON {@code _meta}.
 */
public final class Freshness {
    /** Ingest is healthy and was caught up within the view's freshness objective. */
    public static final int FRESH = 0;
    /** Ingest has not been caught up for longer than the freshness objective (broker down, slow, never caught up). */
    public static final int LAGGING = 1;
    /** The store reports that ingest is failing. */
    public static final int INGEST_ERROR = 2;
    /** The version that should answer could not be read; another held version answered. */
    public static final int READ_ERROR_FALLBACK = 3;
    /** The store's status could not be read. */
    public static final int STATUS_UNKNOWN = 4;

    private static final String[] REASONS = {"fresh", "lagging", "ingest-error", "read-error-fallback", "status-unknown"
    };
    private static final byte[][] HEADERS = new byte[REASONS.length][];
    private static final byte[][] JSON = new byte[REASONS.length][];
    private static final byte[][] JSON_TAG_SUFFIXES = new byte[REASONS.length][];

    static {
        for (int i = 0; i < REASONS.length; i++) {
            JSON_TAG_SUFFIXES[i] = Ascii.bytes(i == FRESH ? "-json" : "-json-" + REASONS[i]);
            String value = i == FRESH ? "fresh" : "stale; reason=" + REASONS[i];
            HEADERS[i] = Ascii.bytes("X-Matstore-Freshness: " + value + "\r\n");
            JSON[i] = Ascii.bytes(
                    i == FRESH
                            ? "\"stale\":false,\"freshness\":\"fresh\""
                            : "\"stale\":true,\"freshness\":\"" + REASONS[i] + "\"");
        }
    }

    private Freshness() {}

    public static boolean isStale(int freshness) {
        return freshness != FRESH;
    }

    public static String reason(int freshness) {
        return REASONS[freshness];
    }

    /** The whole header line, CRLF included. */
    static byte[] headerLine(int freshness) {
        return HEADERS[freshness];
    }

    /**
     * What the JSON representation's entity tag adds after the content hash: {@code -json}, or
     * {@code -json-<reason>} when stale. The JSON body carries the freshness in its {@code _meta}, so a strong tag
     * (RFC 9110 §8.8.3) must change with it and differ from the FlatBuffers tag (the bare hash).
     */
    static byte[] jsonTagSuffix(int freshness) {
        return JSON_TAG_SUFFIXES[freshness];
    }

    /** {@code "stale":..,"freshness":".."} for the JSON _meta. */
    static byte[] jsonMembers(int freshness) {
        return JSON[freshness];
    }
}
