package io.matstore.serving.internal;

import io.matstore.serving.ServingConfig;
import io.netty.buffer.ByteBufAllocator;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelPipeline;
import io.netty.handler.ssl.ClientAuth;
import io.netty.handler.ssl.OpenSsl;
import io.netty.handler.ssl.SslContext;
import io.netty.handler.ssl.SslContextBuilder;
import io.netty.handler.ssl.SslHandler;
import io.netty.handler.ssl.SslHandshakeCompletionEvent;
import io.netty.handler.ssl.SslProvider;
import io.netty.util.ReferenceCountUtil;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.cert.Certificate;
import java.security.cert.X509Certificate;
import java.util.HashSet;
import java.util.Set;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLPeerUnverifiedException;
import javax.net.ssl.TrustManagerFactory;
import javax.security.auth.x500.X500Principal;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The listeners' TLS: key material from {@code serving.tls.*} files, reloaded when they change (each new connection
 * takes the material of the moment; a file that fails to load keeps the previous material, logged, as a store
 * keeps its last good value), optional or required client certificates, and an allow-list of client subjects
 * checked right after the handshake, before any request is read.
 *
 * <p>The JDK's engine by default; {@code serving.tls.provider=openssl} takes BoringSSL (netty-tcnative) when it is
 * on the class path and loads, else logs why and keeps the JDK's (measured in docs/benchmarks.md, "TLS cost").
 */
public final class TlsMaterial {
    private static final Logger LOG = LoggerFactory.getLogger(TlsMaterial.class);

    private final ServingConfig config;
    private final Set<X500Principal> subjects = new HashSet<>();
    private volatile SslContext context;
    private String stamp;

    private TlsMaterial(ServingConfig config) throws IOException, GeneralSecurityException {
        this.config = config;
        for (String s : config.tlsClientSubjects()) {
            subjects.add(new X500Principal(s));
        }
        this.stamp = stamp();
        this.context = load();
    }

    /** Null when {@code serving.tls.keystore.file} is empty; fails the start when the files cannot be loaded. */
    public static TlsMaterial of(ServingConfig config) {
        if (config.tlsKeystoreFile() == null) {
            return null;
        }
        try {
            return new TlsMaterial(config);
        } catch (IOException | GeneralSecurityException e) {
            throw new IllegalStateException(
                    "cannot load the TLS material of " + ServingConfig.TLS_KEYSTORE_FILE + "="
                            + config.tlsKeystoreFile() + ": " + e,
                    e);
        }
    }

    /** Puts TLS in front of everything else of a new connection. */
    public void addTo(ChannelPipeline p, ByteBufAllocator alloc) {
        SslHandler ssl = context.newHandler(alloc);
        if (subjects.isEmpty()) {
            p.addFirst("tls", ssl);
        } else {
            p.addFirst("subjects", new SubjectCheck(subjects));
            p.addFirst("tls", ssl);
        }
    }

    /** Reloads the material when a file's size or modification time changed (called every serving.tls.reload.ms). */
    public void reloadIfChanged() {
        try {
            String now = stamp();
            if (now.equals(stamp)) {
                return;
            }
            stamp = now;
            context = load();
            LOG.info("TLS material reloaded from {}", config.tlsKeystoreFile());
        } catch (IOException | GeneralSecurityException | RuntimeException e) {
            LOG.warn(
                    "TLS material in {} did not load; new connections keep the previous material: {}",
                    config.tlsKeystoreFile(),
                    e.toString());
        }
    }

    private String stamp() throws IOException {
        StringBuilder b = new StringBuilder();
        for (String f : new String[] {config.tlsKeystoreFile(), config.tlsTruststoreFile()}) {
            if (f != null) {
                Path p = Path.of(f);
                b.append(Files.size(p))
                        .append('@')
                        .append(Files.getLastModifiedTime(p).toMillis())
                        .append(';');
            }
        }
        return b.toString();
    }

    private SslContext load() throws IOException, GeneralSecurityException {
        KeyStore keys = read(config.tlsKeystoreFile(), config.tlsKeystorePassword());
        KeyManagerFactory kmf = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
        kmf.init(keys, config.tlsKeystorePassword().toCharArray());
        SslContextBuilder b = SslContextBuilder.forServer(kmf)
                .sslProvider(provider())
                .protocols("TLSv1.3", "TLSv1.2")
                .clientAuth(
                        switch (config.tlsClientAuth()) {
                            case "required" -> ClientAuth.REQUIRE;
                            case "optional" -> ClientAuth.OPTIONAL;
                            default -> ClientAuth.NONE;
                        });
        if (config.tlsTruststoreFile() != null) {
            TrustManagerFactory tmf = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
            tmf.init(read(config.tlsTruststoreFile(), config.tlsTruststorePassword()));
            b.trustManager(tmf);
        }
        return b.build();
    }

    private SslProvider provider() {
        if (!config.tlsProvider().equals("openssl")) {
            return SslProvider.JDK;
        }
        if (OpenSsl.isAvailable()) {
            return SslProvider.OPENSSL;
        }
        LOG.warn(
                "{}=openssl but netty-tcnative does not load ({}); using the JDK's TLS engine",
                ServingConfig.TLS_PROVIDER,
                String.valueOf(OpenSsl.unavailabilityCause()));
        return SslProvider.JDK;
    }

    private static KeyStore read(String file, String password) throws IOException, GeneralSecurityException {
        KeyStore ks = KeyStore.getInstance("PKCS12");
        try (InputStream in = Files.newInputStream(Path.of(file))) {
            ks.load(in, password.toCharArray());
        }
        return ks;
    }

    /** Closes a connection whose client certificate's subject is not allowed; reads nothing before it knows. */
    private static final class SubjectCheck extends ChannelInboundHandlerAdapter {
        private final Set<X500Principal> allowed;
        private boolean verified;

        SubjectCheck(Set<X500Principal> allowed) {
            this.allowed = allowed;
        }

        @Override
        public void userEventTriggered(ChannelHandlerContext ctx, Object evt) throws Exception {
            if (evt instanceof SslHandshakeCompletionEvent e && e.isSuccess()) {
                SslHandler ssl = ctx.pipeline().get(SslHandler.class);
                try {
                    Certificate[] chain = ssl.engine().getSession().getPeerCertificates();
                    verified = chain.length > 0
                            && chain[0] instanceof X509Certificate c
                            && allowed.contains(c.getSubjectX500Principal());
                } catch (SSLPeerUnverifiedException noCertificate) {
                    verified = false;
                }
                if (!verified) {
                    LOG.debug(
                            "closing {}: client certificate subject not in {}",
                            ctx.channel().remoteAddress(),
                            ServingConfig.TLS_CLIENT_SUBJECTS);
                    ctx.close();
                    return;
                }
            }
            super.userEventTriggered(ctx, evt);
        }

        @Override
        public void channelRead(ChannelHandlerContext ctx, Object msg) {
            if (!verified) {
                ReferenceCountUtil.release(msg);
                return;
            }
            ctx.fireChannelRead(msg);
        }
    }
}
