package io.matstore.serving.internal;

import io.matstore.serving.cluster.RoutingTable;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpRequest;
import java.nio.charset.StandardCharsets;

/**
 * {@code GET /v1/cluster}: the routing table ({@link RoutingTable}) as last rebuilt by {@link ClusterRefresher},
 * {@code Cache-Control: no-cache} with a strong ETag (the body's 64-bit hash), and 304 without a body for an
 * {@code If-None-Match} that names it, so clients poll it cheaply. Never shed (like the probes).
 */
final class ClusterEndpoint {
    private ClusterEndpoint() {}

    static void answer(NodeContext node, HttpRequest req, boolean keepAlive, ByteBufAllocator alloc, Answer answer) {
        RoutingTable table = node.cluster().table();
        String etag = table.etag();
        String ifNoneMatch = req.headers().get(HttpHeaderNames.IF_NONE_MATCH);
        boolean notModified = ifNoneMatch != null
                && (ifNoneMatch.contains(etag) || ifNoneMatch.trim().equals("*"));
        byte[] body = notModified ? new byte[0] : table.json();
        int status = notModified ? 304 : 200;
        String head = "HTTP/1.1 " + (notModified ? "304 Not Modified" : "200 OK") + "\r\n"
                + "Content-Type: application/json\r\n"
                + (notModified ? "" : "Content-Length: " + body.length + "\r\n")
                + "Cache-Control: no-cache\r\n"
                + "ETag: " + etag + "\r\n"
                + "X-Matstore-Routing-Generation: " + table.generation() + "\r\n"
                + (keepAlive ? "" : "Connection: close\r\n")
                + "\r\n";
        ByteBuf out = alloc.directBuffer(head.length() + body.length);
        out.writeCharSequence(head, StandardCharsets.US_ASCII);
        out.writeBytes(body);
        answer.set(out, status);
    }
}
