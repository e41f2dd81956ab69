package io.matstore.kafka.local;

import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code local-kafka}: runs a single-node KRaft Kafka until Ctrl-C, keeping its data in a directory. */
@Command(
        name = "local-kafka",
        mixinStandardHelpOptions = true,
        description = "Runs a real single-node Kafka (KRaft broker + controller) on 127.0.0.1 until Ctrl-C.")
public final class LocalKafkaMain implements Callable<Integer> {
    @Option(
            names = "--data-dir",
            defaultValue = ".local/kafka",
            description = "Where the log and metadata live; reused on the next start (default: ${DEFAULT-VALUE}).")
    Path dataDir;

    @Option(names = "--port", defaultValue = "9092", description = "Client port (default: ${DEFAULT-VALUE}).")
    int port;

    @Option(
            names = "--sasl-ssl",
            paramLabel = "USER[:PASSWORD]",
            converter = SaslSslConverter.class,
            description = {
                "Secures the client port: SASL_SSL with SCRAM-SHA-256 for USER, with PASSWORD or else"
                        + " a random one made at each start. The TLS certificate (self-signed, for 127.0.0.1 and"
                        + " localhost) is made once in <data-dir>/tls.",
                "PASSWORD: 8 or more printable ASCII characters without space, ',', '\"' or '\\'.",
                "After the ready line it prints two lines:",
                "  client.properties=<path>",
                "  matstore.properties=<path>",
                "Both files are in <data-dir>: the first holds Kafka client keys (for --command-config), the"
                        + " second bootstrap.servers and the same keys prefixed with 'kafka.' (for"
                        + " bin/matstore <role> -c)."
            })
    SaslSslSettings saslSsl;

    @Override
    public Integer call() throws InterruptedException {
        EmbeddedKafka kafka = saslSsl == null
                ? EmbeddedKafka.inDir(dataDir.toAbsolutePath(), port, Map.of())
                : EmbeddedKafka.saslSslInDir(dataDir.toAbsolutePath(), port, Map.of(), saslSsl);
        CountDownLatch stopped = new CountDownLatch(1);
        Runtime.getRuntime()
                .addShutdownHook(new Thread(
                        () -> {
                            kafka.close();
                            stopped.countDown();
                        },
                        "local-kafka-shutdown"));
        kafka.start();
        System.out.println("Kafka is ready: bootstrap.servers=" + kafka.bootstrapServers() + "  data=" + kafka.dataDir()
                + "  (Ctrl-C stops it)");
        if (kafka.isSaslSsl()) {
            ClientConfigFiles files = ClientConfigFiles.write(kafka);
            System.out.println(ClientConfigFiles.CLIENT_PROPERTIES + "=" + files.clientProperties());
            System.out.println(ClientConfigFiles.MATSTORE_PROPERTIES + "=" + files.matstoreProperties());
        }
        stopped.await();
        return 0;
    }

    public static void main(String[] args) {
        int code = new CommandLine(new LocalKafkaMain()).execute(args);
        if (code != 0) {
            System.exit(code);
        }
    }

    /** Parses {@code --sasl-ssl}, so a bad user or password is a usage error that names the rule. */
    static final class SaslSslConverter implements CommandLine.ITypeConverter<SaslSslSettings> {
        @Override
        public SaslSslSettings convert(String value) {
            try {
                return SaslSslSettings.parse(value);
            } catch (IllegalArgumentException e) {
                throw new CommandLine.TypeConversionException(e.getMessage());
            }
        }
    }
}
