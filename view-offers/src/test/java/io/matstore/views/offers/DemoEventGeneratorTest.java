package io.matstore.views.offers;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class DemoEventGeneratorTest {
    private static List<OffersEvent> events(long seed) {
        DemoEventGenerator g =
                new DemoEventGenerator(100, List.of("us", "eu"), seed, new DemoEventGenerator.Mix(20, 150));
        List<OffersEvent> out = new ArrayList<>();
        g.catalogue(out::add);
        for (int i = 0; i < 5_000; i++) {
            out.add(g.next());
        }
        return out;
    }

    @Test
    void shouldMakeTheSameEventsFromTheSameSeed() {
        assertThat(events(7)).isEqualTo(events(7)).isNotEqualTo(events(8));
    }

    @Test
    void shouldMakeOnlyValidEventsOfEveryType() throws Exception {
        List<OffersEvent> events = events(3);
        for (OffersEvent e : events) {
            assertThat(OfferEventDecoder.decode(OffersEventCodec.encode(e).value()))
                    .isEqualTo(e);
        }
        assertThat(events.stream().map(Object::getClass).distinct()).hasSize(6);
        assertThat(events.stream()
                        .filter(e -> e instanceof OffersEvent.FxRateChanged f
                                && (f.currency().equals("CHF") || f.currency().equals("KWD"))))
                .as("new currencies appear")
                .isNotEmpty();
    }
}
