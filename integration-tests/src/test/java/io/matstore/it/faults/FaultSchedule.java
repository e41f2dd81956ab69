package io.matstore.it.faults;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Random;

/** The faults of one run, in order, drawn from the run's seed: each kind {@code rounds} times, shuffled. */
final class FaultSchedule {
    enum Kind {
        /** SIGKILL of one of the two precompute instances, then its restart on the same state directory. */
        KILL_PRECOMPUTE,
        /** SIGKILL of one serving node, then its restart on the same data directory. */
        KILL_NODE,
        /** The broker (a child JVM) stopped with SIGTERM and started again on the same port and log directory. */
        RESTART_BROKER,
        /** The broker SIGKILLed and started again on the same port and log directory. */
        KILL_BROKER,
        /** SIGKILL of a node, garbage over its version's RocksDB MANIFEST, restart: quarantined and rebuilt. */
        CORRUPT_ROCKSDB,
        /** A node stopped cleanly, garbage over its near-cache file, restart: the file is not trusted, refilled. */
        CORRUPT_NEAR_CACHE,
        /** The node on the small tmpfs: its disk filled past the free-space floor, then freed. */
        DISK_FULL,
        /** A node loads a second version, then is SIGKILLed while swapping to it; restarted, swapped back. */
        KILL_DURING_SWAP,
        /** A node holding a second version is SIGKILLed while retiring it; restarted, the version re-added. */
        KILL_DURING_RETIRE
    }

    /** One fault: its kind and which of the two instances of that role it hits. */
    record Fault(Kind kind, int target) {}

    private FaultSchedule() {}

    /**
     * @param diskFullNode the node whose data directory is the small file system, or -1 when none could be mounted
     *                     (then no DISK_FULL is planned)
     */
    static List<Fault> plan(long seed, int rounds, int diskFullNode) {
        Random random = new Random(seed);
        List<Fault> faults = new ArrayList<>();
        for (int round = 0; round < rounds; round++) {
            for (Kind kind : Kind.values()) {
                if (kind == Kind.DISK_FULL) {
                    if (diskFullNode >= 0) {
                        faults.add(new Fault(kind, diskFullNode));
                    }
                } else {
                    faults.add(new Fault(kind, random.nextInt(2)));
                }
            }
        }
        Collections.shuffle(faults, random);
        return faults;
    }
}
