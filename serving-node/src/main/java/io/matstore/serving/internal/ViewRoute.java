package io.matstore.serving.internal;

import io.matstore.serving.ViewSettings;
import io.matstore.view.json.Ascii;
import io.matstore.view.json.JsonRenderer;

/**
 * Everything the hot path needs about one served view, prepared once: its Cache-Control header bytes, JSON
 * renderer, meters, and the freshness of each held version as last computed by {@link StatusMonitor} (read from
 * a volatile snapshot, never computed per request).
 */
public final class ViewRoute {
    private final ViewSettings settings;
    private final byte[] cacheControlLine;
    private final byte[] metaPrefix;
    private final byte[] nameUtf8;
    private final byte[] batchJsonPrefix;
    private final JsonRenderer renderer;
    private final ServingMetrics.ViewMeters meters;
    private final String path;
    /** Largest envelope seen, so the first buffer is usually big enough. Racy by design: a hint. */
    private int sizeHint = 1024;

    private volatile Versions versions = Versions.NONE;
    private volatile PartitionGuard guard = PartitionGuard.NONE;

    public ViewRoute(ViewSettings settings, JsonRenderer renderer, ServingMetrics.ViewMeters meters) {
        this.settings = settings;
        this.cacheControlLine = Ascii.bytes("Cache-Control: " + settings.cacheControl() + "\r\n");
        this.metaPrefix = Ascii.bytes(",\"_meta\":{\"view\":\"" + settings.view() + "\",\"version\":");
        this.nameUtf8 = settings.view().getBytes(java.nio.charset.StandardCharsets.UTF_8);
        this.batchJsonPrefix = Ascii.bytes("{\"view\":\"" + settings.view() + "\",\"version\":");
        this.renderer = renderer;
        this.meters = meters;
        this.path = "/v1/views/" + settings.view();
    }

    /**
     * Held versions of the view, newest first, each with its freshness and when its values were last known current
     * ({@link StatusMonitor#CAUGHT_UP}: now); current is the version answering unpinned requests (0: none).
     * Immutable; replaced whole.
     */
    record Versions(int current, int[] held, int[] freshness, long[] currentAsOfMillis) {
        static final Versions NONE = new Versions(0, new int[0], new int[0], new long[0]);

        int freshnessOf(int version) {
            for (int i = 0; i < held.length; i++) {
                if (held[i] == version) {
                    return freshness[i];
                }
            }
            return Freshness.STATUS_UNKNOWN;
        }

        long currentAsOf(int version) {
            for (int i = 0; i < held.length; i++) {
                if (held[i] == version) {
                    return currentAsOfMillis[i];
                }
            }
            return 0;
        }
    }

    public String name() {
        return settings.view();
    }

    /** {@code /v1/views/<name>}: the route of its GETs (span names, logs). */
    public String path() {
        return path;
    }

    public ViewSettings settings() {
        return settings;
    }

    byte[] cacheControlLine() {
        return cacheControlLine;
    }

    byte[] metaPrefix() {
        return metaPrefix;
    }

    /** The view's name in UTF-8 (the binary batch answer's {@code view}). */
    byte[] nameUtf8() {
        return nameUtf8;
    }

    /** {@code {"view":"<name>","version":}, the start of a JSON batch answer. */
    byte[] batchJsonPrefix() {
        return batchJsonPrefix;
    }

    /** The view's JSON renderer, or null when it is served as FlatBuffers only. */
    public JsonRenderer renderer() {
        return renderer;
    }

    public ServingMetrics.ViewMeters meters() {
        return meters;
    }

    int sizeHint() {
        return sizeHint;
    }

    void sizeHint(int bytes) {
        if (bytes > sizeHint) {
            sizeHint = bytes;
        }
    }

    public int freshnessOf(int version) {
        return versions.freshnessOf(version);
    }

    /** When the values of {@code version} were last known current; {@link StatusMonitor#CAUGHT_UP}: now. */
    long currentAsOfMillis(int version) {
        return versions.currentAsOf(version);
    }

    /** Held versions, newest first (do not modify). */
    int[] heldVersions() {
        return versions.held();
    }

    Versions versions() {
        return versions;
    }

    void versions(Versions v) {
        versions = v;
    }

    /** Which partitions this node holds, per version (see {@link ClusterRefresher}). */
    public PartitionGuard guard() {
        return guard;
    }

    public void guard(PartitionGuard g) {
        guard = g;
    }
}
