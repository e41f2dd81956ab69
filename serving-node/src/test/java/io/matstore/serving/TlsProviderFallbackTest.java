package io.matstore.serving;

import static org.assertj.core.api.Assertions.assertThat;

import io.matstore.kafka.local.SelfSignedKeyPair;
import io.netty.handler.ssl.OpenSsl;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.util.Map;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManager;
import javax.net.ssl.X509TrustManager;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** {@code serving.tls.provider=openssl} without netty-tcnative on the class path: the node keeps the JDK's engine. */
@Timeout(60)
class TlsProviderFallbackTest {
    private static final String PASSWORD = "changeit-test";

    @TempDir
    Path dir;

    @Test
    void shouldServeTlsWithTheJdkEngineWhenBoringSslDoesNotLoad() throws Exception {
        assertThat(OpenSsl.isAvailable())
                .as("serving-node's tests run without netty-tcnative")
                .isFalse();
        Path keys = dir.resolve("node.p12");
        SelfSignedKeyPair.make(keys, "node", "CN=localhost", "ip:127.0.0.1", 2, PASSWORD);

        try (ServingFixture f = new ServingFixture(Map.of(
                ServingConfig.TLS_KEYSTORE_FILE,
                keys.toString(),
                ServingConfig.TLS_KEYSTORE_PASSWORD,
                PASSWORD,
                ServingConfig.TLS_PROVIDER,
                "openssl"))) {
            SSLContext trustAll = SSLContext.getInstance("TLS");
            trustAll.init(null, new TrustManager[] {new TrustAnything()}, new SecureRandom());
            HttpResponse<String> r = HttpClient.newBuilder()
                    .sslContext(trustAll)
                    .build()
                    .send(
                            HttpRequest.newBuilder(URI.create("https://127.0.0.1:" + f.port + "/healthz"))
                                    .timeout(Duration.ofSeconds(10))
                                    .build(),
                            HttpResponse.BodyHandlers.ofString());

            assertThat(r.statusCode()).isEqualTo(200);
        }
    }

    /** The test's own self-signed certificate is the only one it meets (127.0.0.1 only). */
    private static final class TrustAnything implements X509TrustManager {
        @Override
        public void checkClientTrusted(X509Certificate[] chain, String authType) {}

        @Override
        public void checkServerTrusted(X509Certificate[] chain, String authType) {}

        @Override
        public X509Certificate[] getAcceptedIssuers() {
            return new X509Certificate[0];
        }
    }
}
