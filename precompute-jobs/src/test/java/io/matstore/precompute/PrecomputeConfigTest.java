package io.matstore.precompute;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.matstore.config.ConfigDocs;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.apache.kafka.common.config.ConfigException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class PrecomputeConfigTest {
    @TempDir
    Path dir;

    @Test
    void shouldDefaultToTheLocalBrokerAndTheFourRegions() {
        PrecomputeConfig c = PrecomputeConfig.defaults();
        assertThat(c.bootstrapServers()).isEqualTo("127.0.0.1:9092");
        assertThat(regions(c)).containsExactly("us", "eu", "uk", "jp");
        assertThat(c.sourceTopic()).isEqualTo("offers.events");
        assertThat(c.deadLetterTopic()).isEqualTo("offers.events.dlq");
        assertThat(c.numStreamThreads()).isEqualTo(1);
    }

    @Test
    void shouldLetEnvironmentWinOverFileAndOverridesWinOverEnvironment() throws Exception {
        Path file = dir.resolve("p.properties");
        Files.writeString(file, "bootstrap.servers=file:1\nview.sample.regions=us, eu\nnum.stream.threads=2\n");
        PrecomputeConfig c = PrecomputeConfig.load(
                List.of(file),
                Map.of("MATSTORE_BOOTSTRAP_SERVERS", "env-host:9093", "MATSTORE_NUM_STREAM_THREADS", "3"),
                Map.of("num.stream.threads", "4"));
        assertThat(c.bootstrapServers()).isEqualTo("env-host:9093");
        assertThat(regions(c)).containsExactly("us", "eu");
        assertThat(c.numStreamThreads()).isEqualTo(4);
    }

    @Test
    void shouldNameTheSettingTheValueAndTheLimitWhenAValueIsOutOfRange() {
        assertThatThrownBy(() -> PrecomputeConfig.load(List.of(), Map.of("MATSTORE_NUM_STREAM_THREADS", "0"), Map.of()))
                .isInstanceOf(ConfigException.class)
                .hasMessage("Invalid value 0 for configuration num.stream.threads: Value must be at least 1");
        assertThatThrownBy(() -> PrecomputeConfig.of(Map.of("topic.partitions", "5000")))
                .hasMessage("Invalid value 5000 for configuration topic.partitions: Value must be no more than 1024");
        assertThatThrownBy(() -> PrecomputeConfig.of(Map.of("bootstrap.servers", "localhost")))
                .hasMessage("Invalid value [localhost] for configuration bootstrap.servers: entry \"localhost\" is "
                        + "not host:port with port in 1..65535");
        assertThatThrownBy(() -> PrecomputeConfig.of(Map.of("view.sample.regions", "us,eu,us")))
                .hasMessage("Invalid value [us, eu, us] for configuration view.sample.regions: region \"us\" is "
                        + "listed twice");
    }

    @Test
    void shouldRunVersion1UnlessAnotherVersionIsChosen() {
        assertThat(PrecomputeConfig.defaults().viewVersion()).isEqualTo(1);
        PrecomputeConfig v2 = PrecomputeConfig.load(List.of(), Map.of("MATSTORE_VIEW_VERSION", "2"), Map.of());
        assertThat(v2.viewVersion()).isEqualTo(2);
    }

    @Test
    void shouldRefuseAnUnknownSettingInTheFile() throws Exception {
        Path file = dir.resolve("p.properties");
        Files.writeString(file, "bootstrap.server=typo:1\n");
        assertThatThrownBy(() -> PrecomputeConfig.load(List.of(file), Map.of(), Map.of()))
                .isInstanceOf(ConfigException.class)
                .hasMessageStartingWith("unknown setting \"bootstrap.server\" in file " + file);
    }

    @Test
    void shouldTakeAViewsOwnSettingsUnderItsNameAndDocumentThem() {
        PrecomputeConfig c =
                PrecomputeConfig.load(List.of(), Map.of("MATSTORE_VIEW_SAMPLE_REGIONS", "de,fr"), Map.of());
        assertThat(regions(c)).isEqualTo(List.of("de", "fr"));
        assertThat(ConfigDocs.role(PrecomputeConfig.SCHEMA))
                .contains("`bootstrap.servers`")
                .contains("`view.sample.regions`")
                .contains("`kafka.<client setting>`");
        assertThatThrownBy(() -> c.viewSettings("nope"))
                .hasMessage("no view named nope on the class path; views present: [sample]");
    }

    @Test
    void shouldStillTakeTheDeprecatedJobWideNameUnlessTheViewsOwnIsGiven() {
        PrecomputeConfig old = PrecomputeConfig.load(List.of(), Map.of("MATSTORE_REGIONS", "de,fr"), Map.of());
        assertThat(regions(old)).isEqualTo(List.of("de", "fr"));
        PrecomputeConfig both = PrecomputeConfig.of(Map.of("regions", "de", "view.sample.regions", "it"));
        assertThat(regions(both)).isEqualTo(List.of("it"));
        assertThatThrownBy(() -> PrecomputeConfig.of(Map.of("regions", "us,us")))
                .hasMessage("Invalid value [us, us] for configuration view.sample.regions: region \"us\" is listed"
                        + " twice");
    }

    private static List<String> regions(PrecomputeConfig c) {
        return c.viewSettings("sample").getList("regions");
    }

    @Test
    void shouldPassKafkaSettingsToEveryClientAndKeepTheJobsOwn() {
        PrecomputeConfig c = PrecomputeConfig.load(
                List.of(),
                Map.of("MATSTORE_KAFKA_SECURITY_PROTOCOL", "SSL"),
                Map.of(
                        "kafka.processing.guarantee",
                        "at_least_once",
                        "kafka.producer.linger.ms",
                        "50",
                        "kafka.request.timeout.ms",
                        "5000"));
        assertThat(c.clientProperties())
                .containsEntry("security.protocol", "SSL")
                .containsEntry("bootstrap.servers", "127.0.0.1:9092")
                .containsEntry("request.timeout.ms", "5000");
        java.util.Properties streams =
                ViewRunner.streamsProperties(new io.matstore.precompute.internal.ErrorPolicyView("sample", "s"), c);
        assertThat(streams)
                .containsEntry("security.protocol", "SSL")
                .containsEntry("processing.guarantee", "exactly_once_v2")
                .containsEntry("producer.linger.ms", "50");
    }
}
