package io.matstore.client.internal;

import io.netty.handler.ssl.SslContext;
import io.netty.handler.ssl.SslContextBuilder;
import io.netty.handler.ssl.SslProvider;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.cert.X509Certificate;
import java.util.List;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.TrustManagerFactory;

/**
 * The client's TLS towards {@code https://} nodes, as the builder set it: which servers it trusts (a PKCS#12 trust
 * store, certificates given in code, or else the JDK's default CAs), the certificate it presents for mutual TLS
 * (optional, a PKCS#12 key store holding its key and chain), and whether the node's certificate must name the host
 * of its URL (on by default: without it any trusted certificate could impersonate any node).
 *
 * <p>The JDK's engine, as the node's default: TLS 1.3 and 1.2.
 *
 * @param trustStore         PKCS#12 file of trusted certificates, or null
 * @param trusted            trusted certificates given in code (may be empty)
 * @param keyStore           PKCS#12 file with the client's key and certificate chain, or null for none
 * @param hostnameVerification the node's certificate must match the host of its URL
 */
public record ClientTls(
        Path trustStore,
        String trustStorePassword,
        List<X509Certificate> trusted,
        Path keyStore,
        String keyStorePassword,
        boolean hostnameVerification) {
    /** Trust the JDK's CAs, no client certificate, hostname verification on: what {@code https://} gets unset. */
    public static final ClientTls DEFAULT = new ClientTls(null, null, List.of(), null, null, true);

    public ClientTls {
        trusted = List.copyOf(trusted);
    }

    /**
     * The Netty context these settings describe.
     *
     * @throws IllegalArgumentException when a store cannot be read, naming the file and why
     */
    public SslContext context() {
        SslContextBuilder b = SslContextBuilder.forClient()
                .sslProvider(SslProvider.JDK)
                .protocols("TLSv1.3", "TLSv1.2")
                // Netty leaves it to the caller: the JDK engine checks the name only when asked
                .endpointIdentificationAlgorithm(hostnameVerification ? "HTTPS" : null);
        try {
            if (trustStore != null) {
                KeyStore ks = read(trustStore, trustStorePassword);
                for (X509Certificate c : trusted) {
                    ks.setCertificateEntry("given-" + c.getSerialNumber(), c);
                }
                TrustManagerFactory tmf = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
                tmf.init(ks);
                b.trustManager(tmf);
            } else if (!trusted.isEmpty()) {
                b.trustManager(trusted);
            }
            if (keyStore != null) {
                KeyManagerFactory kmf = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
                kmf.init(read(keyStore, keyStorePassword), keyStorePassword.toCharArray());
                b.keyManager(kmf);
            }
            return b.build();
        } catch (IOException | GeneralSecurityException e) {
            throw new IllegalArgumentException(
                    "cannot set up the client's TLS (trust store " + trustStore + ", key store " + keyStore + "): " + e,
                    e);
        }
    }

    private static KeyStore read(Path file, String password) throws IOException, GeneralSecurityException {
        KeyStore ks = KeyStore.getInstance("PKCS12");
        try (InputStream in = Files.newInputStream(file)) {
            ks.load(in, password == null ? null : password.toCharArray());
        }
        return ks;
    }
}
