package io.matstore.kafka.local;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The TLS key material of a secured {@link EmbeddedKafka}, in one directory: a self-signed certificate for
 * {@code 127.0.0.1} and {@code localhost} (as subject alternative names, so clients keep hostname verification on)
 * with its private key in a PKCS12 keystore for the broker, and the certificate alone in a PKCS12 truststore for
 * clients.
 *
 * <p>Made at run time by the running JDK's own {@code keytool} ({@link SelfSignedKeyPair}), so no key is checked in
 * and no crypto library is needed. Made once per directory and reused after: a restarted broker keeps its certificate, so
 * clients that loaded the truststore before keep trusting it. The two store passwords are random and kept beside the
 * stores in {@value #PASSWORDS_FILE}, written last (owner-only where the file system allows), so a directory without
 * it holds an interrupted attempt and is made again.
 */
final class TlsMaterial {
    private static final Logger LOG = LoggerFactory.getLogger(TlsMaterial.class);
    static final String KEYSTORE_FILE = "broker.keystore.p12";
    static final String TRUSTSTORE_FILE = "truststore.p12";
    static final String PASSWORDS_FILE = "store-passwords.properties";
    static final String STORE_TYPE = "PKCS12";
    private static final String ALIAS = "broker";

    private final Path dir;
    private final String keystorePassword;
    private final String truststorePassword;

    private TlsMaterial(Path dir, String keystorePassword, String truststorePassword) {
        this.dir = dir;
        this.keystorePassword = keystorePassword;
        this.truststorePassword = truststorePassword;
    }

    /** The material in {@code dir}, made there first unless a complete set exists. */
    static TlsMaterial createOrLoad(Path dir) {
        try {
            Path passwords = dir.resolve(PASSWORDS_FILE);
            if (Files.exists(passwords)
                    && Files.exists(dir.resolve(KEYSTORE_FILE))
                    && Files.exists(dir.resolve(TRUSTSTORE_FILE))) {
                Properties p = new Properties();
                try (InputStream in = Files.newInputStream(passwords)) {
                    p.load(in);
                }
                return new TlsMaterial(dir, p.getProperty("keystore.password"), p.getProperty("truststore.password"));
            }
            return create(dir);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot make or read TLS material in " + dir, e);
        }
    }

    private static TlsMaterial create(Path dir) throws IOException {
        long startNanos = System.nanoTime();
        Files.createDirectories(dir);
        for (String f : List.of(KEYSTORE_FILE, TRUSTSTORE_FILE, PASSWORDS_FILE)) {
            Files.deleteIfExists(dir.resolve(f));
        }
        TlsMaterial m = new TlsMaterial(dir, SaslSslSettings.randomSecret(), SaslSslSettings.randomSecret());
        SelfSignedKeyPair.make(
                m.keystore(),
                ALIAS,
                "CN=localhost, OU=matstore local-kafka",
                "ip:127.0.0.1,dns:localhost",
                3650,
                m.keystorePassword);
        PrivateFiles.makeOwnerOnly(m.keystore());
        // the certificate copied in by the JDK's KeyStore API: one keytool run (a JVM start) instead of three
        SelfSignedKeyPair.trustStore(m.truststore(), m.truststorePassword, m.keystorePassword, m.keystore());
        m.writePasswords();
        LOG.info(
                "Made a self-signed certificate for 127.0.0.1 and localhost in {} ms ({})",
                TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - startNanos),
                dir);
        return m;
    }

    Path keystore() {
        return dir.resolve(KEYSTORE_FILE);
    }

    Path truststore() {
        return dir.resolve(TRUSTSTORE_FILE);
    }

    /** Protects the broker's private key; goes only into the broker's settings. */
    String keystorePassword() {
        return keystorePassword;
    }

    /** Protects nothing secret (the truststore holds a certificate only); handed to every client. */
    String truststorePassword() {
        return truststorePassword;
    }

    private void writePasswords() throws IOException {
        PrivateFiles.writeProperties(
                dir.resolve(PASSWORDS_FILE),
                Map.of("keystore.password", keystorePassword, "truststore.password", truststorePassword),
                "passwords of " + KEYSTORE_FILE + " and " + TRUSTSTORE_FILE);
    }
}
