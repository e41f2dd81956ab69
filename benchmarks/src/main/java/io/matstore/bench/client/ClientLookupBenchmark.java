package io.matstore.bench.client;

import com.sun.net.httpserver.HttpServer;
import io.matstore.bench.http.FixedBodyServer;
import io.matstore.client.Lookup;
import io.matstore.client.MatstoreClient;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

/**
 * One blocking lookup through matstore-client, and the same round trip on two bare transports, against
 * {@link FixedBodyServer} in the same JVM (Netty, keep-alive, a fixed 1 KB body). {@code -prof gc}'s
 * {@code gc.alloc.rate.norm} counts every thread: the client's allocation per lookup, the 1 KB body copy, and the
 * server's own decoding and response objects (~1.4 KB/op by JFR allocation sampling, the same in every benchmark
 * here):
 * <ul>
 *   <li>{@code clientGet}: {@code MatstoreClient.get} — route (KeyCodec, Partitioner, P2C), request bytes, send on
 *       a pooled keep-alive connection (the client's Netty transport), headers to a {@code Lookup};</li>
 *   <li>{@code jdkHttpClient}: the bare {@code java.net.http.HttpClient} round trip the client makes;</li>
 *   <li>{@code nettyClient}: the bare Netty HTTP/1.1 client round trip ({@link NettyRoundTrip}).</li>
 * </ul>
 * The routing table comes from a JDK HTTP server at setup (one cell, one node: the fixed-body server).
 *
 * <p>Run: {@code ./mvnw -B -q -o -Pbench -pl benchmarks -am package -DskipTests && java -jar
 * benchmarks/target/benchmarks.jar ClientLookupBenchmark -prof gc}
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 3, time = 3)
@Measurement(iterations = 3, time = 3)
@Fork(
        value = 1,
        jvmArgsAppend = {"-Xmx1g", "-Dio.netty.leakDetection.level=disabled"})
public class ClientLookupBenchmark {
    private static final Map<String, String> KEY =
            Map.of("sku", "SKU-12345", "region", "eu", "currency", "EUR", "tier", "gold");
    private static final String PATH = "/v1/views/offers?sku=SKU-12345&region=eu&currency=EUR&tier=gold";

    private FixedBodyServer node;
    private HttpServer routing;
    private MatstoreClient client;
    private HttpClient jdk;
    private HttpRequest jdkRequest;
    private NettyRoundTrip netty;
    private String host;

    @Setup(Level.Trial)
    public void start() throws Exception {
        node = new FixedBodyServer(0, 1024, 1);
        String nodeUrl = "http://127.0.0.1:" + node.port();
        host = "127.0.0.1:" + node.port();
        byte[] doc = ("{\"cluster\":\"bench\",\"generation\":1,\"views\":{\"offers\":{\"version\":1,"
                        + "\"partitions\":8,\"partitioner\":\"kafka-murmur2\",\"dimensions\":[\"sku\",\"region\",\"currency\","
                        + "\"tier\"],\"owners\":[" + owners(8, nodeUrl) + "]}}}")
                .getBytes(StandardCharsets.UTF_8);
        routing = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        routing.createContext("/v1/cluster", x -> {
            x.sendResponseHeaders(200, doc.length);
            try (OutputStream o = x.getResponseBody()) {
                o.write(doc);
            }
        });
        routing.start();
        client = MatstoreClient.builder()
                .bootstrap(List.of(
                        URI.create("http://127.0.0.1:" + routing.getAddress().getPort())))
                .refreshInterval(Duration.ofHours(1))
                .build();
        jdk = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
        jdkRequest = HttpRequest.newBuilder(URI.create(nodeUrl + PATH))
                .timeout(Duration.ofSeconds(5))
                .header("Accept", "application/x-flatbuffers")
                .build();
        netty = new NettyRoundTrip("127.0.0.1", node.port());
    }

    private static String owners(int partitions, String url) {
        StringBuilder s = new StringBuilder();
        for (int p = 0; p < partitions; p++) {
            s.append(p == 0 ? "" : ",")
                    .append("{\"partition\":")
                    .append(p)
                    .append(",\"cell\":\"c\",\"nodes\":[{" + "\"node\":\"n\",\"url\":\"")
                    .append(url)
                    .append("\",\"ready\":true,\"loaded\":true}]}");
        }
        return s.toString();
    }

    @TearDown(Level.Trial)
    public void stop() {
        netty.close();
        client.close();
        routing.stop(0);
        node.close();
    }

    @Benchmark
    public Lookup clientGet() {
        return client.get("offers", KEY);
    }

    @Benchmark
    public byte[] jdkHttpClient() throws Exception {
        return jdk.send(jdkRequest, HttpResponse.BodyHandlers.ofByteArray()).body();
    }

    @Benchmark
    public byte[] nettyClient() throws Exception {
        return netty.get(PATH, host);
    }
}
