package io.matstore.schemas.offers;

import com.google.flatbuffers.FlatBufferBuilder;
import io.matstore.schemas.offers.fb.FxRateChanged;
import io.matstore.schemas.offers.fb.OfferEvent;
import io.matstore.schemas.offers.fb.OfferEventBody;
import io.matstore.schemas.offers.fb.ProductDeleted;
import io.matstore.schemas.offers.fb.ProductUpserted;
import io.matstore.schemas.offers.fb.PromotionEnded;
import io.matstore.schemas.offers.fb.PromotionUpserted;
import io.matstore.schemas.offers.fb.StockChanged;
import java.nio.ByteBuffer;

/**
 * Encodes {@code offers} source events as the bytes of a source-topic record value. It encodes what it is given:
 * range checks belong to the reader (the precompute job rejects out-of-range events to its dead-letter topic), so
 * that tests can produce the invalid events a real producer might send.
 */
public final class OfferEvents {
    private OfferEvents() {}

    public static byte[] productUpserted(String sku, String title, String category, long basePriceUsdCents) {
        FlatBufferBuilder b = new FlatBufferBuilder(128);
        int body = ProductUpserted.createProductUpserted(
                b, b.createString(sku), b.createString(title), b.createString(category), basePriceUsdCents);
        return finish(b, OfferEventBody.ProductUpserted, body);
    }

    public static byte[] productDeleted(String sku) {
        FlatBufferBuilder b = new FlatBufferBuilder(64);
        int body = ProductDeleted.createProductDeleted(b, b.createString(sku));
        return finish(b, OfferEventBody.ProductDeleted, body);
    }

    public static byte[] stockChanged(String sku, String region, int quantity) {
        FlatBufferBuilder b = new FlatBufferBuilder(64);
        int body = StockChanged.createStockChanged(b, b.createString(sku), b.createString(region), quantity);
        return finish(b, OfferEventBody.StockChanged, body);
    }

    public static byte[] promotionUpserted(String promoId, String category, String region, int percentOff) {
        FlatBufferBuilder b = new FlatBufferBuilder(96);
        int body = PromotionUpserted.createPromotionUpserted(
                b, b.createString(promoId), b.createString(category), b.createString(region), percentOff);
        return finish(b, OfferEventBody.PromotionUpserted, body);
    }

    public static byte[] promotionEnded(String promoId) {
        FlatBufferBuilder b = new FlatBufferBuilder(64);
        int body = PromotionEnded.createPromotionEnded(b, b.createString(promoId));
        return finish(b, OfferEventBody.PromotionEnded, body);
    }

    public static byte[] fxRateChanged(String currency, long usdRateMicros, int minorUnits) {
        FlatBufferBuilder b = new FlatBufferBuilder(64);
        int body = FxRateChanged.createFxRateChanged(b, b.createString(currency), usdRateMicros, minorUnits);
        return finish(b, OfferEventBody.FxRateChanged, body);
    }

    /** Reads an event in place; the returned table is a view over {@code bytes}. */
    public static OfferEvent read(byte[] bytes) {
        return OfferEvent.getRootAsOfferEvent(ByteBuffer.wrap(bytes));
    }

    private static byte[] finish(FlatBufferBuilder b, byte type, int body) {
        int event = OfferEvent.createOfferEvent(b, type, body);
        OfferEvent.finishOfferEventBuffer(b, event);
        return b.sizedByteArray();
    }
}
