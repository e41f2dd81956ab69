package io.matstore.kafka.local;

import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code local-kafka}: runs a single-node KRaft Kafka until Ctrl-C, keeping its data in a directory. */
@Command(name = "local-kafka", mixinStandardHelpOptions = true,
        description = "Runs a real single-node Kafka (KRaft broker + controller) on 127.0.0.1 until Ctrl-C.")
public final class LocalKafkaMain implements Callable<Integer> {
    @Option(names = "--data-dir", defaultValue = ".local/kafka",
            description = "Where the log and metadata live; reused on the next start (default: ${DEFAULT-VALUE}).")
    Path dataDir;

    @Option(names = "--port", defaultValue = "9092", description = "Client port (default: ${DEFAULT-VALUE}).")
    int port;

    @Override
    public Integer call() throws InterruptedException {
        EmbeddedKafka kafka = EmbeddedKafka.inDir(dataDir.toAbsolutePath(), port, Map.of());
        CountDownLatch stopped = new CountDownLatch(1);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            kafka.close();
            stopped.countDown();
        }, "local-kafka-shutdown"));
        kafka.start();
        System.out.println("Kafka is ready: bootstrap.servers=" + kafka.bootstrapServers() + "  data="
                + kafka.dataDir() + "  (Ctrl-C stops it)");
        stopped.await();
        return 0;
    }

    public static void main(String[] args) {
        int code = new CommandLine(new LocalKafkaMain()).execute(args);
        if (code != 0) {
            System.exit(code);
        }
    }
}
