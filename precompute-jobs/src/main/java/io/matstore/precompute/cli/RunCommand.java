package io.matstore.precompute.cli;

import io.matstore.precompute.PrecomputeConfig;
import io.matstore.precompute.ViewRunner;
import io.matstore.precompute.ViewTopology;
import io.matstore.precompute.offers.OffersView;
import java.time.Duration;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import org.apache.kafka.streams.KafkaStreams;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;

@Command(name = "run", description = "Run the offers view until stopped (Ctrl-C / SIGTERM close it cleanly).")
final class RunCommand implements Callable<Integer> {
    private static final Logger LOG = LoggerFactory.getLogger(RunCommand.class);

    @Mixin
    ConfigOptions config;

    @Override
    public Integer call() throws InterruptedException {
        PrecomputeConfig settings = config.load();
        OffersView view = settings.offersView();
        CountDownLatch stopped = new CountDownLatch(1);
        ViewRunner.Running running = ViewRunner.start(view, settings);
        KafkaStreams streams = running.streams();
        streams.setStateListener((now, before) -> {
            LOG.info("view {} ({}): {} -> {}", view.descriptor(), ViewTopology.applicationId(view.descriptor()),
                    before, now);
            if (now == KafkaStreams.State.ERROR || now == KafkaStreams.State.NOT_RUNNING) {
                stopped.countDown();
            }
        });
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            streams.close(Duration.ofSeconds(30));
            stopped.countDown();
        }, "precompute-shutdown"));
        LOG.info("view {} reading {} on {}, writing {}", view.descriptor(), view.sourceTopics(),
                settings.bootstrapServers(), view.descriptor().topic());
        while (!stopped.await(30, java.util.concurrent.TimeUnit.SECONDS)) {
            LOG.info("view {}: {}", view.descriptor(), running.counters());
        }
        return streams.state() == KafkaStreams.State.ERROR ? 1 : 0;
    }
}
