package io.matstore.serving.internal.admin;

import io.matstore.serving.internal.HttpErrors;
import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpUtil;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.handler.codec.http.QueryStringDecoder;
import io.netty.handler.timeout.IdleStateEvent;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Routes admin requests to {@link AdminCommands}, after three checks: the request names this listener in
 * {@code Host} and, when it has one, {@code Origin} ({@link AdminOrigins}; else 403), it carries the bearer token
 * (else 401), and a command is a POST with a JSON object body ({@link AdminBody}; else 415 or 400). Parameters are
 * the body's members; query parameters are still read, the body's win.
 *
 * <pre>
 *   GET  /admin/status
 *   POST /admin/views/{view}/versions/{n}/load       [mode=bulk|live] [partitions=0,1] [dimensions=a,b]
 *   POST /admin/views/{view}/versions/{n}/validate   [samples] [max_count_difference] [max_missing_ratio]
 *                                                   [catch_up_timeout_ms] [seed]
 *   POST /admin/views/{view}/versions/{n}/swap       [force=true] + the validate parameters
 *   POST /admin/views/{view}/versions/{n}/retire
 *   POST /admin/views/{view}/rollback
 * </pre>
 */
final class AdminHandler extends SimpleChannelInboundHandler<FullHttpRequest> {
    private static final Logger LOG = LoggerFactory.getLogger(AdminHandler.class);
    private static final String PREFIX = "/admin/views/";

    private final AdminCommands commands;
    private final Executor commandThread;
    private final byte[] expectedAuthorization;
    private final AdminOrigins origins;
    /** Requests of this connection handed to the command thread and not yet answered. Event loop only. */
    private int pending;

    AdminHandler(AdminCommands commands, Executor commandThread, String token, AdminOrigins origins) {
        this.commands = commands;
        this.commandThread = commandThread;
        this.expectedAuthorization = ("Bearer " + token).getBytes(StandardCharsets.UTF_8);
        this.origins = origins;
    }

    @Override
    protected void channelRead0(ChannelHandlerContext ctx, FullHttpRequest req) {
        boolean keepAlive = HttpUtil.isKeepAlive(req);
        AdminAnswer ready = null; // an answer that needs no command
        String refusal;
        if (!req.decoderResult().isSuccess()) {
            ready = AdminAnswer.error(400, "malformed_request", "not a valid HTTP/1.1 request");
            keepAlive = false;
        } else if ((refusal = origins.refusal(req)) != null) {
            ready = AdminAnswer.error(403, "forbidden", refusal);
        } else if (!authorized(req)) {
            ready = new AdminAnswer(
                    401,
                    HttpErrors.errorBody(
                            "unauthorized",
                            "this admin endpoint needs"
                                    + " 'Authorization: Bearer <token>' with the token in serving.admin.token"),
                    "WWW-Authenticate: Bearer realm=\"matstore-admin\"\r\n");
        } else if (pending == 0 && new QueryStringDecoder(req.uri()).path().equals("/admin/status")) {
            // A snapshot: taken now only when nothing is ahead of it on this connection, so that a status
            // pipelined behind a swap shows the swap (the command thread answers it then).
            ready = answer(req.method(), req.uri(), null);
        } else if (req.method().equals(HttpMethod.POST)) {
            try {
                AdminBody.checkContentType(req);
            } catch (AdminBody.Refused e) {
                ready = AdminAnswer.error(e.status, e.code, e.getMessage());
            }
        }
        if (ready != null && pending == 0) {
            write(ctx, ready, keepAlive);
            return;
        }
        // Commands (a validation scans keys for seconds) run one at a time off the event loop, so status answers
        // meanwhile on other connections. On this connection answers keep the order of the requests (HTTP/1.1):
        // behind a pending command, even a ready answer goes through the command thread. Only the method and URI
        // are kept: the request is released on return.
        HttpMethod method = req.method();
        String uri = req.uri();
        String body = req.method().equals(HttpMethod.POST) ? req.content().toString(StandardCharsets.UTF_8) : null;
        boolean keep = keepAlive;
        AdminAnswer known = ready;
        pending++;
        try {
            commandThread.execute(() -> {
                AdminAnswer answer;
                try {
                    answer = known != null ? known : answer(method, uri, body);
                } catch (Throwable t) { // every request gets an answer, or the ones behind it on this connection wait
                    LOG.error("admin request {} {} failed", method, uri, t);
                    answer = AdminAnswer.error(500, "internal_error", t.toString());
                }
                AdminAnswer done = answer;
                try {
                    ctx.executor().execute(() -> {
                        pending--;
                        write(ctx, done, keep);
                    });
                } catch (RejectedExecutionException e) {
                    LOG.debug("admin listener closed before {} {} was answered", method, uri);
                }
            });
        } catch (RejectedExecutionException e) {
            pending--;
            write(ctx, AdminAnswer.error(503, "interrupted", "the node is shutting down"), false);
        }
    }

