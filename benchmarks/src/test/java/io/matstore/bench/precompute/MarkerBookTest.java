package io.matstore.bench.precompute;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.producer.internals.BuiltInPartitioner;
import org.junit.jupiter.api.Test;

class MarkerBookTest {
    private static final long MS = TimeUnit.MILLISECONDS.toNanos(1);

    @Test
    void shouldTimeEachMarkerFromPublishToTheFirstAnswerShowingIt() {
        MarkerBook book = new MarkerBook(2, 1_000);
        book.onPublished(0, 1, 0);
        book.onPublished(1, 2, 10 * MS);

        assertThat(book.onServed(0, 0, 50 * MS)).isZero(); // the old value: not served yet
        assertThat(book.onServed(0, 1, 120 * MS)).isEqualTo(1);
        assertThat(book.onServed(1, 2, 40 * MS)).isEqualTo(1);

        FreshnessSummary s = book.summary();
        assertThat(s.published()).isEqualTo(2);
        assertThat(s.seen()).isEqualTo(2);
        assertThat(s.unseen()).isZero();
        assertThat(s.micros().getMaxValue()).isBetween(119_900L, 120_100L);
        assertThat(s.micros().getMinValue()).isBetween(29_950L, 30_050L);
        assertThat(book.hasOutstanding()).isFalse();
    }

    @Test
    void shouldServeEveryEarlierMarkerOfTheSkuWhenALaterOneShows() {
        MarkerBook book = new MarkerBook(1, 1_000);
        book.onPublished(0, 5, 0);
        book.onPublished(0, 9, 100 * MS);
        book.onPublished(0, 12, 200 * MS);

        assertThat(book.onServed(0, 9, 300 * MS)).isEqualTo(2); // 5 was overwritten by 9 before any poll saw it

        FreshnessSummary s = book.summary();
        assertThat(s.seen()).isEqualTo(2);
        assertThat(s.pending()).isEqualTo(1);
        assertThat(book.hasOutstanding(0)).isTrue();
    }

    @Test
    void shouldCountAMarkerNotServedWithinTheBoundAsUnseenAndRecordItAtTheBound() {
        MarkerBook book = new MarkerBook(2, 500);
        book.onPublished(0, 1, 0);
        book.onPublished(1, 2, 400 * MS);

        assertThat(book.expire(500 * MS)).isZero(); // exactly at the bound: still waiting
        assertThat(book.expire(501 * MS)).isEqualTo(1);
        assertThat(book.onServed(0, 1, 600 * MS)).isZero(); // too late, already counted

        FreshnessSummary s = book.summary();
        assertThat(s.unseen()).isEqualTo(1);
        assertThat(s.seen()).isZero();
        assertThat(s.pending()).isEqualTo(1);
        assertThat(s.p99Millis()).isGreaterThanOrEqualTo(500);
        assertThat(s.millis(s.p99Millis())).isEqualTo("≥ 500 ms");
    }

    @Test
    void shouldRefuseMarkersThatDoNotIncreasePerSku() {
        MarkerBook book = new MarkerBook(1, 1_000);
        book.onPublished(0, 7, 0);

        assertThatThrownBy(() -> book.onPublished(0, 7, MS))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("quantity=7 <= last outstanding quantity=7 of probe sku 0: markers must increase");
    }

    @Test
    void shouldReadTheQuantityOfTheOffersJsonRendering() {
        String json = "{\"sku\":\"PROBE-0001\",\"region\":\"us\",\"currency\":\"USD\",\"tier\":\"standard\","
                + "\"title\":\"x\",\"category\":\"probe\",\"price_minor\":1000,\"minor_units\":2,\"promo_id\":\"\","
                + "\"percent_off\":0,\"quantity\":123456,\"in_stock\":true,\"_meta\":{}}";

        assertThat(ServedQuantity.quantity(json)).isEqualTo(123_456);
    }

    @Test
    void shouldPickTheSameNumberOfProbeSkusInEveryPartitionOfTheProducersPartitioner() {
        ProbeSkus skus = new ProbeSkus(4, 2);

        assertThat(skus.size()).isEqualTo(8);
        int[] perPartition = new int[4];
        for (int i = 0; i < skus.size(); i++) {
            byte[] key = skus.sku(i).getBytes(StandardCharsets.UTF_8);
            perPartition[BuiltInPartitioner.partitionForKey(key, 4)]++;
        }
        assertThat(perPartition).containsExactly(2, 2, 2, 2);
    }
}
