package io.matstore.serving.internal;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.util.ByteProcessor;

/**
 * Sheds view lookups before the HTTP decoder, while a CPU-overload signal ({@link LoopLag}, {@link LoopCpu}) asks for
 * it: a 503 that the decoder, the router and the meters never see costs the loop a scan of the request's head and
 * one precomposed write, where a 503 after decoding costs most of what an answer costs (the lookup is all it saves).
 * When a node is short of CPU only a cheap 503 frees CPU for the requests it keeps.
 *
 * <p>It frames requests itself, so it only acts where framing is certain: a head (request line and headers up to
 * the empty line) of the form
 * <pre>
 *   GET /v1/views/… HTTP/1.1 CRLF     with no Content-Length, Transfer-Encoding, Expect, Upgrade or Connection
 *                                     other than keep-alive
 *   (header: value CRLF)*  CRLF        header: a request with no body, kept alive, answered in order
 * </pre>
 * is a <em>view GET</em>; for each, {@link LoadShedder#shedEarly} decides (the signals' probability, under the
 * rejection cap). A shed one is answered here and its bytes dropped; every other byte goes on to the decoder
 * unchanged, as slices of the read, so the responses keep the requests' order (the handler answers a GET within the
 * read that delivered it). Another request without a body (a probe, a GET elsewhere) passes and framing goes on
 * after it; anything else (a body, another method, HTTP/1.0, a head longer than the decoder's limits) disarms the
 * gate for the connection's life, and the handler's own shedding applies from then on. A view GET the gate let
 * through is not drawn for again by the handler ({@link #takeDecision}), so its shed probability is p, not 1 − (1 − p)².
 * Under overload a view GET can thus get a 503 before its path is checked (an unknown view: 503, not 404).
 *
 * <p>A head split across reads is passed on as it comes (the gate cannot shed it: the handler draws for it) and
 * copied aside until whole, to learn
 * whether a body follows it. Event loop only; allocation-free except the slices it forwards (one per stretch of kept
 * bytes), the wrapped 503 and the copy buffer, made on a connection's first split head and kept.
 */
final class ShedGate extends ChannelInboundHandlerAdapter {
    private static final byte[] VIEW_GET = "GET /v1/views/".getBytes(java.nio.charset.StandardCharsets.US_ASCII);
    private static final byte[] HTTP11 = " HTTP/1.1".getBytes(java.nio.charset.StandardCharsets.US_ASCII);
    private static final String[] DISARMING = {
        "content-length:", "transfer-encoding:", "connection:", "expect:", "upgrade:"
    };
    private static final String KEEP_ALIVE = "keep-alive";

    private final LoadShedder shedder;
    private final ConnectionLimits limits;
    private final ServingMetrics metrics;
    private final int maxHeadBytes;
    private final ResponseBacklog backlog;
    private final HeadEnd headEnd = new HeadEnd();
    private boolean disarmed;
    /** The previous read ended inside a head (whose kind is unknown: it is passed on and framing resumes after it). */
    private boolean inHead;

    private int headBytesSoFar;
    /** The part seen so far of a head split across reads; allocated on the first split, kept for the connection. */
    private ByteBuf split;
    /**
     * One bit per view GET passed on in this read, in order: set when the gate drew for it and kept it (the handler
     * does not draw again), clear when it could not draw (a split head: the handler draws). The handler answers a
     * read's GETs within it, so the queue starts empty at each read; beyond its size the handler draws.
     */
    private final long[] decisions = new long[32];

    private int taken;
    private int queued;

    /** @param backlog the connection's, whose read pause after a shed applies to the gate's 503s too */
    ShedGate(
            LoadShedder shedder,
            ConnectionLimits limits,
            ServingMetrics metrics,
            int maxHeadBytes,
            ResponseBacklog backlog) {
        this.backlog = backlog;
        this.shedder = shedder;
        this.limits = limits;
        this.metrics = metrics;
        this.maxHeadBytes = maxHeadBytes;
    }

    private ByteBuf split() {
        if (split == null) {
            split = Unpooled.buffer(256);
        }
        return split;
    }

    @Override
    public void handlerRemoved(ChannelHandlerContext ctx) {
        if (split != null) {
            split.release();
            split = null;
        }
    }

    /** True (once) for a view GET the gate let through after drawing for it. */
    boolean takeDecision() {
        if (taken == queued) {
            return false;
        }
        int i = taken++;
        return (decisions[i >>> 6] & (1L << i)) != 0;
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        if (disarmed || !(msg instanceof ByteBuf)) {
            ctx.fireChannelRead(msg);
            return;
        }
        ByteBuf in = (ByteBuf) msg;
        taken = 0;
        queued = 0;
        int end = in.writerIndex();
        int pos = in.readerIndex();
        int keepFrom = pos;
        try {
            if (inHead) {
                int e = scan(in, pos, end, false);
                split.writeBytes(in, pos, (e < 0 ? end : e) - pos);
                if (e < 0) {
                    forward(ctx, in, keepFrom, end);
                    return;
                }
                int kind = kind(split, split.readerIndex(), split.writerIndex());
                split.clear();
                if (kind == DISARM) {
                    disarmed = true;
                } else if (kind == VIEW) {
                    queue(false); // its start is already on its way: the handler draws for it
                }
                pos = e;
            }
            while (pos < end && !disarmed) {
                int e = scan(in, pos, end, true);
                if (e < 0) {
                    // a head split across reads: passed on below, and copied to learn, once whole, whether a body
                    // follows it
                    if (!disarmed) {
                        split().writeBytes(in, pos, end - pos);
                    }
                    break;
                }
                int kind = kind(in, pos, e);
                if (kind == DISARM) {
                    disarmed = true;
                    break;
                }
                if (kind == VIEW) {
                    if (shedder.shedEarly()) {
                        forward(ctx, in, keepFrom, pos);
                        keepFrom = e;
                        metrics.onShed();
                        // flushed once at the end of the read (FlushConsolidationHandler), with the kept answers
                        ctx.writeAndFlush(limits.shedAnswer(true));
                        backlog.onShed(ctx.channel());
                        if (!ctx.channel().isActive()) {
                            return;
                        }
                    } else {
                        queue(true);
                    }
                }
                pos = e;
            }
            forward(ctx, in, keepFrom, end);
        } finally {
            in.release();
        }
    }

