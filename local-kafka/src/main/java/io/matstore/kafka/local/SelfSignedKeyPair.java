package io.matstore.kafka.local;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.cert.X509Certificate;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.TimeUnit;

/**
 * A self-signed EC P-256 key pair and certificate in a PKCS12 keystore, made by the running JDK's own {@code keytool}
 * in a child process: no key is checked in and no crypto library is needed. The broker's TLS material and every TLS
 * test and benchmark make theirs here.
 *
 * <p>{@link #start} returns at once, so that several can be made side by side (each is a JVM start); {@link #await}
 * waits for one. The store password reaches keytool through its environment, not its command line (ps shows that).
 */
public final class SelfSignedKeyPair {
    private static final long TIMEOUT_SECONDS = 60;
    private static final String PASSWORD_ENV = "MATSTORE_KEYSTORE_PASSWORD";
    private static final String STORE_TYPE = "PKCS12";

    private final Path file;
    private final Process keytool;

    private SelfSignedKeyPair(Path file, Process keytool) {
        this.file = file;
        this.keytool = keytool;
    }

    /**
     * Starts making the key pair {@code alias} in {@code file} (which must not exist).
     *
     * @param subject the certificate's distinguished name, e.g. {@code CN=localhost,O=example}
     * @param subjectAltNames keytool's SAN list, e.g. {@code ip:127.0.0.1,dns:localhost}
     * @param validityDays how long the certificate is valid, from now
     */
    public static SelfSignedKeyPair start(
            Path file, String alias, String subject, String subjectAltNames, int validityDays, String password) {
        boolean windows = System.getProperty("os.name").toLowerCase(Locale.ROOT).startsWith("windows");
        Path keytool = Path.of(System.getProperty("java.home"), "bin", windows ? "keytool.exe" : "keytool");
        ProcessBuilder pb = new ProcessBuilder(List.of(
                        keytool.toString(),
                        // keytool's run is mostly JVM start-up: a short-lived JVM starts faster without the optimising
                        // JIT and G1
                        "-J-XX:TieredStopAtLevel=1",
                        "-J-XX:+UseSerialGC",
                        "-genkeypair",
                        "-alias",
                        alias,
                        "-keyalg",
                        "EC",
                        "-groupname",
                        "secp256r1",
                        "-sigalg",
                        "SHA256withECDSA",
                        "-validity",
                        Integer.toString(validityDays),
                        "-dname",
                        subject,
                        "-ext",
                        "SAN=" + subjectAltNames,
                        "-keystore",
                        file.toString(),
                        "-storetype",
                        STORE_TYPE,
                        "-storepass:env",
                        PASSWORD_ENV))
                .redirectErrorStream(true);
        pb.environment().put(PASSWORD_ENV, password);
        try {
            return new SelfSignedKeyPair(file, pb.start());
        } catch (IOException e) {
            throw new UncheckedIOException("cannot start " + keytool, e);
        }
    }

    /** Makes the key pair and waits for it: {@link #start} then {@link #await}. */
    public static Path make(
            Path file, String alias, String subject, String subjectAltNames, int validityDays, String password) {
        return start(file, alias, subject, subjectAltNames, validityDays, password)
                .await();
    }

    /** Waits for keytool to finish; the keystore's path, or an exception with keytool's output. */
    public Path await() {
        try {
            // a few lines of output: reading them to the end before waiting cannot fill the pipe and block keytool
            String output = new String(keytool.getInputStream().readAllBytes(), StandardCharsets.UTF_8).strip();
            if (!keytool.waitFor(TIMEOUT_SECONDS, TimeUnit.SECONDS)) {
                keytool.destroyForcibly();
                throw new IllegalStateException("keytool still running after " + TIMEOUT_SECONDS + " s for " + file);
            }
            if (keytool.exitValue() != 0) {
                throw new IllegalStateException(
                        "keytool exited with " + keytool.exitValue() + " for " + file + ": " + output);
            }
            return file;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read keytool's output for " + file, e);
        } catch (InterruptedException e) {
            keytool.destroyForcibly();
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while keytool made " + file, e);
        }
    }

    /** The certificate of the first entry of a PKCS12 keystore. */
    public static X509Certificate certificate(Path keystore, String password) {
        KeyStore ks = load(keystore, password);
        try {
            return (X509Certificate) ks.getCertificate(ks.aliases().nextElement());
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("cannot read a certificate from " + keystore, e);
        }
    }

    /**
     * Writes a PKCS12 truststore holding the certificate of each keystore, each under its file name.
     *
     * @param keystorePassword the password of the keystores read
     */
    public static void trustStore(Path file, String password, String keystorePassword, Path... keystores) {
        try {
            KeyStore trust = KeyStore.getInstance(STORE_TYPE);
            trust.load(null, null);
            for (Path k : keystores) {
                trust.setCertificateEntry(k.getFileName().toString(), certificate(k, keystorePassword));
            }
            try (OutputStream out = Files.newOutputStream(file)) {
                trust.store(out, password.toCharArray());
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write the truststore " + file, e);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("cannot make the truststore " + file, e);
        }
    }

    /** A PKCS12 keystore, loaded. */
    public static KeyStore load(Path keystore, String password) {
        try (InputStream in = Files.newInputStream(keystore)) {
            KeyStore ks = KeyStore.getInstance(STORE_TYPE);
            ks.load(in, password.toCharArray());
            return ks;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read the keystore " + keystore, e);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("cannot load the keystore " + keystore, e);
        }
    }
}
