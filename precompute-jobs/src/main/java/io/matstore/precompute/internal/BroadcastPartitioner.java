package io.matstore.precompute.internal;

import java.util.Optional;
import java.util.Set;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import org.apache.kafka.streams.processor.StreamPartitioner;

/** Sends each record to every partition of the topic (KIP-837 multicast): how dimension events reach every task. */
public final class BroadcastPartitioner implements StreamPartitioner<byte[], byte[]> {
    private int cachedCount = -1;
    private Set<Integer> cachedAll = Set.of();

    @Override
    public Optional<Set<Integer>> partitions(String topic, byte[] key, byte[] value, int numPartitions) {
        if (numPartitions != cachedCount) {
            cachedAll = IntStream.range(0, numPartitions).boxed().collect(Collectors.toUnmodifiableSet());
            cachedCount = numPartitions;
        }
        return Optional.of(cachedAll);
    }
}
