package io.matstore.serving.internal.admin;

import io.matstore.serving.internal.HttpErrors;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpUtil;
import io.netty.handler.codec.http.QueryStringDecoder;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Routes admin requests to {@link AdminCommands}, after the bearer-token check when a token is configured.
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
    /** Requests of this connection handed to the command thread and not yet answered. Event loop only. */
    private int pending;

    AdminHandler(AdminCommands commands, Executor commandThread, String token) {
        this.commands = commands;
        this.commandThread = commandThread;
        this.expectedAuthorization = token == null ? null
                : ("Bearer " + token).getBytes(StandardCharsets.UTF_8);
    }

    @Override
    protected void channelRead0(ChannelHandlerContext ctx, FullHttpRequest req) {
        boolean keepAlive = HttpUtil.isKeepAlive(req);
        AdminAnswer ready = null; // an answer that needs no command
        if (!req.decoderResult().isSuccess()) {
            ready = AdminAnswer.error(400, "malformed_request", "not a valid HTTP/1.1 request");
            keepAlive = false;
        } else if (!authorized(req)) {
            ready = new AdminAnswer(401, HttpErrors.errorBody("unauthorized", "this admin endpoint needs"
                    + " 'Authorization: Bearer <token>' with the token in serving.admin.token"),
                    "WWW-Authenticate: Bearer realm=\"matstore-admin\"\r\n");
        } else if (pending == 0 && new QueryStringDecoder(req.uri()).path().equals("/admin/status")) {
            // A snapshot: taken now only when nothing is ahead of it on this connection, so that a status
            // pipelined behind a swap shows the swap (the command thread answers it then).
            ready = answer(req.method(), req.uri());
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
        boolean keep = keepAlive;
        AdminAnswer known = ready;
        pending++;
        try {
            commandThread.execute(() -> {
                AdminAnswer answer;
                try {
                    answer = known != null ? known : answer(method, uri);
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

    private static void write(ChannelHandlerContext ctx, AdminAnswer answer, boolean keepAlive) {
        var out = HttpErrors.response(ctx.alloc(), answer.status(), "application/json", answer.body(), keepAlive,
                answer.extraHeaders());
        var written = ctx.writeAndFlush(out);
        if (!keepAlive) {
            written.addListener(ChannelFutureListener.CLOSE);
        }
    }

    /** Constant-time comparison, so response timing tells nothing about the token. */
    private boolean authorized(FullHttpRequest req) {
        if (expectedAuthorization == null) {
            return true;
        }
        String given = req.headers().get(HttpHeaderNames.AUTHORIZATION);
        return given != null && MessageDigest.isEqual(expectedAuthorization, given.getBytes(StandardCharsets.UTF_8));
    }

    private AdminAnswer answer(HttpMethod method, String rawUri) {
        QueryStringDecoder uri = new QueryStringDecoder(rawUri);
        try {
            String path = uri.path(); // decoding happens here and below: a bad escape is a 400
            AdminCommands.Params params = new AdminCommands.Params(uri.parameters());
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
        return new AdminAnswer(405, HttpErrors.errorBody("method_not_allowed", "use " + allow),
                "Allow: " + allow + "\r\n");
    }

    private static AdminAnswer unknownPath(String path) {
        return AdminAnswer.error(404, "unknown_path", "no admin command at " + path + "; see GET /admin/status,"
                + " POST /admin/views/{view}/versions/{n}/{load|validate|swap|retire}, POST /admin/views/{view}/rollback");
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        LOG.debug("admin connection failed", cause);
        ctx.close();
    }
}
