package io.matstore.views.offers;

import io.matstore.precompute.DemoMix;
import io.matstore.precompute.DemoSource;
import io.matstore.precompute.InvalidEventException;
import io.matstore.precompute.PrecomputeConfig;
import io.matstore.precompute.SourceEventFormat;

/** The offers source events for {@code publish} and {@code generate}: {@link OffersJson} lines and the demo stream. */
public final class OffersEventFormat implements SourceEventFormat<OffersEvent> {
    @Override
    public OffersEvent parse(String jsonLine) throws InvalidEventException {
        return OffersJson.parse(jsonLine);
    }

    @Override
    public String format(OffersEvent event) {
        return OffersJson.format(event);
    }

    @Override
    public Record encode(OffersEvent event) {
        OffersEventCodec.Encoded e = OffersEventCodec.encode(event);
        return new Record(e.key(), e.value());
    }

    @Override
    public DemoSource<OffersEvent> demo(PrecomputeConfig config, DemoMix mix) {
        return new DemoEventGenerator(
                mix.products(),
                OffersSettings.regions(config),
                mix.seed(),
                new DemoEventGenerator.Mix(mix.fxPerMille(), mix.promotionPerMille()));
    }
}
