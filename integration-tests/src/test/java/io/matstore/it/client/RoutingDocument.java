package io.matstore.it.client;

import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * A routing document ({@code GET /v1/cluster}'s shape) for the offers view over a topic no serving node holds: a
 * JDK HTTP server on 127.0.0.1, so that {@link ClientPartitionProperties} can ask the client for partitions of any
 * count against a plain topic. Tests of routing to nodes bootstrap from the nodes themselves
 * ({@link ClientEndToEndTest}).
 */
final class RoutingDocument implements AutoCloseable {
    private final HttpServer server;
    private final byte[] body;

    /** @param ownerUrls per partition the URL of the one node that holds it */
    RoutingDocument(int partitions, List<URI> ownerUrls) throws IOException {
        List<String> owners = new ArrayList<>();
        for (int p = 0; p < partitions; p++) {
            URI url = ownerUrls.get(p);
            owners.add("{\"partition\":" + p + ",\"cell\":\"cell-" + url.getPort() + "\",\"nodes\":[{\"node\":\"n-"
                    + url.getPort() + "\",\"url\":\"" + url + "\",\"ready\":true,\"loaded\":true}]}");
        }
        body =
                ("{\"cluster\":\"it\",\"generation\":1,\"views\":{\"offers\":{\"version\":1,\"topic\":\"view.offers.v1\","
                                + "\"partitions\":" + partitions + ",\"partitioner\":\"kafka-murmur2\","
                                + "\"dimensions\":[\"sku\",\"region\",\"currency\",\"tier\"],\"owners\":["
                                + String.join(",", owners)
                                + "]}}}")
                        .getBytes(StandardCharsets.UTF_8);
        server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        server.createContext("/v1/cluster", x -> {
            x.getResponseHeaders().set("Content-Type", "application/json");
            x.getResponseHeaders().set("ETag", "\"0000000000000001\"");
            x.sendResponseHeaders(200, body.length);
            try (OutputStream o = x.getResponseBody()) {
                o.write(body);
            }
        });
        server.start();
    }

    URI url() {
        return URI.create("http://127.0.0.1:" + server.getAddress().getPort());
    }

    @Override
    public void close() {
        server.stop(0);
    }
}
