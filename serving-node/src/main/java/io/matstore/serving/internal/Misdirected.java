package io.matstore.serving.internal;

import io.netty.buffer.ByteBufAllocator;

/**
 * {@code 421 Misdirected Request} (RFC 9110 §15.5.20), code {@code wrong_cell}: the key's partition is not held
 * here; the body names the owning cell (as this node's routing table has it) and the routing generation, so a
 * client refreshes its table from {@code /v1/cluster} and retries there. Cold path.
 */
final class Misdirected {
    static final int STATUS = 421;

    private Misdirected() {}

    static void answer(
            ByteBufAllocator alloc,
            ViewRoute route,
            PartitionGuard guard,
            int version,
            int partition,
            boolean keepAlive,
            Answer answer) {
        route.meters().onMisdirected();
        answer.set(
                HttpErrors.response(
                        alloc,
                        STATUS,
                        HttpErrors.PROBLEM_JSON,
                        body(route, guard, version, partition),
                        keepAlive,
                        "X-Matstore-Routing-Generation: " + guard.generation() + "\r\n"),
                STATUS);
    }

    /**
     * A problem details object (see {@link HttpErrors}) with the extension members {@code partition}, {@code cell}
     * and {@code generation}.
     */
    static String body(ViewRoute route, PartitionGuard guard, int version, int partition) {
        String cell = guard.owner(version, partition);
        return HttpErrors.problem(
                STATUS, "wrong_cell", message(route, guard, partition, cell), owner(guard, partition, cell));
    }

    /** A batch item's {@code {"code":"wrong_cell","message":...,"partition":p,"cell":...,"generation":g}}. */
    static String error(ViewRoute route, PartitionGuard guard, int version, int partition) {
        String cell = guard.owner(version, partition);
        return "{\"code\":\"wrong_cell\",\"message\":" + HttpErrors.quote(message(route, guard, partition, cell))
                + owner(guard, partition, cell) + "}";
    }

    private static String message(ViewRoute route, PartitionGuard guard, int partition, String cell) {
        return "partition " + partition + " of view " + route.name() + " is owned by "
                + (cell == null ? "no known cell" : "cell " + cell) + " (routing generation " + guard.generation()
                + ")";
    }

    private static String owner(PartitionGuard guard, int partition, String cell) {
        return ",\"partition\":" + partition + ",\"cell\":" + (cell == null ? "null" : HttpErrors.quote(cell))
                + ",\"generation\":" + guard.generation();
    }
}
