package io.matstore.serving.cluster;

import static org.assertj.core.api.Assertions.assertThat;

import io.matstore.schemas.ViewDescriptor;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Who the routing table names during a move, without a broker: loaded first, leaving cells last. */
class RoutingTableMovesTest {
    private static final ViewDescriptor VIEW = ViewDescriptor.of("offers", 1, "id");
    private static final int PARTITIONS = 8;

    private static Member member(String cell, String node, List<Integer> held, List<Integer> loaded, boolean leaving) {
        return new Member(
                cell,
                node,
                "http://127.0.0.1:1",
                true,
                Map.of(
                        "offers",
                        new Member.ViewHolding(
                                1, List.of(new Member.VersionHolding(1, VIEW.topic(), PARTITIONS, held, loaded)))),
                leaving);
    }

    private static String[] owners(List<Member> members) {
        return RoutingTable.build("t", 1, List.of(new RoutingTable.ServedView(VIEW, PARTITIONS)), members, false)
                .owners()
                .get("offers");
    }

    /** A partition rendezvous gives to c among a, b, c, and the cell that owns it among a, b. */
    private static int movingToC() {
        for (int p = 0; p < PARTITIONS; p++) {
            if (Assignment.owner(List.of("a", "b", "c"), VIEW.topic(), p).equals("c")) {
                return p;
            }
        }
        throw new AssertionError("c wins no partition of 8");
    }

    @Test
    void shouldKeepTheOldOwnerUntilTheNewOneHasThePartitionLoaded() {
        int p = movingToC();
        String old = Assignment.owner(List.of("a", "b"), VIEW.topic(), p);
        List<Integer> all = List.of(0, 1, 2, 3, 4, 5, 6, 7);
        Member oldNode = member(old, old + "-1", all, all, false);
        Member other = member(old.equals("a") ? "b" : "a", "x-1", List.of(), List.of(), false);
        assertThat(owners(List.of(oldNode, other, member("c", "c-1", List.of(p), List.of(), false)))[p])
                .as("c still loading")
                .isEqualTo(old);
        assertThat(owners(List.of(oldNode, other, member("c", "c-1", List.of(p), List.of(p), false)))[p])
                .as("c loaded")
                .isEqualTo("c");
    }

    @Test
    void shouldRankACellWhoseNodesAllLeaveLast() {
        int p = movingToC();
        List<Integer> both = List.of(p);
        Member c1 = member("c", "c-1", both, both, true);
        Member a1 = member("a", "a-1", both, both, false);
        Member b1 = member("b", "b-1", both, both, false);
        String next = Assignment.owner(List.of("a", "b"), VIEW.topic(), p);
        assertThat(owners(List.of(c1, a1, b1))[p]).isEqualTo(next);
        assertThat(RoutingTable.leavingCells(List.of(c1, a1))).containsExactly("c");
        // one node of c staying keeps the cell in its place
        Member c2 = member("c", "c-2", both, both, false);
        assertThat(owners(List.of(c1, c2, a1, b1))[p]).isEqualTo("c");
        assertThat(RoutingTable.leavingCells(List.of(c1, c2, a1))).isEmpty();
    }

    @Test
    void shouldCarryLeavingInTheMemberEntryOnlyWhenSet() {
        Member staying = member("a", "a-1", List.of(0), List.of(0), false);
        Member leaving = member("a", "a-1", List.of(0), List.of(0), true);
        assertThat(new String(staying.encode(), StandardCharsets.UTF_8)).doesNotContain("leaving");
        assertThat(new String(leaving.encode(), StandardCharsets.UTF_8)).contains("\"leaving\":true");
        assertThat(Member.decode(leaving.encode())).isEqualTo(leaving);
        assertThat(Member.decode(staying.encode())).isEqualTo(staying);
    }
}
