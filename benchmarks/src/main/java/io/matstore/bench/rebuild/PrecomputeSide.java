package io.matstore.bench.rebuild;

import io.matstore.kafka.local.EmbeddedKafka;
import io.matstore.precompute.PrecomputeConfig;
import io.matstore.precompute.replay.Replay;
import io.matstore.precompute.replay.ReplayOptions;
import io.matstore.views.offers.OffersSettings;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * What runs on the precompute machines of a deployment, in a process of its own so that {@link RebuildServingRun}
 * can give it the lowest CPU priority beside the serving node: an embedded broker with the offers catalogue of
 * {@code products} products in the source topic, and replays on command.
 *
 * <p>Prints {@code bootstrap=<servers>} once the catalogue is in; then, for each line {@code replay <n>} on its
 * input, starts the replay of version n (printing {@code replaying <n>} once its topics exist) and prints
 * {@code replayed <n> <seconds> <responses written>} when it has caught up. A replay stays live afterwards, as
 * {@code bin/matstore precompute replay} does. Closing its input stops everything.
 *
 * <pre>
 * java ... io.matstore.bench.rebuild.PrecomputeSide &lt;dir&gt; &lt;products&gt;
 * </pre>
 */
public final class PrecomputeSide {
    static final String SOURCE = "bench.rebuild.offers.events";
    private static final int PARTITIONS = 4;
    private static final Duration LIMIT = Duration.ofMinutes(20);

    private PrecomputeSide() {}

    public static void main(String[] args) throws Exception {
        Path dir = Path.of(args[0]);
        int products = Integer.parseInt(args[1]);
        Files.createDirectories(dir);
        List<Replay> replays = new ArrayList<>();
        try (EmbeddedKafka kafka =
                EmbeddedKafka.inDir(dir.resolve("broker"), 0, Map.of()).start()) {
            try {
                kafka.createTopic(SOURCE, PARTITIONS, Map.of());
                RebuildRun.publishCatalogue(kafka.bootstrapServers(), SOURCE, products);
                System.out.println("bootstrap=" + kafka.bootstrapServers());
                System.out.flush();
                BufferedReader in = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8));
                for (String line = in.readLine(); line != null; line = in.readLine()) {
                    if (line.startsWith("replay ")) {
                        int n = Integer.parseInt(line.substring(7).trim());
                        replays.add(replay(kafka.bootstrapServers(), dir, n));
                    }
                }
            } finally {
                replays.forEach(Replay::close); // while the broker is still up: a clean close, no timeouts
            }
        }
    }

    /** The offers job replaying {@code source} into version {@code n}, its state under {@code dir}. */
    static PrecomputeConfig replayConfig(String bootstrap, String source, int partitions, Path dir, int n) {
        return PrecomputeConfig.of(Map.of(
                PrecomputeConfig.BOOTSTRAP_SERVERS,
                bootstrap,
                PrecomputeConfig.SOURCE_TOPIC,
                source,
                PrecomputeConfig.DEAD_LETTER_TOPIC,
                source + ".dlq",
                PrecomputeConfig.TOPIC_PARTITIONS,
                Integer.toString(partitions),
                PrecomputeConfig.STATE_DIR,
                dir.resolve("state-v" + n).toString(),
                PrecomputeConfig.VIEW_VERSION,
                Integer.toString(n)));
    }

    private static Replay replay(String bootstrap, Path dir, int n) throws Exception {
        PrecomputeConfig config = replayConfig(bootstrap, SOURCE, PARTITIONS, dir, n);
        long start = System.nanoTime();
        Replay replay = Replay.start(OffersSettings.view(config), config, ReplayOptions.fromBeginning());
        System.out.println("replaying " + n);
        System.out.flush();
        if (!replay.awaitCaughtUp(LIMIT)) {
            replay.close();
            throw new IllegalStateException("replay of v" + n + " not caught up in " + LIMIT);
        }
        System.out.printf(
                "replayed %d %.1f %d%n",
                n, (System.nanoTime() - start) / 1e9, replay.job().counters().emitted());
        System.out.flush();
        return replay;
    }
}
