package io.matstore.serving;

import io.matstore.schemas.KeyCodec;
import io.matstore.serving.internal.BatchLines;
import io.matstore.serving.internal.BatchLookup;
import io.matstore.serving.internal.JsonRenderers;
import io.matstore.serving.internal.PartitionGuard;
import io.matstore.serving.internal.QueryKey;
import io.matstore.serving.internal.ServingMetrics;
import io.matstore.serving.internal.ViewResponder;
import io.matstore.serving.internal.ViewRoute;
import io.matstore.store.ViewReader;
import io.matstore.view.ViewPlugins;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import java.nio.ByteBuffer;
import java.util.List;

/**
 * The request hot path of one view without the socket, as {@code ViewLookup} runs it for a GET: scan the query and
 * build the canonical key into a reused direct buffer, check its partition against the held-partition bitset (the 421
 * check of cells), read the envelope through a {@link ViewReader} into a pooled buffer, compose status line and
 * headers (or render JSON), record the latency meter. The supported entry point for the benchmarks module, so that it
 * measures the node's own code without importing {@code io.matstore.serving.internal}. One instance per thread;
 * nothing is allocated per call.
 */
public final class ServingHotPath {
    /** Bytes reserved in front of a response body for the status line and headers. */
    public static final int HEADROOM = ViewResponder.HEADROOM;

    private final QueryKey query = new QueryKey();
    private final ByteBuffer key = ByteBuffer.allocateDirect(KeyCodec.MAX_KEY_BYTES);
    private final ViewResponder responder = new ViewResponder();
    private final ViewRoute route;
    private final ViewReader reader;
    private final int version;

    /**
     * @param settings  the view's serving settings
     * @param reader    where the view's responses are read
     * @param partitions partitions of the view topic
     * @param held      partitions this node holds (a request for another is misdirected)
     */
    public ServingHotPath(ViewSettings settings, ViewReader reader, int partitions, List<Integer> held) {
        this.reader = reader;
        this.version = reader.descriptor().version();
        this.route = new ViewRoute(
                settings,
                JsonRenderers.of(ViewPlugins.discover()).forView(settings.view()),
                new ServingMetrics().forView(settings.view()));
        route.guard(PartitionGuard.of(version, partitions, held, 42));
    }

    /**
     * Answers {@code uri} ({@code /v1/views/<name>?...}) as a GET would, releases the response (the socket write
     * would) and returns its length.
     *
     * @throws IllegalStateException when the query is bad or misdirected: a benchmark measures answered requests
     */
    public int lookup(ByteBufAllocator alloc, String uri, boolean json, String ifNoneMatch, long nowMillis) {
        long start = System.nanoTime();
        if (buildKey(uri) != QueryKey.OK) {
            throw new IllegalStateException("bad query: " + uri);
        }
        if (route.guard().misdirected(version, key) >= 0) {
            throw new IllegalStateException("misdirected: " + uri);
        }
        ByteBuf out = responder.respond(
                alloc, route, reader, key, json, ifNoneMatch, true, route.freshnessOf(version), nowMillis);
        int length = out.readableBytes();
        out.release();
        route.meters().record(responder.status(), System.nanoTime() - start);
        return length;
    }

    /**
     * Answers a batch body (one query string per line) as {@code POST /v1/views/<name>/batch} would, in binary or
     * JSON, from the body's copy to the composed response; releases the response and returns its length.
     */
    public int batch(ByteBufAllocator alloc, ByteBuf body, boolean binary, long nowMillis) {
        BatchLines lines = BatchLines.of(body);
        // no older held versions here, so the store (asked only for those, after a failed read) is never needed
        ByteBuf out =
                BatchLookup.answer(null, route, reader, false, lines, lines.count(), binary, alloc, true, nowMillis);
        int length = out.readableBytes();
        out.release();
        return length;
    }

    /** Key building alone: scans the query of {@code uri} into the reused key buffer; 0 when valid. */
    public int buildKey(String uri) {
        query.scan(uri, uri.indexOf('?') + 1, uri.length());
        return query.build(reader.descriptor(), key);
    }

    /** The latency meter alone. */
    public void recordLatency(int status, long nanos) {
        route.meters().record(status, nanos);
    }
}
