package io.matstore.client;

import io.matstore.client.internal.Json;
import io.matstore.client.internal.Node;
import io.matstore.client.internal.RoutingTable;
import io.matstore.schemas.ViewDescriptor;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Map;
import java.util.TreeSet;

/** What {@link GetCall} and {@link BatchCall} share: the view's route, the key, the query string, routing errors. */
final class Routes {
    private Routes() {}

    static RoutingTable.ViewRoute route(RoutingTable table, String view) {
        RoutingTable.ViewRoute route = table.view(view);
        if (route == null) {
            throw new NotFoundException(
                    "unknown_view",
                    "view " + view + " is not in the routing table of cluster "
                            + table.cluster() + " (generation " + table.generation() + "); views: "
                            + new TreeSet<>(table.viewNames()),
                    null);
        }
        return route;
    }

    /** The key, or the node's own 400 codes for what cannot be routed. */
    static byte[] key(RoutingTable.ViewRoute route, Map<String, String> params) {
        ViewDescriptor d = route.descriptor();
        for (String name : params.keySet()) {
            if (d.dimensionIndex(name) < 0) {
                throw new BadRequestException(
                        400,
                        "unknown_parameter",
                        "parameter \"" + name + "\" is not a" + " dimension of view " + d.name() + "; dimensions are "
                                + d.dimensions(),
                        null);
            }
        }
        for (String dim : d.dimensions()) {
            if (params.get(dim) == null) {
                throw new BadRequestException(
                        400,
                        "missing_parameter",
                        "view " + d.name() + " needs parameter \"" + dim + "\"; dimensions are " + d.dimensions(),
                        null);
            }
        }
        try {
            return route.key(params);
        } catch (IllegalArgumentException e) {
            throw new BadRequestException(400, "bad_parameter", e.getMessage(), null);
        }
    }

    /** {@code dim=value&...} in the view's dimension order, values percent-encoded as UTF-8. */
    static String query(ViewDescriptor d, Map<String, String> params) {
        StringBuilder q = new StringBuilder(64);
        for (String dim : d.dimensions()) {
            if (q.length() > 0) {
                q.append('&');
            }
            q.append(dim).append('=').append(URLEncoder.encode(params.get(dim), StandardCharsets.UTF_8));
        }
        return q.toString();
    }

    static UnavailableException noOwner(String view, int partition, String cell, long generation) {
        return new UnavailableException(
                0,
                "no_owner",
                "partition " + partition + " of view " + view
                        + (cell == null ? " has no owning cell" : " has no loaded node in cell " + cell)
                        + " (routing generation " + generation + ")",
                null,
                Duration.ZERO,
                null);
    }

    static MisdirectedException misdirected(Json.Obj error, Node node) {
        String message = error == null ? "421 from " + node : Answers.message(error);
        return new MisdirectedException(
                message + " (node " + node + ", after a routing refresh)",
                node.url(),
                error == null ? null : error.string("cell"),
                error == null ? 0 : error.number("generation", 0));
    }

    static String rootCause(Throwable t) {
        Throwable c = t;
        while (c.getCause() != null && c.getCause() != c) {
            c = c.getCause();
        }
        return c.toString();
    }
}
