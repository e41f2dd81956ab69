package io.matstore.kafka.local;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.ScramCredentialInfo;
import org.apache.kafka.clients.admin.ScramMechanism;
import org.apache.kafka.clients.admin.UserScramCredentialUpsertion;

/**
 * The listeners of a secured {@link EmbeddedKafka}, and the client settings that match them.
 *
 * <p>Clients get one listener, {@value #CLIENT}: SASL_SSL with SCRAM-SHA-256 over TLS with the broker's self-signed
 * certificate ({@link TlsMaterial}); it is the one {@code bootstrapServers()} names. The broker's traffic to itself
 * (transaction markers sent to the partition leader, which is this node) goes over {@value #INTERNAL}, PLAINTEXT on
 * loopback, and so does the controller's; clients that bootstrap on {@value #CLIENT} are only ever told about
 * {@value #CLIENT} addresses. SCRAM users live in the cluster metadata, so the server side needs no user list here,
 * only the login module that checks them.
 */
final class SaslSslListener {
    static final String CLIENT = "CLIENT";
    static final String INTERNAL = "INTERNAL";
    static final String MECHANISM = "SCRAM-SHA-256";
    private static final String SCRAM_LOGIN_MODULE = "org.apache.kafka.common.security.scram.ScramLoginModule";

    private SaslSslListener() {}

    /** Listener settings of the broker: replaces the PLAINTEXT ones of an unsecured broker. */
    static void putBrokerProperties(
            Properties p,
            int clientPort,
            int internalPort,
            String controllerListener,
            int controllerPort,
            TlsMaterial tls) {
        p.put(
                "listeners",
                CLIENT + "://127.0.0.1:" + clientPort + "," + INTERNAL + "://127.0.0.1:" + internalPort + ","
                        + controllerListener + "://127.0.0.1:" + controllerPort);
        // The inter-broker listener must be advertised; clients still see only the listener they connected to.
        p.put(
                "advertised.listeners",
                CLIENT + "://127.0.0.1:" + clientPort + "," + INTERNAL + "://127.0.0.1:" + internalPort);
        p.put(
                "listener.security.protocol.map",
                CLIENT + ":SASL_SSL," + INTERNAL + ":PLAINTEXT," + controllerListener + ":PLAINTEXT");
        p.put("inter.broker.listener.name", INTERNAL);
        String prefix = "listener.name." + CLIENT.toLowerCase(Locale.ROOT) + ".";
        p.put(prefix + "sasl.enabled.mechanisms", MECHANISM);
        p.put(prefix + MECHANISM.toLowerCase(Locale.ROOT) + ".sasl.jaas.config", SCRAM_LOGIN_MODULE + " required;");
        p.put(prefix + "ssl.keystore.location", tls.keystore().toString());
        p.put(prefix + "ssl.keystore.type", TlsMaterial.STORE_TYPE);
        p.put(prefix + "ssl.keystore.password", tls.keystorePassword());
        // PKCS12 has one password for the store and its keys.
        p.put(prefix + "ssl.key.password", tls.keystorePassword());
        p.put(prefix + "ssl.client.auth", "none");
    }

    /** The storage formatter's argument that creates {@code settings}' user. */
    static String scramArgument(SaslSslSettings settings) {
        return MECHANISM + "=[name=" + settings.user() + ",password=" + settings.password() + ",iterations="
                + SaslSslSettings.SCRAM_ITERATIONS + "]";
    }

    /** Kafka client settings (no bootstrap.servers) that log in as {@code user} and trust the broker. */
    static Map<String, String> clientSettings(TlsMaterial tls, String user, String password) {
        Map<String, String> s = new LinkedHashMap<>();
        s.put("security.protocol", "SASL_SSL");
        s.put("sasl.mechanism", MECHANISM);
        s.put(
                "sasl.jaas.config",
                SCRAM_LOGIN_MODULE + " required username=\"" + user + "\" password=\"" + password + "\";");
        s.put("ssl.truststore.location", tls.truststore().toString());
        s.put("ssl.truststore.type", TlsMaterial.STORE_TYPE);
        s.put("ssl.truststore.password", tls.truststorePassword());
        // Kafka's default, said out loud: the certificate names 127.0.0.1 and localhost, so hostnames are checked.
        s.put("ssl.endpoint.identification.algorithm", "https");
        return s;
    }

    /**
     * Sets {@code settings}' user and password through the unauthenticated {@value #INTERNAL} listener at
     * {@code internalBootstrap}; for storage that was formatted without them. Returns once the controller has them.
     */
    static void upsertUser(String internalBootstrap, SaslSslSettings settings) {
        Properties p = new Properties();
        p.put(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, internalBootstrap);
        p.put(AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, "60000");
        try (Admin admin = Admin.create(p)) {
            admin.alterUserScramCredentials(List.of(new UserScramCredentialUpsertion(
                            settings.user(),
                            new ScramCredentialInfo(ScramMechanism.SCRAM_SHA_256, SaslSslSettings.SCRAM_ITERATIONS),
                            settings.password())))
                    .all()
                    .get(60, TimeUnit.SECONDS);
        } catch (Exception e) {
            if (e instanceof InterruptedException) {
                Thread.currentThread().interrupt();
            }
            throw new IllegalStateException("cannot set SCRAM user " + settings.user() + " at " + internalBootstrap, e);
        }
    }
}
