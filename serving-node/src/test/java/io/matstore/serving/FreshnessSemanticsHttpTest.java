package io.matstore.serving;

import static io.matstore.serving.Offers.MUG_QUERY;
import static org.assertj.core.api.Assertions.assertThat;

import io.matstore.schemas.ViewDescriptor;
import io.matstore.views.offers.OffersContract;
import java.net.http.HttpResponse;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Age as "time since the node last knew the value to be current", the staleness ceiling, and which versions a
 * read error may fall back to; a real node on a loopback socket.
 */
@Timeout(30)
class FreshnessSemanticsHttpTest {
    private static final String MUG = "/v1/views/offers?" + MUG_QUERY;

    private ServingFixture f = new ServingFixture(Map.of("view.offers.stale.if.error.seconds", "60"));

    @AfterEach
    void close() {
        f.close();
    }

    @Test
    void shouldSendAgeZeroWhileCaughtUpHowLongAgoTheValueWasComputed() throws Exception {
        f.v1.put(
                Offers.MUG.key(OffersContract.V1),
                Offers.MUG.envelope(OffersContract.V1, 7, (ServingFixture.NOW_MILLIS - 86_400_000L) * 1000));

        HttpResponse<String> r = f.getText(MUG, "Accept", "application/json");

        assertThat(r.headers().firstValue("age")).hasValue("0");
        assertThat(r.headers().firstValue("x-matstore-computed-at-micros"))
                .hasValue(Long.toString((ServingFixture.NOW_MILLIS - 86_400_000L) * 1000));
        assertThat(r.body()).contains("\"computed_at_micros\":" + (ServingFixture.NOW_MILLIS - 86_400_000L) * 1000);
    }

    @Test
    void shouldCountAgeFromWhenIngestWasLastCaughtUpWhileItLags() throws Exception {
        f.v1.lag(3);
        f.clock.advance(4_200);
        f.node.refreshStatus();

        HttpResponse<byte[]> r = f.get(MUG);

        assertThat(r.statusCode()).isEqualTo(200);
        assertThat(r.headers().firstValue("age")).hasValue("4");
        assertThat(r.headers().firstValue("x-matstore-freshness"))
                .as("within the objective")
                .hasValue("fresh");
    }

    @Test
    void shouldCountAgeFromWhenTheValueWasComputedWhenThatIsLaterThanTheLastCatchUp() throws Exception {
        // never caught up in this process (a restart with the broker down): the value was current when computed
        f.v1.lastCaughtUpMillis(0).ingestError("broker unreachable");
        f.node.refreshStatus();

        HttpResponse<byte[]> r = f.get(MUG);

        assertThat(r.statusCode()).isEqualTo(200);
        assertThat(r.headers().firstValue("age")).hasValue("5");
        assertThat(r.headers().firstValue("x-matstore-freshness")).hasValue("stale; reason=ingest-error");

        f.clock.advance(120_000);
        f.node.refreshStatus();
        HttpResponse<byte[]> later = f.get(MUG);
        assertThat(later.statusCode())
                .as("how stale is unknown: the ceiling does not apply")
                .isEqualTo(200);
        assertThat(later.headers().firstValue("age")).hasValue("125");
    }

    @Test
    void shouldAnswer503TooStaleForAKeyPastTheCeilingWhichDefaultsToStaleIfError() throws Exception {
        f.v1.ingestError("broker unreachable");
        f.clock.advance(60_000);
        f.node.refreshStatus();
        assertThat(f.get(MUG).headers().firstValue("age")).hasValue("60");

        f.clock.advance(1_000);
        f.node.refreshStatus();
        HttpResponse<String> r = f.getText(MUG);

        assertThat(r.statusCode()).isEqualTo(503);
        assertThat(r.headers().firstValue("retry-after")).hasValue("1");
        assertThat(r.headers().firstValue("cache-control")).hasValue("no-store");
        assertThat(r.body())
                .contains("\"code\":\"too_stale\"")
                .contains("was last known current 61 s ago >" + " view.offers.staleness.ceiling.seconds=60");
        assertThat(f.getText("/readyz").statusCode())
                .as("other keys may still be young enough")
                .isEqualTo(200);

        // a value computed after the last catch-up is younger than that: it still answers
        byte[] fresher = Offers.MUG.key(OffersContract.V1);
        f.v1.put(fresher, Offers.MUG.envelope(OffersContract.V1, 9, (f.clock.millis() - 2_000) * 1000));
        HttpResponse<byte[]> young = f.get(MUG);
        assertThat(young.statusCode()).isEqualTo(200);
        assertThat(young.headers().firstValue("age")).hasValue("2");
    }

