package io.matstore.precompute;

import static org.assertj.core.api.Assertions.assertThat;

import io.matstore.views.offers.OffersView;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.apache.kafka.streams.StreamsBuilder;
import org.apache.kafka.streams.TopologyDescription;
import org.junit.jupiter.api.Test;

class ViewTopologyTest {
    @Test
    void shouldNameTheRepartitionTopicsTheTopologyReallyReads() {
        OffersView v2 = new OffersView("offers.events", OffersView.DEFAULT_REGIONS, 2);
        StreamsBuilder builder = new StreamsBuilder();
        ViewTopology.build(builder, v2, "dlq");
        Set<String> read = new HashSet<>();
        for (TopologyDescription.Subtopology s : builder.build().describe().subtopologies()) {
            for (TopologyDescription.Node n : s.nodes()) {
                if (n instanceof TopologyDescription.Source source) {
                    read.addAll(source.topicSet());
                }
            }
        }
        // describe() shows internal topics without the application id, which Kafka Streams prefixes at run time.
        String app = ViewTopology.applicationId(v2.descriptor()) + "-";
        assertThat(app).isEqualTo("matstore-view-offers-v2-");
        List<String> expected = ViewTopology.repartitionTopics(v2.descriptor());
        assertThat(expected).allSatisfy(t -> assertThat(read).contains(t.substring(app.length())));
        assertThat(read).hasSize(3).contains("offers.events");
    }

    @Test
    void shouldReadTheSourceAndBothRepartitionTopicsInTheViewTasksSubTopologyWhenThePartitionCountIsKnown() {
        OffersView v1 = new OffersView("offers.events", OffersView.DEFAULT_REGIONS, 1);
        StreamsBuilder builder = new StreamsBuilder();
        ViewTopology.build(builder, v1, "dlq", FanOutLimits.DEFAULTS, 4);
        Set<TopologyDescription.Subtopology> subtopologies =
                builder.build().describe().subtopologies();
        assertThat(subtopologies).as("the view task reads the source itself").hasSize(1);
        Set<String> read = new HashSet<>();
        for (TopologyDescription.Node n : subtopologies.iterator().next().nodes()) {
            if (n instanceof TopologyDescription.Source source) {
                read.addAll(source.topicSet());
            }
        }
        String app = ViewTopology.applicationId(v1.descriptor()) + "-";
        assertThat(read)
                .containsExactlyInAnyOrder(
                        "offers.events",
                        ViewTopology.repartitionTopics(v1.descriptor()).get(0).substring(app.length()),
                        ViewTopology.repartitionTopics(v1.descriptor()).get(1).substring(app.length()));
    }
}
