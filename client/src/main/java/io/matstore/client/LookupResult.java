package io.matstore.client;

import java.net.URI;
import java.util.Map;

/**
 * The answer for one key of {@link MatstoreClient#getAll}: either a value (the view's JSON rendering with its
 * {@code _meta}, as the batch endpoint answers) or the error of that key alone. Immutable.
 *
 * @param key     the parameters as the caller gave them
 * @param status  the item's status: 200, 400, 404, 503...; 0 when no node answered
 * @param json    the value's JSON when {@code status == 200}, else null
 * @param version the view version that answered the batch, or 0
 * @param freshness from the value's {@code _meta}; null without a value
 * @param node    the node that answered, or null
 * @param error   the typed error when there is no value, else null
 */
public record LookupResult(
        Map<String, String> key,
        int status,
        String json,
        int version,
        Freshness freshness,
        URI node,
        MatstoreClientException error) {
    public boolean found() {
        return status == 200;
    }
}