    @Test
    void shouldTakeTheCeilingFromItsOwnSetting() throws Exception {
        f.close();
        f = new ServingFixture(Map.of("view.offers.staleness.ceiling.seconds", "3"));
        f.v1.lag(1);
        f.clock.advance(4_000);
        f.node.refreshStatus();

        HttpResponse<String> batch = f.post("/v1/views/offers/batch", MUG_QUERY, "Accept", "application/json");

        assertThat(f.getText(MUG).body()).contains("\"code\":\"too_stale\"");
        assertThat(batch.statusCode()).isEqualTo(200);
        assertThat(batch.body()).contains("{\"status\":503,\"error\":{\"code\":\"too_stale\"");
    }

    @Test
    void shouldNeverFallBackToANewerVersionThanTheOneThatFailed() throws Exception {
        ViewDescriptor v2 = OffersContract.V1.withVersion(2);
        ViewDescriptor v3 = OffersContract.V1.withVersion(3);
        f.store.add(v2, ServingFixture.NOW_MILLIS).failing(true);
        // a candidate being validated (or one that failed validation) holds a different value
        f.store
                .add(v3, ServingFixture.NOW_MILLIS)
                .put(Offers.MUG.key(v3), Offers.MUG.envelope(v3, 0xbad, ServingFixture.MUG_COMPUTED_AT_MICROS));
        f.store.makeCurrent("offers", 2);
        f.node.refreshStatus();

        HttpResponse<byte[]> r = f.get(MUG);

        assertThat(r.statusCode()).isEqualTo(200);
        assertThat(r.headers().firstValue("x-matstore-view-version"))
                .as("the older version")
                .hasValue("1");
        assertThat(r.headers().firstValue("x-matstore-freshness")).hasValue("stale; reason=read-error-fallback");

        f.store.drop("offers", 1);
        f.node.refreshStatus();
        HttpResponse<String> none = f.getText(MUG);
        assertThat(none.statusCode()).as("v3 is never used").isEqualTo(503);
        assertThat(none.body())
                .contains("\"code\":\"store_unavailable\"")
                .contains("no older held version has this key");
    }

    @Test
    void shouldNeverAnswerAPinnedRequestFromAnotherVersion() throws Exception {
        ViewDescriptor v2 = OffersContract.V1.withVersion(2);
        f.store.add(v2, ServingFixture.NOW_MILLIS).failing(true);
        f.store.makeCurrent("offers", 2);
        f.node.refreshStatus();

        HttpResponse<String> pinned = f.getText(MUG, "X-Matstore-Pin-Version", "2");
        HttpResponse<String> pinnedBatch = f.post(
                "/v1/views/offers/batch", MUG_QUERY, "Accept", "application/json", "X-Matstore-Pin-Version", "2");

        assertThat(pinned.statusCode()).isEqualTo(503);
        assertThat(pinned.body())
                .contains("\"code\":\"store_unavailable\"")
                .contains("a pinned request is answered by that version only");
        assertThat(pinnedBatch.body()).contains("{\"status\":503,\"error\":{\"code\":\"store_unavailable\"");
        assertThat(f.get(MUG).headers().firstValue("x-matstore-view-version"))
                .as("unpinned falls back")
                .hasValue("1");
    }
}
