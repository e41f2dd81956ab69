package io.matstore.schemas;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.ByteBuffer;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;
import net.jqwik.api.constraints.Size;
import org.apache.kafka.common.utils.Utils;

/** Partitioner agrees with Kafka's default partitioner for keyed records, for any key and partition count. */
class PartitionerProperties {
    @Property(tries = 5000)
    void shouldPickTheSamePartitionAsKafka(
            @ForAll @Size(max = 300) byte[] key, @ForAll @IntRange(min = 1, max = 1024) int partitions) {
        int kafka = Utils.toPositive(Utils.murmur2(key)) % partitions;
        assertThat(Partitioner.partition(key, partitions)).isEqualTo(kafka);
        assertThat(Partitioner.partition(ByteBuffer.wrap(key), partitions)).isEqualTo(kafka);
        assertThat(Partitioner.murmur2(key, 0, key.length)).isEqualTo(Utils.murmur2(key));
    }

    @Property(tries = 1000)
    void shouldHashTheBytesBetweenOffsetAndLength(
            @ForAll @Size(min = 2, max = 100) byte[] key, @ForAll @IntRange(min = 1, max = 64) int partitions) {
        byte[] framed = new byte[key.length + 7];
        System.arraycopy(key, 0, framed, 3, key.length);
        assertThat(Partitioner.partition(framed, 3, key.length, partitions))
                .isEqualTo(Partitioner.partition(key, partitions));
        ByteBuffer direct = ByteBuffer.allocateDirect(framed.length);
        direct.put(framed).position(3).limit(3 + key.length);
        assertThat(Partitioner.partition(direct, partitions)).isEqualTo(Partitioner.partition(key, partitions));
        assertThat(direct.position()).isEqualTo(3);
    }
}
