package io.matstore.bench.serving;

import io.matstore.kafka.local.EmbeddedKafka;
import io.matstore.kafka.local.SelfSignedKeyPair;
import io.matstore.serving.ServingConfig;
import io.matstore.serving.ServingNode;
import io.matstore.store.VersionedResponseStore;
import io.matstore.views.offers.OffersContract;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

/**
 * What TLS costs the serving node: two nodes over one real store (one event loop each), one plain, one with TLS
 * (a self-signed EC P-256 certificate made by the JDK's keytool at start; no client certificate), a third with TLS
 * on BoringSSL ({@code serving.tls.provider=openssl}, netty-tcnative-boringssl-static), under
 * {@code wrk -t1 -c64} with keep-alive (the handshake is paid once per connection), near-cache hits, alternating
 * plain and TLS rounds in the same run.
 *
 * <pre>
 * apt-get install -y wrk
 * ./mvnw -B -q -o -Pbench -pl benchmarks -am package -DskipTests
 * java $(sed -n 's:.*&lt;matstore.jvm.flags&gt;\(.*\)&lt;/matstore.jvm.flags&gt;.*:\1:p' pom.xml) \
 *      -Dio.netty.leakDetection.level=disabled -cp benchmarks/target/benchmarks.jar \
 *      io.matstore.bench.serving.TlsCostRun [seconds] [rounds]
 * </pre>
 * Traffic goes to 127.0.0.1 only; every server and wrk process stops by itself.
 */
public final class TlsCostRun {
    private static final int SKUS = 250;
    private static final String PASSWORD = "bench-only";

    private TlsCostRun() {}

    public static void main(String[] args) throws Exception {
        int seconds = args.length > 0 ? Integer.parseInt(args[0]) : 10;
        int rounds = args.length > 1 ? Integer.parseInt(args[1]) : 2;
        Path dir = Files.createTempDirectory("tls-cost-");
        Wrk wrk = new Wrk(dir);
        Path keystore = keypair(dir.resolve("node.p12"));
        try (EmbeddedKafka kafka = EmbeddedKafka.inTempDir().start()) {
            String topic = OffersContract.V1.topic();
            kafka.createTopic(topic, 4, Map.of("cleanup.policy", "compact"));
            ServingLoadRun.produceView(kafka.bootstrapServers(), topic, SKUS);
            try (VersionedResponseStore store =
                            CaughtUpStore.offersV1(dir.resolve("store"), kafka.bootstrapServers(), 20_000);
                    ServingNode plain = new ServingNode();
                    ServingNode tls = new ServingNode();
                    ServingNode openssl = new ServingNode()) {
                int plainPort = plain.start(
                        store, ServingConfig.of(Map.of(ServingConfig.PORT, "0", ServingConfig.IO_THREADS, "1")));
                int tlsPort = tls.start(
                        store,
                        ServingConfig.of(Map.of(
                                ServingConfig.PORT,
                                "0",
                                ServingConfig.IO_THREADS,
                                "1",
                                ServingConfig.TLS_KEYSTORE_FILE,
                                keystore.toString(),
                                ServingConfig.TLS_KEYSTORE_PASSWORD,
                                PASSWORD)));
                int opensslPort = openssl.start(
                        store,
                        ServingConfig.of(Map.of(
                                ServingConfig.PORT,
                                "0",
                                ServingConfig.IO_THREADS,
                                "1",
                                ServingConfig.TLS_KEYSTORE_FILE,
                                keystore.toString(),
                                ServingConfig.TLS_KEYSTORE_PASSWORD,
                                PASSWORD,
                                ServingConfig.TLS_PROVIDER,
                                "openssl")));
                if (!io.netty.handler.ssl.OpenSsl.isAvailable()) {
                    throw new IllegalStateException(
                            "netty-tcnative does not load: " + io.netty.handler.ssl.OpenSsl.unavailabilityCause());
                }
                String plainUrl = "http://127.0.0.1:" + plainPort;
                String tlsUrl = "https://127.0.0.1:" + tlsPort;
                String opensslUrl = "https://127.0.0.1:" + opensslPort;
                wrk.run(plainUrl, 5, 64, SKUS, "keys", null);
                wrk.run(tlsUrl, 5, 64, SKUS, "keys", null);
                wrk.run(opensslUrl, 5, 64, SKUS, "keys", null);
                System.out.println("| round | listener | req/s | p50 µs | p99 µs | errors |");
                System.out.println("|---:|---|---:|---:|---:|---:|");
                for (int round = 1; round <= rounds; round++) {
                    for (List<String> run : List.of(
                            List.of("plain", plainUrl),
                            List.of("TLS (JDK)", tlsUrl),
                            List.of("TLS (BoringSSL)", opensslUrl))) {
                        String url = run.get(1);
                        Wrk.Result r = wrk.run(url, seconds, 64, SKUS, "keys", null);
                        System.out.printf(
                                "| %d | %s | %,.0f | %d | %d | %d |%n",
                                round, run.get(0), r.requestsPerSecond(), r.p50(), r.p99(), r.errors());
                    }
                }
            }
        }
    }

    private static Path keypair(Path file) {
        return SelfSignedKeyPair.make(file, "node", "CN=localhost", "ip:127.0.0.1,dns:localhost", 2, PASSWORD);
    }
}
