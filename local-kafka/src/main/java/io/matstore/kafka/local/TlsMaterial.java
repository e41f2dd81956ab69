package io.matstore.kafka.local;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
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
 * <p>Made at run time by the running JDK's own {@code keytool} in a child process, so no key is checked in and no
 * crypto library is needed. Made once per directory and reused after: a restarted broker keeps its certificate, so
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
    private static final String CERT_FILE = "broker.crt";
    private static final String ALIAS = "broker";
    private static final long KEYTOOL_TIMEOUT_SECONDS = 60;
    // keytool reads the passwords from these variables of its own environment, not from its command line (ps shows it).
    private static final String KEYSTORE_PASSWORD_ENV = "MATSTORE_KEYSTORE_PASSWORD";
    private static final String TRUSTSTORE_PASSWORD_ENV = "MATSTORE_TRUSTSTORE_PASSWORD";

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
        for (String f : List.of(KEYSTORE_FILE, TRUSTSTORE_FILE, CERT_FILE, PASSWORDS_FILE)) {
            Files.deleteIfExists(dir.resolve(f));
        }
        TlsMaterial m = new TlsMaterial(dir, SaslSslSettings.randomSecret(), SaslSslSettings.randomSecret());
        // EC P-256 rather than RSA: key generation takes milliseconds, and every TLS 1.3 client supports it.
        m.keytool(
                "-genkeypair",
                "-alias",
                ALIAS,
                "-keyalg",
                "EC",
                "-groupname",
                "secp256r1",
                "-sigalg",
                "SHA256withECDSA",
                "-validity",
                "3650",
                "-dname",
                "CN=localhost, OU=matstore local-kafka",
                "-ext",
                "SAN=ip:127.0.0.1,dns:localhost",
                "-keystore",
                m.keystore().toString(),
                "-storetype",
                STORE_TYPE,
                "-storepass:env",
                KEYSTORE_PASSWORD_ENV);
        PrivateFiles.makeOwnerOnly(m.keystore());
        m.keytool(
                "-exportcert",
                "-rfc",
                "-alias",
                ALIAS,
                "-file",
                dir.resolve(CERT_FILE).toString(),
                "-keystore",
                m.keystore().toString(),
                "-storetype",
                STORE_TYPE,
                "-storepass:env",
                KEYSTORE_PASSWORD_ENV);
        m.keytool(
                "-importcert",
                "-noprompt",
                "-alias",
                ALIAS,
                "-file",
                dir.resolve(CERT_FILE).toString(),
                "-keystore",
                m.truststore().toString(),
                "-storetype",
                STORE_TYPE,
                "-storepass:env",
                TRUSTSTORE_PASSWORD_ENV);
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

    private void keytool(String... args) throws IOException {
        boolean windows = System.getProperty("os.name").toLowerCase(Locale.ROOT).startsWith("windows");
        Path keytool = Path.of(System.getProperty("java.home"), "bin", windows ? "keytool.exe" : "keytool");
        List<String> command = new ArrayList<>();
        command.add(keytool.toString());
        // keytool's run is mostly JVM start-up: a short-lived JVM starts faster without the optimising JIT and G1.
        command.add("-J-XX:TieredStopAtLevel=1");
        command.add("-J-XX:+UseSerialGC");
        command.addAll(List.of(args));
        ProcessBuilder pb = new ProcessBuilder(command).redirectErrorStream(true);
        pb.environment().put(KEYSTORE_PASSWORD_ENV, keystorePassword);
        pb.environment().put(TRUSTSTORE_PASSWORD_ENV, truststorePassword);
        Process process = pb.start();
        // keytool's output is a few lines; reading it to the end before waiting cannot fill a pipe and block.
        String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8).strip();
        try {
            if (!process.waitFor(KEYTOOL_TIMEOUT_SECONDS, TimeUnit.SECONDS)) {
                process.destroyForcibly();
                throw new IllegalStateException(
                        keytool + " " + args[0] + " still running after " + KEYTOOL_TIMEOUT_SECONDS + " s");
            }
        } catch (InterruptedException e) {
            process.destroyForcibly();
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while running keytool " + args[0], e);
        }
        if (process.exitValue() != 0) {
            throw new IllegalStateException(
                    keytool + " " + args[0] + " exited with " + process.exitValue() + ": " + output);
        }
    }
}
