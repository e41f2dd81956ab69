package io.matstore.serving;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import io.matstore.kafka.local.SelfSignedKeyPair;
import java.io.IOException;
import java.io.InputStream;
import java.math.BigInteger;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.security.KeyStore;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.util.Map;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLSocket;
import javax.net.ssl.TrustManagerFactory;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * TLS and mutual TLS on a real node, with keys and certificates made at run time by the JDK's keytool: the node
 * speaks TLS only, requires a client certificate whose subject is on its allow-list, and serves a new certificate
 * once its keystore file is replaced, without a restart.
 */
@Timeout(60)
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class TlsHttpTest {
    private static final String PASSWORD = "changeit-test";

    @TempDir
    static Path dir;

    private ServingFixture f;
    private Path serverKeystore;

    @BeforeAll
    void start() throws Exception {
        // four keytools at once: each is a JVM start
        SelfSignedKeyPair serverKeytool = keypair("server", "CN=localhost,O=matstore test");
        SelfSignedKeyPair server2Keytool = keypair("server2", "CN=localhost,O=matstore test renewed");
        SelfSignedKeyPair clientAKeytool = keypair("client-a", "CN=client-a,O=matstore test");
        SelfSignedKeyPair clientBKeytool = keypair("client-b", "CN=client-b,O=matstore test");
        Path server = serverKeytool.await();
        server2Keytool.await();
        Path clientA = clientAKeytool.await();
        Path clientB = clientBKeytool.await();
        Path trust = dir.resolve("clients-trust.p12");
        trustStore(trust, clientA, clientB);
        serverKeystore = dir.resolve("node.p12");
        Files.copy(server, serverKeystore);
        f = new ServingFixture(Map.of(
                ServingConfig.TLS_KEYSTORE_FILE,
                serverKeystore.toString(),
                ServingConfig.TLS_KEYSTORE_PASSWORD,
                PASSWORD,
                ServingConfig.TLS_TRUSTSTORE_FILE,
                trust.toString(),
                ServingConfig.TLS_TRUSTSTORE_PASSWORD,
                PASSWORD,
                ServingConfig.TLS_CLIENT_AUTH,
                "required",
                ServingConfig.TLS_CLIENT_SUBJECTS,
                "CN=client-a,O=matstore test",
                ServingConfig.TLS_RELOAD_MS,
                "100"));
    }

    @AfterAll
    void stop() {
        if (f != null) {
            f.close();
        }
    }

    @Test
    void shouldAnswerAnAllowedClientOverTlsOnly() throws Exception {
        HttpResponse<String> r = client(dir.resolve("client-a.p12"))
                .send(
                        HttpRequest.newBuilder(URI.create("https://127.0.0.1:" + f.port + "/healthz"))
                                .timeout(Duration.ofSeconds(10))
                                .build(),
                        HttpResponse.BodyHandlers.ofString());
        assertThat(r.statusCode()).isEqualTo(200);
        assertThat(r.body()).isEqualTo("{\"status\":\"alive\"}");

        try (Socket plain = new Socket("127.0.0.1", f.port)) {
            plain.setSoTimeout(10_000);
            plain.getOutputStream()
                    .write("GET /healthz HTTP/1.1\r\nHost: n\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
            assertThat(readQuietly(plain.getInputStream())).doesNotContain("HTTP/1.1");
        }
    }

    @Test
    void shouldRefuseClientsWithoutAnAllowedCertificate() throws Exception {
        HttpRequest healthz = HttpRequest.newBuilder(URI.create("https://127.0.0.1:" + f.port + "/healthz"))
                .timeout(Duration.ofSeconds(10))
                .build();

        assertThatThrownBy(
                        () -> client(dir.resolve("client-b.p12")).send(healthz, HttpResponse.BodyHandlers.ofString()))
                .as("trusted, but not on the allow-list")
                .isInstanceOf(IOException.class);
        assertThatThrownBy(() -> client(null).send(healthz, HttpResponse.BodyHandlers.ofString()))
                .as("no certificate")
                .isInstanceOf(IOException.class);
    }

    @Test
    void shouldServeTheNewCertificateOnceTheKeystoreFileIsReplaced() throws Exception {
        BigInteger renewed = certificate(dir.resolve("server2.p12")).getSerialNumber();
        assertThat(servedSerial())
                .isEqualTo(certificate(dir.resolve("server.p12")).getSerialNumber());

        Path tmp = dir.resolve("node.p12.tmp");
        Files.copy(dir.resolve("server2.p12"), tmp, StandardCopyOption.REPLACE_EXISTING);
        Files.move(tmp, serverKeystore, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);

        await().atMost(Duration.ofSeconds(10)).until(() -> servedSerial().equals(renewed));
    }

    /** The serial number of the certificate the node presents to a new connection of client a. */
    private BigInteger servedSerial() throws Exception {
        try (SSLSocket s = (SSLSocket)
                sslContext(dir.resolve("client-a.p12")).getSocketFactory().createSocket("127.0.0.1", f.port)) {
            s.setSoTimeout(10_000);
            s.startHandshake();
            return ((X509Certificate) s.getSession().getPeerCertificates()[0]).getSerialNumber();
        }
    }

    private static String readQuietly(InputStream in) {
        try {
            return new String(in.readAllBytes(), StandardCharsets.ISO_8859_1);
        } catch (IOException reset) {
            return "";
        }
    }

    /** An HTTP client trusting both server certificates, presenting {@code keystore}'s (or none). */
    private static HttpClient client(Path keystore) throws Exception {
        return HttpClient.newBuilder()
                .version(HttpClient.Version.HTTP_1_1)
                .sslContext(sslContext(keystore))
                .connectTimeout(Duration.ofSeconds(5))
                .build();
    }

    private static SSLContext sslContext(Path keystore) throws Exception {
        KeyStore trust = KeyStore.getInstance("PKCS12");
        trust.load(null, null);
        trust.setCertificateEntry("server", certificate(dir.resolve("server.p12")));
        trust.setCertificateEntry("server2", certificate(dir.resolve("server2.p12")));
        TrustManagerFactory tmf = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
        tmf.init(trust);
        KeyManagerFactory kmf = null;
        if (keystore != null) {
            kmf = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
            kmf.init(load(keystore), PASSWORD.toCharArray());
        }
        SSLContext ctx = SSLContext.getInstance("TLS");
        ctx.init(kmf == null ? null : kmf.getKeyManagers(), tmf.getTrustManagers(), null);
        return ctx;
    }

    private static void trustStore(Path file, Path... keystores) {
        SelfSignedKeyPair.trustStore(file, PASSWORD, PASSWORD, keystores);
    }

    private static X509Certificate certificate(Path keystore) {
        return SelfSignedKeyPair.certificate(keystore, PASSWORD);
    }

    private static KeyStore load(Path keystore) {
        return SelfSignedKeyPair.load(keystore, PASSWORD);
    }

    /** Starts making a self-signed EC key pair for 127.0.0.1 and localhost. */
    private static SelfSignedKeyPair keypair(String name, String subject) {
        return SelfSignedKeyPair.start(
                dir.resolve(name + ".p12"), name, subject, "ip:127.0.0.1,dns:localhost", 2, PASSWORD);
    }
}
