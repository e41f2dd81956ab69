package io.matstore.serving.internal;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.handler.codec.TooLongFrameException;
import io.netty.handler.codec.http.HttpContent;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpUtil;
import io.netty.handler.codec.http.LastHttpContent;
import io.netty.handler.codec.http.TooLongHttpHeaderException;
import io.netty.handler.codec.http.TooLongHttpLineException;
import io.netty.handler.timeout.IdleState;
import io.netty.handler.timeout.IdleStateEvent;
import io.netty.util.AsciiString;
import io.netty.util.ReferenceCountUtil;
import io.opentelemetry.api.trace.Span;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.nio.charset.StandardCharsets;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One connection's HTTP/1.1 request handling, after Netty's {@code HttpRequestDecoder}: routes each request,
 * answers view lookups through {@link ViewLookup} and {@link BatchLookup}, collects batch bodies within the size limit, enforces
 * the read timeout, and writes every response as one pre-composed buffer (no HttpResponse objects, no encoder).
 *
 * <p>A request that the decoder rejected (line, headers too long, malformed) is answered and the connection closed:
 * the decoder cannot find the next request's start after a broken one.
 *
 * <p>{@code HEAD} is answered on every GET route exactly as GET (status, headers, Content-Length) without the body
 * (RFC 9110 §9.3.2): the GET answer is composed, and only its header block written.
 *
 * <p>Two options stay off the hot path when off, each one check: GET lookups traced by {@link RequestTracing} (a null
 * reference in the node context), and the access log ({@code serving.access.log}): one line per answered request on
 * the logger {@value #ACCESS_LOGGER}, written once the response is on the socket.
 */
public final class HttpHandler extends ChannelInboundHandlerAdapter {
    private static final Logger LOG = LoggerFactory.getLogger(HttpHandler.class);
    /** Name of the access log's logger. */
    public static final String ACCESS_LOGGER = "matstore.access";

    private static final Logger ACCESS = LoggerFactory.getLogger(ACCESS_LOGGER);
    private static final String VIEWS_PREFIX = "/v1/views/";
    private static final String BATCH_SUFFIX = "/batch";
    private static final byte[] CONTINUE = "HTTP/1.1 100 Continue\r\n\r\n".getBytes(StandardCharsets.US_ASCII);
    public static final AsciiString PIN_HEADER = AsciiString.cached("x-matstore-pin-version");

    private static final int IDLE = 0;
    private static final int DISCARD_BODY = 1;
    private static final int COLLECT_BODY = 2;
    private static final int CLOSING = 3;
    private static final int CLUSTER = -1;

    private final NodeContext node;
    private final RequestProgress progress;
    private final ResponseBacklog backlog;
    /** Null when no loop signal is on. */
    private final ShedGate gate;

    private final BatchLookup batch;
    private final Answer answer = new Answer();
    private final ChannelFutureListener releaseOnWrite;
    private final ChannelFutureListener releaseAndClose;
    private final ChannelFutureListener writtenAndClose;
    private final boolean accessLog;
    /** The request being answered, for the access log only (set only when it is on). */
    private HttpMethod logMethod;

    private String logUri;
    private int state = IDLE;
    /** The request being answered is a HEAD: its response goes without a body. */
    private boolean head;

    private ByteBuf body;
    private ViewRoute batchRoute;
    private HttpRequest batchRequest;
    private boolean batchKeepAlive;
    private long batchStartNanos;
    /**
     * This connection holds a shedder permit not yet handed to a response write (from admission until the write;
     * during a batch body's collection). A write's listener releases it after that, so released on close here.
     */
    private boolean holdsPermit;
    /** Permits of this connection not yet released (admitted, response not yet written): its fair-share count. */
    private int permits;

    public HttpHandler(NodeContext node, RequestProgress progress, ResponseBacklog backlog) {
        this(node, progress, backlog, null);
    }

    /** @param gate the connection's {@link ShedGate}, or null when it has none */
    HttpHandler(NodeContext node, RequestProgress progress, ResponseBacklog backlog, ShedGate gate) {
        this.gate = gate;
        this.node = node;
        this.progress = progress;
        this.backlog = backlog;
        this.batch = new BatchLookup(node);
        this.accessLog = node.config().accessLog();
        this.releaseOnWrite = f -> {
            node.shedder().release();
            permits--;
            backlog.onWritten(f.channel());
        };
        this.releaseAndClose = f -> {
            node.shedder().release();
            permits--;
            backlog.onWritten(f.channel());
            f.channel().close();
        };
        this.writtenAndClose = f -> {
            backlog.onWritten(f.channel());
            f.channel().close();
        };
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        try {
            if (state == CLOSING) {
                return;
            }
            if (msg instanceof HttpRequest) {
                onRequest(ctx, (HttpRequest) msg);
            }
            if (state != CLOSING && msg instanceof HttpContent) {
                onContent(ctx, (HttpContent) msg);
            }
        } finally {
            ReferenceCountUtil.release(msg);
        }
    }

    private void onRequest(ChannelHandlerContext ctx, HttpRequest req) {
        long start = System.nanoTime();
        head = false;
        if (!backlog.admit(ctx.channel())) {
            state = CLOSING;
            return;
        }
        if (req.decoderResult().isFailure()) {
            onDecoderFailure(ctx, req.decoderResult().cause(), start);
            return;
        }
        if (accessLog) {
            logMethod = req.method();
            logUri = req.uri();
        }
        boolean keepAlive = HttpUtil.isKeepAlive(req);
        head = req.method().equals(HttpMethod.HEAD);
        String uri = req.uri();
        int query = uri.indexOf('?');
        int pathEnd = query < 0 ? uri.length() : query;
        state = DISCARD_BODY;
        if (uri.startsWith(VIEWS_PREFIX)) {
            onViewRequest(ctx, req, uri, pathEnd, keepAlive, start);
        } else if (pathIs(uri, pathEnd, "/healthz")) {
            onProbe(ctx, req, keepAlive, start, HealthEndpoints.HEALTHZ);
        } else if (pathIs(uri, pathEnd, "/readyz")) {
            onProbe(ctx, req, keepAlive, start, HealthEndpoints.READYZ);
        } else if (pathIs(uri, pathEnd, "/metrics")) {
            onProbe(ctx, req, keepAlive, start, HealthEndpoints.METRICS);
        } else if (pathIs(uri, pathEnd, "/v1/cluster")) {
            onProbe(ctx, req, keepAlive, start, CLUSTER);
        } else {
            error(
                    ctx,
                    null,
                    404,
                    "unknown_path",
                    "no resource at " + uri.substring(0, pathEnd),
                    keepAlive,
                    "",
                    start,
                    false);
        }
    }

    private void onViewRequest(
            ChannelHandlerContext ctx, HttpRequest req, String uri, int pathEnd, boolean keepAlive, long start) {
        // taken for every view request, answered or not, so that the gate's decisions stay in step with requests
        boolean drawn = gate != null && gate.takeDecision();
        int nameStart = VIEWS_PREFIX.length();
        int slash = uri.indexOf('/', nameStart);
        int nameEnd = slash < 0 || slash > pathEnd ? pathEnd : slash;
        ViewRoute route = node.route(uri, nameStart, nameEnd);
        if (route == null) {
            error(
                    ctx,
                    null,
                    404,
                    "unknown_view",
                    "no view named \"" + uri.substring(nameStart, nameEnd) + "\" is served here",
                    keepAlive,
                    "",
                    start,
                    false);
            return;
        }
        boolean isBatch = nameEnd < pathEnd;
        if (isBatch && !uri.regionMatches(nameEnd, BATCH_SUFFIX, 0, BATCH_SUFFIX.length())
                || isBatch && nameEnd + BATCH_SUFFIX.length() != pathEnd) {
            error(
                    ctx,
                    route,
                    404,
                    "unknown_path",
                    "no resource at " + uri.substring(0, pathEnd),
                    keepAlive,
                    "",
                    start,
                    false);
            return;
        }
        HttpMethod expected = isBatch ? HttpMethod.POST : HttpMethod.GET;
        if (!req.method().equals(expected) && (isBatch || !head)) {
            String allowed = isBatch ? "POST" : "GET, HEAD";
            error(
                    ctx,
                    route,
                    405,
                    "method_not_allowed",
                    req.method() + " is not allowed here; use " + allowed,
                    keepAlive,
                    "Allow: " + allowed + "\r\n",
                    start,
                    false);
            return;
        }
        if (!node.shedder().tryAcquire(permits, backlog.openConnections(), drawn)) {
            shed(ctx, route, keepAlive, start);
            return;
        }
        holdsPermit = true;
        permits++;
        if (!isBatch) {
            if (node.tracing() != null) {
                tracedGet(ctx, route, req, uri, pathEnd, keepAlive, start);
                return;
            }
            get(ctx, route, req, uri, pathEnd, keepAlive);
            write(ctx, route, answer.buf, answer.status, keepAlive, start, true, answer.stale);
            return;
        }
        long length = HttpUtil.getContentLength(req, -1L);
        if (length > node.config().maxBodyBytes()) {
            error(
                    ctx,
                    route,
                    413,
                    "body_too_large",
                    "Content-Length=" + length + " > " + "serving.max.body.bytes="
                            + node.config().maxBodyBytes(),
                    false,
                    "",
                    start,
                    true);
            return;
        }
        if (HttpUtil.is100ContinueExpected(req)) {
            // curl and others wait for this before sending a body over 1 KiB
            ctx.writeAndFlush(Unpooled.wrappedBuffer(CONTINUE));
        }
        state = COLLECT_BODY;
        body = ctx.alloc().buffer();
        batchRoute = route;
        batchRequest = req;
        batchKeepAlive = keepAlive;
        batchStartNanos = start;
    }

    /** The precomposed 503: shedding must not cost string building when the node is overloaded. */
    private void shed(ChannelHandlerContext ctx, ViewRoute route, boolean keepAlive, long start) {
        node.metrics().onShed();
        write(ctx, route, backlog.shedAnswer(keepAlive), 503, keepAlive, start, holdsPermit);
        backlog.onShed(ctx.channel());
    }

    private void get(
            ChannelHandlerContext ctx, ViewRoute route, HttpRequest req, String uri, int pathEnd, boolean keepAlive) {
        try {
            ViewLookup.get(node, route, req, uri, pathEnd, keepAlive, ctx.alloc(), answer);
        } catch (RuntimeException | Error e) {
            // a bug, not a store failure (those fall back inside): answer, and keep the shedder's count right
            LOG.warn("internal error answering {}", uri, e);
            answer.set(HttpErrors.error(ctx.alloc(), 500, "internal_error", String.valueOf(e), keepAlive, ""), 500);
        }
    }

    /** A GET in a server span, ended once the response is written (see {@link RequestTracing}). */
    private void tracedGet(
            ChannelHandlerContext ctx,
            ViewRoute route,
            HttpRequest req,
            String uri,
            int pathEnd,
            boolean keepAlive,
            long start) {
        RequestTracing tracing = node.tracing();
        Span span = tracing.start(req, route, uri, pathEnd);
        ViewResponder responder = RequestScratch.get().responder;
        responder.forgetLastEnvelope();
        ByteBuf buf;
        try {
            get(ctx, route, req, uri, pathEnd, keepAlive);
            buf = tracing.onAnswered(span, responder, answer, ctx.alloc());
        } catch (RuntimeException | Error e) {
            span.recordException(e);
            span.end();
            throw e;
        } finally {
            responder.forgetLastEnvelope();
        }
        write(ctx, route, buf, answer.status, keepAlive, start, true, answer.stale)
                .addListener(f -> span.end());
    }

    private void onContent(ChannelHandlerContext ctx, HttpContent content) {
        if (content.decoderResult().isFailure()) {
            // a broken body (a bad chunk size): nothing after it can be framed, so answer and close
            boolean collecting = state == COLLECT_BODY;
            releaseBody();
            error(
                    ctx,
                    collecting ? batchRoute : null,
                    400,
                    "malformed_request",
                    "malformed HTTP request body: "
                            + content.decoderResult().cause().getMessage(),
                    false,
                    "",
                    collecting ? batchStartNanos : System.nanoTime(),
                    holdsPermit);
            return;
        }
        if (state == COLLECT_BODY) {
            ByteBuf chunk = content.content();
            if (body.readableBytes() + chunk.readableBytes() > node.config().maxBodyBytes()) {
                releaseBody();
                error(
                        ctx,
                        batchRoute,
                        413,
                        "body_too_large",
                        "request body > serving.max.body.bytes=" + node.config().maxBodyBytes(),
                        false,
                        "",
                        batchStartNanos,
                        true);
                return;
            }
            body.writeBytes(chunk);
        }
        if (content instanceof LastHttpContent) {
            progress.complete();
            if (state == COLLECT_BODY) {
                // a batch weighs as its items while they are looked up (admitted as one at its headers)
                BatchLines lines = BatchLines.of(body);
                int more = Math.max(0, lines.count() - 1);
                releaseBody();
                state = IDLE;
                if (!node.shedder().tryAcquireMore(more)) {
                    shed(ctx, batchRoute, batchKeepAlive, batchStartNanos);
                    return;
                }
                try {
                    batch.lookup(batchRoute, batchRequest, lines, batchKeepAlive, ctx.alloc(), answer);
                } catch (RuntimeException | Error e) {
                    LOG.warn("internal error answering a batch of {}", batchRoute.name(), e);
                    answer.set(
                            HttpErrors.error(ctx.alloc(), 500, "internal_error", String.valueOf(e), batchKeepAlive, ""),
                            500);
                } finally {
                    node.shedder().release(more);
                }
                write(ctx, batchRoute, answer.buf, answer.status, batchKeepAlive, batchStartNanos, true);
            } else if (state == DISCARD_BODY) {
                state = IDLE;
            }
        }
    }

    private void onProbe(ChannelHandlerContext ctx, HttpRequest req, boolean keepAlive, long start, int which) {
        if (!req.method().equals(HttpMethod.GET) && !head) {
            error(
                    ctx,
                    null,
                    405,
                    "method_not_allowed",
                    req.method() + " is not allowed here; use GET or HEAD",
                    keepAlive,
                    "Allow: GET, HEAD\r\n",
                    start,
                    false);
            return;
        }
        if (which == CLUSTER) {
            ClusterEndpoint.answer(node, req, keepAlive, ctx.alloc(), answer);
        } else {
            HealthEndpoints.answer(node, which, keepAlive, ctx.alloc(), answer);
        }
        write(ctx, null, answer.buf, answer.status, keepAlive, start, false);
    }

    private void onDecoderFailure(ChannelHandlerContext ctx, Throwable cause, long start) {
        if (cause instanceof TooLongHttpLineException) {
            error(
                    ctx,
                    null,
                    414,
                    "uri_too_long",
                    "request line > serving.max.initial.line.bytes="
                            + node.config().maxInitialLineBytes(),
                    false,
                    "",
                    start,
                    false);
        } else if (cause instanceof TooLongHttpHeaderException) {
            error(
                    ctx,
                    null,
                    431,
                    "headers_too_large",
                    "request headers > serving.max.header.bytes="
                            + node.config().maxHeaderBytes(),
                    false,
                    "",
                    start,
                    false);
        } else if (cause instanceof TooLongFrameException) {
            error(ctx, null, 413, "body_too_large", String.valueOf(cause.getMessage()), false, "", start, false);
        } else {
            error(
                    ctx,
                    null,
                    400,
                    "malformed_request",
                    "malformed HTTP request: " + cause.getMessage(),
                    false,
                    "",
                    start,
                    false);
        }
    }

    @Override
    public void userEventTriggered(ChannelHandlerContext ctx, Object evt) throws Exception {
        if (evt == RequestProgress.DEADLINE) {
            if (state != CLOSING) {
                releaseBody();
                error(
                        ctx,
                        batchRoute,
                        408,
                        "request_timeout",
                        "request not received completely within" + " serving.request.timeout.ms="
                                + node.config().requestTimeoutMillis(),
                        false,
                        "",
                        System.nanoTime(),
                        holdsPermit);
            }
            return;
        }
        if (evt instanceof IdleStateEvent) {
            IdleState s = ((IdleStateEvent) evt).state();
            if (s == IdleState.READER_IDLE && state != CLOSING && (progress.partial() || state == COLLECT_BODY)) {
                releaseBody();
                error(
                        ctx,
                        batchRoute,
                        408,
                        "request_timeout",
                        "request not received completely within" + " serving.read.timeout.ms="
                                + node.config().readTimeoutMillis(),
                        false,
                        "",
                        System.nanoTime(),
                        state == COLLECT_BODY);
            } else if (s == IdleState.ALL_IDLE) {
                ctx.close();
            }
            return;
        }
        super.userEventTriggered(ctx, evt);
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) throws Exception {
        if (holdsPermit) {
            holdsPermit = false;
            permits--;
            node.shedder().release();
        }
        backlog.onClosed();
        releaseBody();
        super.channelInactive(ctx);
    }

    @Override
    public void channelWritabilityChanged(ChannelHandlerContext ctx) throws Exception {
        backlog.onWritabilityChanged(ctx.channel());
        super.channelWritabilityChanged(ctx);
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        LOG.debug("closing {} after {}", ctx.channel().remoteAddress(), cause.toString());
        ctx.close();
    }

    private ChannelFuture write(
            ChannelHandlerContext ctx,
            ViewRoute route,
            ByteBuf buf,
            int status,
            boolean keepAlive,
            long start,
            boolean admitted) {
        return write(ctx, route, buf, status, keepAlive, start, admitted, false);
    }

    private ChannelFuture write(
            ChannelHandlerContext ctx,
            ViewRoute route,
            ByteBuf buf,
            int status,
            boolean keepAlive,
            long start,
            boolean admitted,
            boolean stale) {
        if (head) {
            withoutBody(buf);
        }
        int bytes = accessLog ? buf.readableBytes() : 0;
        if (admitted) {
            holdsPermit = false;
            node.shedder().onAnswered(System.nanoTime() - start);
        }
        backlog.onWrite(ctx.channel());
        ChannelFuture f = ctx.writeAndFlush(buf);
        if (accessLog) {
            logWhenWritten(f, status, bytes, start, stale);
        }
        if (admitted) {
            f.addListener(keepAlive ? releaseOnWrite : releaseAndClose);
        } else {
            f.addListener(keepAlive ? backlog.written : writtenAndClose);
        }
        if (!keepAlive) {
            state = CLOSING;
        }
        ServingMetrics.ViewMeters meters = route == null ? node.metrics().noView() : route.meters();
        meters.record(status, System.nanoTime() - start);
        return f;
    }

    /**
     * {@code <remote> "<method> <path?query>" <status> <bytes> <µs>us fresh|stale}, once {@code f} completes (the
     * time runs from the decoded request to the response on the socket). A request the decoder could not read far
     * enough to have a method and URI (a read timeout) logs {@code "- -"}.
     */
    private void logWhenWritten(ChannelFuture f, int status, int bytes, long start, boolean stale) {
        HttpMethod method = logMethod;
        String uri = logUri;
        logMethod = null;
        logUri = null;
        f.addListener(done -> {
            long micros = (System.nanoTime() - start) / 1000;
            ACCESS.info(
                    "{} \"{} {}\" {} {} {}us {}{}",
                    remote(f.channel().remoteAddress()),
                    method == null ? "-" : method.name(),
                    uri == null ? "-" : uri,
                    status,
                    bytes,
                    micros,
                    stale ? "stale" : "fresh",
                    done.isSuccess() ? "" : " write-failed");
        });
    }

    private static String remote(SocketAddress address) {
        if (address instanceof InetSocketAddress a) {
            return (a.getAddress() == null ? a.getHostString() : a.getAddress().getHostAddress()) + ":" + a.getPort();
        }
        return String.valueOf(address);
    }

    private void error(
            ChannelHandlerContext ctx,
            ViewRoute route,
            int status,
            String code,
            String message,
            boolean keepAlive,
            String extraHeaders,
            long start,
            boolean admitted) {
        write(
                ctx,
                route,
                HttpErrors.error(ctx.alloc(), status, code, message, keepAlive, extraHeaders),
                status,
                keepAlive,
                start,
                admitted);
        if (!keepAlive) {
            state = CLOSING;
        }
    }

    /** Cuts a composed response after its header block (the first empty line). */
    private static void withoutBody(ByteBuf response) {
        int end = response.writerIndex() - 3;
        for (int i = response.readerIndex(); i < end; i++) {
            if (response.getByte(i) == '\r'
                    && response.getByte(i + 1) == '\n'
                    && response.getByte(i + 2) == '\r'
                    && response.getByte(i + 3) == '\n') {
                response.writerIndex(i + 4);
                return;
            }
        }
    }

    private void releaseBody() {
        if (body != null) {
            body.release();
            body = null;
        }
    }

    private static boolean pathIs(String uri, int pathEnd, String path) {
        return pathEnd == path.length() && uri.startsWith(path);
    }
}
