package io.matstore.bench.precompute;

import com.google.flatbuffers.FlatBufferBuilder;
import io.matstore.schemas.KeyCodec;
import io.matstore.schemas.ResponseEnvelopeWriter;
import io.matstore.schemas.ResponseEnvelopes;
import io.matstore.schemas.offers.fb.OfferResponse;
import io.matstore.views.offers.OfferResponseWriter;
import io.matstore.views.offers.OffersContract;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

/**
 * One response of an FX fan-out as the stream thread encodes it: the offers response, then its envelope, in the
 * order a fan-out walks them (a product's 4 regions × 2 tiers in EUR, product after product, titles of varying
 * length). {@code encode=builder} is FlatBuffers' builder for both, as before the templates (strings already in
 * UTF-8, as the writer's memo had them; the response through the generated {@code createOfferResponse});
 * {@code encode=template} is {@link OfferResponseWriter} and {@link ResponseEnvelopeWriter}, copying a template per
 * shape and patching the values in (the builder's bytes: their tests). Per op one response and one envelope.
 *
 * <p>Run: {@code java -jar benchmarks/target/benchmarks.jar FanOutEncodeBenchmark -prof gc}
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(value = 2, jvmArgsAppend = "-Xmx1g")
public class FanOutEncodeBenchmark {
    private static final int PRODUCTS = 1024;
    private static final String[] REGIONS = {"us", "eu", "uk", "jp"};
    private static final String[] TIERS = {OffersContract.TIER_STANDARD, OffersContract.TIER_GOLD};

    @Param({"builder", "template"})
    public String encode;

    private final OfferResponseWriter responses = new OfferResponseWriter(OffersContract.V1);
    private final ResponseEnvelopeWriter envelopes = new ResponseEnvelopeWriter(OffersContract.V1);
    private final FlatBufferBuilder envelopeBuilder = new FlatBufferBuilder(1024);
    private final FlatBufferBuilder responseBuilder = new FlatBufferBuilder(256);
    private String[] skus;
    private String[] titles;
    // The old writer's memo held these bytes; the builder path should not pay for encoding them.
    private ByteBuffer[] skuUtf8;
    private ByteBuffer[] titleUtf8;
    private final ByteBuffer[] regionUtf8 = new ByteBuffer[REGIONS.length];
    private final ByteBuffer[] tierUtf8 = new ByteBuffer[TIERS.length];
    private final ByteBuffer eur = utf8("EUR");
    private final ByteBuffer kitchen = utf8("kitchen");
    private final ByteBuffer none = utf8("");
    private byte[][] keys;
    private int next;

    @Setup
    public void setUp() {
        skus = new String[PRODUCTS];
        titles = new String[PRODUCTS];
        keys = new byte[PRODUCTS * REGIONS.length * TIERS.length][];
        skuUtf8 = new ByteBuffer[PRODUCTS];
        titleUtf8 = new ByteBuffer[PRODUCTS];
        for (int r = 0; r < REGIONS.length; r++) {
            regionUtf8[r] = utf8(REGIONS[r]);
        }
        for (int t = 0; t < TIERS.length; t++) {
            tierUtf8[t] = utf8(TIERS[t]);
        }
        for (int p = 0; p < PRODUCTS; p++) {
            skus[p] = "SKU-" + (100_000 + p);
            titles[p] = "Product " + p + " " + "x".repeat(p % 37);
            skuUtf8[p] = utf8(skus[p]);
            titleUtf8[p] = utf8(titles[p]);
            for (int r = 0; r < REGIONS.length; r++) {
                for (int t = 0; t < TIERS.length; t++) {
                    keys[combination(p, r, t)] =
                            KeyCodec.encode(OffersContract.V1, skus[p], REGIONS[r], "EUR", TIERS[t]);
                }
            }
        }
    }

    private static int combination(int product, int region, int tier) {
        return (product * REGIONS.length + region) * TIERS.length + tier;
    }

    @Benchmark
    public byte[] responseAndEnvelope() {
        int c = next;
        next = (c + 1) % keys.length;
        int tier = c % TIERS.length;
        int region = c / TIERS.length % REGIONS.length;
        int product = c / (TIERS.length * REGIONS.length);
        long price = 1_000 + product * 7L + tier;
        int quantity = product % 5;
        byte[] response;
        byte[] envelope;
        if (encode.equals("builder")) {
            FlatBufferBuilder b = responseBuilder;
            b.clear();
            int skuAt = b.createString(skuUtf8[product].rewind());
            int regionAt = b.createString(regionUtf8[region].rewind());
            int currencyAt = b.createString(eur.rewind());
            int tierAt = b.createString(tierUtf8[tier].rewind());
            int titleAt = b.createString(titleUtf8[product].rewind());
            int categoryAt = b.createString(kitchen.rewind());
            int promoAt = b.createString(none.rewind());
            b.finish(OfferResponse.createOfferResponse(
                    b,
                    skuAt,
                    regionAt,
                    currencyAt,
                    tierAt,
                    titleAt,
                    categoryAt,
                    price,
                    2,
                    promoAt,
                    0,
                    quantity,
                    quantity > 0,
                    0));
            response = b.sizedByteArray();
            envelope =
                    ResponseEnvelopes.encode(envelopeBuilder, OffersContract.V1, keys[c], price, 42L, response, null);
        } else {
            response = responses.write(
                    skus[product],
                    REGIONS[region],
                    "EUR",
                    TIERS[tier],
                    titles[product],
                    "kitchen",
                    price,
                    2,
                    "",
                    0,
                    quantity,
                    0);
            envelope = envelopes.encode(keys[c], price, 42L, response, null);
        }
        return envelope;
    }

    private static ByteBuffer utf8(String s) {
        return ByteBuffer.wrap(s.getBytes(StandardCharsets.UTF_8));
    }
}