    /** Through the listener's response encoder, which its aggregator's own answers (413, 100) need too. */
    private static void write(ChannelHandlerContext ctx, AdminAnswer answer, boolean keepAlive) {
        FullHttpResponse out = new DefaultFullHttpResponse(
                HttpVersion.HTTP_1_1,
                HttpResponseStatus.valueOf(answer.status()),
                Unpooled.copiedBuffer(answer.body(), StandardCharsets.UTF_8));
        out.headers()
                .set(HttpHeaderNames.CONTENT_TYPE, "application/json")
                .setInt(HttpHeaderNames.CONTENT_LENGTH, out.content().readableBytes())
                .set(HttpHeaderNames.CACHE_CONTROL, "no-store");
        for (String line : answer.extraHeaders().split("\r\n")) {
            int colon = line.indexOf(':');
            if (colon > 0) {
                out.headers()
                        .add(line.substring(0, colon), line.substring(colon + 1).trim());
            }
        }
        if (!keepAlive) {
            out.headers().set(HttpHeaderNames.CONNECTION, "close");
        }
        var written = ctx.writeAndFlush(out);
        if (!keepAlive) {
            written.addListener(ChannelFutureListener.CLOSE);
        }
    }

    /** Constant-time comparison, so response timing tells nothing about the token. */
    private boolean authorized(FullHttpRequest req) {
        String given = req.headers().get(HttpHeaderNames.AUTHORIZATION);
        return given != null && MessageDigest.isEqual(expectedAuthorization, given.getBytes(StandardCharsets.UTF_8));
    }

    /** @param body a POST's body, parsed only for a command (JSON content type already checked) */
    private AdminAnswer answer(HttpMethod method, String rawUri, String body) {
        QueryStringDecoder uri = new QueryStringDecoder(rawUri);
        try {
            String path = uri.path(); // decoding happens here and below: a bad escape is a 400
            Map<String, List<String>> raw = new HashMap<>(uri.parameters());
            if (body != null && !path.equals("/admin/status")) {
                AdminBody.parameters(body, raw);
            }
            AdminCommands.Params params = new AdminCommands.Params(raw);
            if (path.equals("/admin/status")) {
                return method.equals(HttpMethod.GET) ? commands.status() : notAllowed("GET");
            }
            if (!path.startsWith(PREFIX)) {
                return unknownPath(path);
            }
            String[] parts = path.substring(PREFIX.length()).split("/", -1);
            if (parts.length == 2 && parts[1].equals("rollback")) {
                return post(method) ? commands.rollback(parts[0]) : notAllowed("POST");
            }
            if (parts.length != 4 || !parts[1].equals("versions") || parts[0].isEmpty()) {
                return unknownPath(path);
            }
            if (!post(method)) {
                return notAllowed("POST");
            }
            String view = parts[0];
            int version = params.parseInt("version", parts[2], 1, Integer.MAX_VALUE);
            return switch (parts[3]) {
                case "load" -> commands.load(view, version, params);
                case "validate" -> commands.validate(view, version, params);
                case "swap" -> commands.swap(view, version, params);
                case "retire" -> commands.retire(view, version);
                default -> unknownPath(path);
            };
        } catch (AdminBody.Refused e) {
            return AdminAnswer.error(e.status, e.code, e.getMessage());
        } catch (AdminCommands.BadParameter e) {
            return AdminAnswer.error(400, "bad_parameter", e.getMessage());
        } catch (IllegalArgumentException e) {
            return AdminAnswer.error(400, "bad_request", e.getMessage());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return AdminAnswer.error(503, "interrupted", "the node is shutting down");
        } catch (RuntimeException e) {
            LOG.error("admin request {} {} failed", method, rawUri, e);
            return AdminAnswer.error(500, "internal_error", e.toString());
        }
    }

    private static boolean post(HttpMethod method) {
        return method.equals(HttpMethod.POST);
    }

    private static AdminAnswer notAllowed(String allow) {
        return new AdminAnswer(
                405, HttpErrors.errorBody("method_not_allowed", "use " + allow), "Allow: " + allow + "\r\n");
    }

    private static AdminAnswer unknownPath(String path) {
        return AdminAnswer.error(
                404,
                "unknown_path",
                "no admin command at " + path + "; see GET /admin/status,"
                        + " POST /admin/views/{view}/versions/{n}/{load|validate|swap|retire}, POST /admin/views/{view}/rollback");
    }

    /** Idle past {@code serving.idle.timeout.ms}: closed, unless a command of this connection is still running. */
    @Override
    public void userEventTriggered(ChannelHandlerContext ctx, Object evt) throws Exception {
        if (evt instanceof IdleStateEvent) {
            if (pending == 0) {
                ctx.close();
            }
            return;
        }
        super.userEventTriggered(ctx, evt);
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        LOG.debug("admin connection failed", cause);
        ctx.close();
    }
}
