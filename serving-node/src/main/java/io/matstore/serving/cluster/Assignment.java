package io.matstore.serving.cluster;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.SortedSet;
import java.util.TreeSet;

/**
 * Which cell owns which partition of a view topic: rendezvous (highest-random-weight) hashing over the live cell
 * ids. The owner of partition {@code p} of {@code topic} is the cell with the highest
 * {@link #weight(String, String, int) weight(cell, topic, p)}; ties (practically never) go to the smaller cell id.
 *
 * <pre>
 *   weight(cell, topic, p) = Hash64( utf8(cell) 0x00 utf8(topic) 0x00 p as 4 bytes big-endian )
 * </pre>
 * (as a signed 64-bit comparison; see {@link Hash64}). Every node computes the same from the same cell ids, with no
 * coordination. Adding one cell to N moves only the partitions it wins, about 1/(N+1) of them, all to the new cell;
 * removing one moves only its own partitions, each to its next-ranked cell. The topic is part of the weight so that
 * partition 0 of every view does not land on the same cell.
 */
public final class Assignment {
    private Assignment() {}

    public static long weight(String cell, String topic, int partition) {
        long h = Hash64.fnv(0xcbf29ce484222325L, cell.getBytes(StandardCharsets.UTF_8));
        h = Hash64.fnvByte(h, 0);
        h = Hash64.fnv(h, topic.getBytes(StandardCharsets.UTF_8));
        h = Hash64.fnvByte(h, 0);
        h = Hash64.fnvByte(h, partition >>> 24);
        h = Hash64.fnvByte(h, partition >>> 16);
        h = Hash64.fnvByte(h, partition >>> 8);
        h = Hash64.fnvByte(h, partition);
        return Hash64.fmix(h);
    }

    /** The owning cell of {@code partition}, or null when there is no cell. */
    public static String owner(Collection<String> cells, String topic, int partition) {
        String best = null;
        long bestWeight = 0;
        for (String cell : cells) {
            long w = weight(cell, topic, partition);
            if (best == null || w > bestWeight || w == bestWeight && cell.compareTo(best) < 0) {
                best = cell;
                bestWeight = w;
            }
        }
        return best;
    }

    /** The cells in rendezvous order for {@code partition}: the owner first, then who would take over. */
    public static List<String> ranked(Collection<String> cells, String topic, int partition) {
        List<String> out = new ArrayList<>(new TreeSet<>(cells));
        out.sort((a, b) -> {
            int c = Long.compare(weight(b, topic, partition), weight(a, topic, partition));
            return c != 0 ? c : a.compareTo(b);
        });
        return out;
    }

    /** The partitions of {@code topic} (of {@code partitions}) that {@code cell} owns among {@code cells} + itself. */
    public static SortedSet<Integer> partitionsOf(String cell, Collection<String> cells, String topic, int partitions) {
        TreeSet<String> all = new TreeSet<>(cells);
        all.add(cell);
        SortedSet<Integer> mine = new TreeSet<>();
        for (int p = 0; p < partitions; p++) {
            if (cell.equals(owner(all, topic, p))) {
                mine.add(p);
            }
        }
        return mine;
    }
}
