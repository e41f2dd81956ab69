package io.matstore.precompute.cli;

import io.matstore.precompute.DemoMix;
import io.matstore.precompute.DemoSource;
import io.matstore.precompute.PrecomputeConfig;
import io.matstore.precompute.SourceEventFormat;
import io.matstore.precompute.publish.Progress;
import java.io.BufferedWriter;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.locks.LockSupport;
import java.util.function.Consumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import picocli.CommandLine;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

@Command(
        name = "generate",
        description = {
            "Generate seeded demo source events: a catalogue of N products, then a steady mix at a given rate.",
            "Writes JSON lines (--output) or publishes directly to the source topic (--publish). Bounded by --count "
                    + "and/or --duration."
        })
final class GenerateCommand implements Callable<Integer> {
    @Mixin
    ConfigOptions config;

    @Option(
            names = "--products",
            defaultValue = "1000",
            description = "Products in the catalogue (default ${DEFAULT-VALUE}).")
    int products;

    @Option(
            names = "--count",
            defaultValue = "10000",
            description = "Events of the steady mix after the catalogue (default ${DEFAULT-VALUE}).")
    long count;

    @Option(
            names = "--duration",
            paramLabel = "SECONDS",
            defaultValue = "0",
            description = "Stop the steady mix after this many seconds (0: no time bound).")
    long durationSeconds;

    @Option(
            names = "--rate",
            defaultValue = "1000",
            description = "Steady-mix events per second (0: as fast as possible; default ${DEFAULT-VALUE}).")
    int rate;

    @Option(
            names = "--fx-per-mille",
            defaultValue = "5",
            description = "FX changes per 1000 steady-mix events (default ${DEFAULT-VALUE}).")
    int fxPerMille;

    @Option(
            names = "--promotion-per-mille",
            defaultValue = "150",
            description = "Promotion starts/moves/ends per 1000 steady-mix events (default ${DEFAULT-VALUE}).")
    int promotionPerMille;

    @Option(names = "--seed", defaultValue = "1", description = "Random seed (default ${DEFAULT-VALUE}).")
    long seed;

    @Option(
            names = "--view",
            paramLabel = "NAME",
            description = "The view whose source events to generate; may be"
                    + " left out when only one view on the class path has source events.")
    String viewName;

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @ArgGroup(exclusive = true, multiplicity = "1")
    Target target;

    static final class Target {
        @Option(names = "--output", paramLabel = "FILE", description = "Write JSON lines to FILE.")
        Path output;

        @Option(names = "--publish", description = "Publish to the source topic.")
        boolean publish;
    }

    @Override
    public Integer call() throws IOException {
        if (products < 1 || count < 0 || durationSeconds < 0 || rate < 0) {
            throw new picocli.CommandLine.ParameterException(
                    new picocli.CommandLine(this), "--products must be >= 1 and --count, --duration, --rate >= 0");
        }
        PrecomputeConfig settings = config.load();
        return generate(ViewOption.sourceEvents(spec, viewName), settings);
    }

    private <E> int generate(SourceEventFormat<E> format, PrecomputeConfig settings) throws IOException {
        DemoSource<E> generator = format.demo(settings, new DemoMix(products, seed, fxPerMille, promotionPerMille));
        if (target.output != null) {
            try (BufferedWriter out = Files.newBufferedWriter(target.output, StandardCharsets.UTF_8)) {
                long n = run(generator, e -> write(out, format.format(e)));
                System.out.println("wrote " + n + " events to " + target.output);
            }
        } else {
            Map<String, Object> props = settings.clientProperties();
            props.put(ProducerConfig.LINGER_MS_CONFIG, 5);
            try (KafkaProducer<byte[], byte[]> producer =
                    new KafkaProducer<>(props, new ByteArraySerializer(), new ByteArraySerializer())) {
                long n = run(generator, e -> {
                    SourceEventFormat.Record encoded = format.encode(e);
                    producer.send(new ProducerRecord<>(settings.sourceTopic(), encoded.key(), encoded.value()));
                });
                producer.flush();
                System.out.println("published " + n + " events to " + settings.sourceTopic());
            }
        }
        return 0;
    }

    private <E> long run(DemoSource<E> generator, Consumer<E> out) {
        long[] n = {0};
        generator.catalogue(e -> {
            out.accept(e);
            n[0]++;
        });
        Progress progress = Progress.console(System.err, "generate");
        long start = System.nanoTime();
        long deadline = durationSeconds == 0 ? Long.MAX_VALUE : start + durationSeconds * 1_000_000_000L;
        for (long i = 0; i < count && System.nanoTime() < deadline; i++) {
            if (rate > 0) {
                long due = start + i * 1_000_000_000L / rate;
                long wait = due - System.nanoTime();
                if (wait > 0) {
                    LockSupport.parkNanos(wait);
                }
            }
            out.accept(generator.next());
            n[0]++;
            progress.update(i + 1, count);
        }
        return n[0];
    }

    private static void write(BufferedWriter out, String line) {
        try {
            out.write(line);
            out.newLine();
        } catch (IOException ex) {
            throw new java.io.UncheckedIOException(ex);
        }
    }
}
