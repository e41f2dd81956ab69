package io.matstore.kafka.local;

import java.security.SecureRandom;
import java.util.Base64;

/**
 * The one SCRAM-SHA-256 user a SASL_SSL {@link EmbeddedKafka} is created with; the broker's own admin client logs in
 * as this user too. There are no ACLs: any authenticated user may do anything.
 *
 * <p>Invariants: the user name is letters, digits, {@code . _ -}; the password is at least 8 printable ASCII
 * characters without space, comma, double quote or backslash. Both go verbatim into the storage formatter's
 * {@code SCRAM-SHA-256=[name=..,password=..]} argument (split on commas) and into a JAAS line (values in double
 * quotes), where those characters would need escaping that neither offers. {@link #toString()} hides the password.
 */
public record SaslSslSettings(String user, String password) {
    /** SCRAM-SHA-256's stored iterations; the mechanism's minimum is 4096, the formatter's default. */
    static final int SCRAM_ITERATIONS = 4096;

    private static final int MIN_PASSWORD_LENGTH = 8;

    public SaslSslSettings {
        if (user == null || !user.matches("[A-Za-z0-9._-]+")) {
            throw new IllegalArgumentException("user=" + user + " must be letters, digits, '.', '_' or '-'");
        }
        if (password == null || password.length() < MIN_PASSWORD_LENGTH) {
            throw new IllegalArgumentException(
                    "password length=" + (password == null ? 0 : password.length()) + " < " + MIN_PASSWORD_LENGTH);
        }
        for (int i = 0; i < password.length(); i++) {
            char c = password.charAt(i);
            if (c <= ' ' || c > '~' || c == ',' || c == '"' || c == '\\') {
                throw new IllegalArgumentException("password has a character that is not allowed at index " + i
                        + ": only printable ASCII without space, ',', '\"' or '\\'");
            }
        }
    }

    /** {@code user} with a fresh random password of 24 URL-safe Base64 characters. */
    public static SaslSslSettings withRandomPassword(String user) {
        return new SaslSslSettings(user, randomSecret());
    }

    /**
     * Parses {@code USER:PASSWORD}, or {@code USER} alone for a random password (the password may contain ':').
     */
    public static SaslSslSettings parse(String userColonPassword) {
        int colon = userColonPassword.indexOf(':');
        return colon < 0
                ? withRandomPassword(userColonPassword)
                : new SaslSslSettings(userColonPassword.substring(0, colon), userColonPassword.substring(colon + 1));
    }

    /** 18 random bytes as 24 URL-safe Base64 characters: valid as a password and as a store password. */
    static String randomSecret() {
        byte[] bytes = new byte[18];
        new SecureRandom().nextBytes(bytes);
        return Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
    }

    @Override
    public String toString() {
        return "SaslSslSettings[user=" + user + ", password=(hidden)]";
    }
}