    private void queue(boolean kept) {
        if (queued == decisions.length * 64) {
            return; // the handler draws for the rest of this read's GETs
        }
        int i = queued++;
        if (kept) {
            decisions[i >>> 6] |= 1L << i;
        } else {
            decisions[i >>> 6] &= ~(1L << i);
        }
    }

    private static void forward(ChannelHandlerContext ctx, ByteBuf in, int from, int to) {
        if (to > from) {
            ctx.fireChannelRead(in.retainedSlice(from, to - from));
        }
    }

    /**
     * The index after the head that starts (fresh) or continues at {@code from}, or -1 when the read ends first
     * (then {@link #inHead} is set, and a head longer than the decoder's limits disarms the gate).
     */
    private int scan(ByteBuf in, int from, int end, boolean fresh) {
        if (fresh) {
            headEnd.matched = 0;
            headBytesSoFar = 0;
        }
        int i = in.forEachByte(from, end - from, headEnd);
        if (i < 0) {
            inHead = true;
            headBytesSoFar += end - from;
            if (headBytesSoFar > maxHeadBytes) {
                disarmed = true;
            }
            return -1;
        }
        inHead = false;
        return i + 1;
    }

    private static final int PASS = 0;
    private static final int VIEW = 1;
    private static final int DISARM = 2;

    /** What the complete head in [from, end) is. */
    private static int kind(ByteBuf in, int from, int end) {
        boolean view = startsWith(in, from, end, VIEW_GET);
        if (!view && !startsWith(in, from, end, VIEW_GET, 4)) {
            return DISARM; // not a GET: it may have a body
        }
        int lineEnd = in.indexOf(from, end, (byte) '\r');
        if (lineEnd < from + HTTP11.length || !startsWith(in, lineEnd - HTTP11.length, lineEnd, HTTP11)) {
            return DISARM;
        }
        for (int line = lineEnd + 2; line < end - 2; ) {
            int next = in.indexOf(line, end, (byte) '\r');
            for (String name : DISARMING) {
                if (next - line >= name.length()
                        && equalsIgnoreCase(in, line, name)
                        && !isKeepAlive(in, line + name.length(), next, name)) {
                    return DISARM;
                }
            }
            line = next + 2;
        }
        return view ? VIEW : PASS;
    }

    private static boolean startsWith(ByteBuf in, int from, int end, byte[] prefix) {
        return startsWith(in, from, end, prefix, prefix.length);
    }

    private static boolean startsWith(ByteBuf in, int from, int end, byte[] prefix, int length) {
        if (end - from < length) {
            return false;
        }
        for (int i = 0; i < length; i++) {
            if (in.getByte(from + i) != prefix[i]) {
                return false;
            }
        }
        return true;
    }

    /**
     * Whether the header is {@code Connection: keep-alive}, which HTTP/1.1 already implies: most client libraries
     * (OkHttp, Apache HttpClient, urllib3, HttpURLConnection) send it on every request, and disarming on it would
     * leave their connections without the cheap refusal. Any other Connection value (close, upgrade) still disarms.
     */
    private static boolean isKeepAlive(ByteBuf in, int from, int end, String name) {
        if (!name.equals("connection:")) {
            return false;
        }
        while (from < end && (in.getByte(from) == ' ' || in.getByte(from) == '\t')) {
            from++;
        }
        while (end > from && (in.getByte(end - 1) == ' ' || in.getByte(end - 1) == '\t')) {
            end--;
        }
        return end - from == KEEP_ALIVE.length() && equalsIgnoreCase(in, from, KEEP_ALIVE);
    }

    private static boolean equalsIgnoreCase(ByteBuf in, int from, String lower) {
        for (int i = 0; i < lower.length(); i++) {
            int b = in.getByte(from + i);
            if ((b >= 'A' && b <= 'Z' ? b + 32 : b) != lower.charAt(i)) {
                return false;
            }
        }
        return true;
    }

    /** Finds the CR LF CR LF that ends a head, across reads (its state is the bytes of it matched so far). */
    private static final class HeadEnd implements ByteProcessor {
        int matched;

        @Override
        public boolean process(byte b) {
            if (b == (matched % 2 == 0 ? '\r' : '\n')) {
                matched++;
            } else {
                matched = b == '\r' ? 1 : 0;
            }
            return matched < 4;
        }
    }
}
