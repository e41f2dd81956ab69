package io.matstore.serving.cluster;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** Rendezvous assignment without a broker: stable, balanced, and moving only what it must. */
class AssignmentTest {
    private static final String TOPIC = "view.offers.v1";
    private static final int PARTITIONS = 4_000;

    @Test
    void shouldComputeTheDocumentedWeightBitForBit() {
        // pinned: nodes and clients of every version must keep computing these
        assertThat(Hash64.hash(new byte[0])).isEqualTo(Hash64.fmix(0xcbf29ce484222325L));
        assertThat(Hash64.hex(Assignment.weight("a", TOPIC, 0))).isEqualTo(WEIGHT_A_0);
        assertThat(Hash64.hex(Assignment.weight("b", TOPIC, 7))).isEqualTo(WEIGHT_B_7);
        assertThat(Assignment.weight("a", TOPIC, 1)).isNotEqualTo(Assignment.weight("a", TOPIC, 0));
        assertThat(Assignment.weight("a", "view.offers.v2", 0)).isNotEqualTo(Assignment.weight("a", TOPIC, 0));
    }

    @Test
    void shouldGiveEveryCellAboutItsShare() {
        List<String> cells = cells(4);
        Map<String, Integer> counts = new HashMap<>();
        for (int p = 0; p < PARTITIONS; p++) {
            counts.merge(Assignment.owner(cells, TOPIC, p), 1, Integer::sum);
        }
        assertThat(counts).hasSize(4);
        assertThat(counts.values()).allSatisfy(n -> assertThat(n).isBetween(850, 1150));
    }

    @Test
    void shouldMoveAboutOneFifthOfThePartitionsAllToTheNewCellWhenAFifthCellJoins() {
        List<String> four = cells(4);
        List<String> five = cells(5);
        int moved = 0;
        for (int p = 0; p < PARTITIONS; p++) {
            String before = Assignment.owner(four, TOPIC, p);
            String after = Assignment.owner(five, TOPIC, p);
            if (!before.equals(after)) {
                moved++;
                assertThat(after).isEqualTo("cell-5");
            }
        }
        assertThat(moved / (double) PARTITIONS).isBetween(0.17, 0.23);
    }

    @Test
    void shouldMoveOnlyTheLeavingCellsPartitionsToTheirNextRankedCell() {
        List<String> five = cells(5);
        List<String> four = new ArrayList<>(five);
        four.remove("cell-3");
        for (int p = 0; p < PARTITIONS; p++) {
            List<String> ranked = Assignment.ranked(five, TOPIC, p);
            String after = Assignment.owner(four, TOPIC, p);
            if (ranked.get(0).equals("cell-3")) {
                assertThat(after).isEqualTo(ranked.get(1));
            } else {
                assertThat(after).isEqualTo(ranked.get(0));
            }
        }
    }

    @Test
    void shouldSplitThePartitionsIntoDisjointCellShares() {
        List<String> cells = cells(3);
        Set<Integer> all = new HashSet<>();
        int total = 0;
        for (String cell : cells) {
            Set<Integer> mine = Assignment.partitionsOf(cell, cells, TOPIC, 64);
            total += mine.size();
            all.addAll(mine);
        }
        assertThat(total).isEqualTo(64);
        assertThat(all).hasSize(64);
        // a cell that sees nobody else takes everything; its own id always counts
        assertThat(Assignment.partitionsOf("lonely", List.of(), TOPIC, 8)).containsExactly(0, 1, 2, 3, 4, 5, 6, 7);
        assertThat(Assignment.owner(List.of(), TOPIC, 0)).isNull();
    }

    private static List<String> cells(int n) {
        List<String> cells = new ArrayList<>();
        for (int i = 1; i <= n; i++) {
            cells.add("cell-" + i);
        }
        return cells;
    }

    /** Computed independently from the javadoc (a dozen lines of Python), not from this code. */
    private static final String WEIGHT_A_0 = "05e80bb0a1300e24";

    private static final String WEIGHT_B_7 = "2830d6a7e8628d83";
}
