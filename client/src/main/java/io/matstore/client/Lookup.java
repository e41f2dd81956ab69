package io.matstore.client;

import io.matstore.schemas.ResponseEnvelopes;
import io.matstore.schemas.fb.ResponseEnvelope;
import java.net.URI;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;

/**
 * One answered lookup: the body and what the node said about it. {@link MatstoreClient#get} answers carry the stored
 * {@code ResponseEnvelope} FlatBuffer byte for byte, read through {@link #envelope()} as a read-only view over the
 * received bytes (nothing decoded up front); {@link MatstoreClient#getJson} answers carry the view's JSON rendering,
 * read through {@link #json()}. Immutable.
 */
public final class Lookup {
    private final ByteBuffer body;
    private final boolean flatBuffers;
    private final int version;
    private final Freshness freshness;
    private final Duration age;
    private final long computedAtMicros;
    private final String etag;
    private final URI node;

    Lookup(
            byte[] body,
            boolean flatBuffers,
            int version,
            Freshness freshness,
            Duration age,
            long computedAtMicros,
            String etag,
            URI node) {
        this.body = ByteBuffer.wrap(body).asReadOnlyBuffer();
        this.flatBuffers = flatBuffers;
        this.version = version;
        this.freshness = freshness;
        this.age = age;
        this.computedAtMicros = computedAtMicros;
        this.etag = etag;
        this.node = node;
    }

    /**
     * The envelope as a FlatBuffers table over the received bytes; its {@code responseAsByteBuffer()} is the view's
     * own response (e.g. an {@code OfferResponse}). A new table object each call, over the same bytes.
     *
     * @throws IllegalStateException for an answer of {@link MatstoreClient#getJson}
     */
    public ResponseEnvelope envelope() {
        if (!flatBuffers) {
            throw new IllegalStateException("this lookup was answered in JSON (getJson): use json()");
        }
        return ResponseEnvelopes.open(body.duplicate(), new ResponseEnvelope());
    }

    /**
     * The view's JSON rendering with its {@code _meta}, as the node wrote it.
     *
     * @throws IllegalStateException for an answer of {@link MatstoreClient#get}
     */
    public String json() {
        if (flatBuffers) {
            throw new IllegalStateException("this lookup was answered in FlatBuffers (get): use envelope()");
        }
        ByteBuffer b = body.duplicate();
        byte[] bytes = new byte[b.remaining()];
        b.get(bytes);
        return new String(bytes, StandardCharsets.UTF_8);
    }

    /** The received body, read-only. */
    public ByteBuffer body() {
        return body.duplicate();
    }

    /** The view version that answered ({@code X-Matstore-View-Version}). */
    public int version() {
        return version;
    }

    public Freshness freshness() {
        return freshness;
    }

    /** Time since the node last knew the value to be current (0 while caught up), as the node's {@code Age} says. */
    public Duration age() {
        return age;
    }

    /** When the precompute job computed the response. */
    public Instant computedAt() {
        return Instant.EPOCH
                .plus(computedAtMicros / 1_000_000, java.time.temporal.ChronoUnit.SECONDS)
                .plusNanos((computedAtMicros % 1_000_000) * 1_000);
    }

    public long computedAtMicros() {
        return computedAtMicros;
    }

    /** The node's {@code ETag}, quotes included ({@code "0123456789abcdef"}); equal tags, equal content. */
    public String etag() {
        return etag;
    }

    /** The node that answered (its advertised URL). */
    public URI node() {
        return node;
    }

    /** The same answer served from the client's cache: stale for {@code reason}, {@code extra} older. */
    Lookup staleFromCache(String reason, Duration extra) {
        byte[] bytes = new byte[body.remaining()];
        body.duplicate().get(bytes);
        return new Lookup(
                bytes,
                flatBuffers,
                version,
                new Freshness(true, reason),
                age.plus(extra),
                computedAtMicros,
                etag,
                node);
    }

    @Override
    public String toString() {
        return "Lookup[node=" + node + ", version=" + version + ", " + freshness + ", age=" + age.toSeconds()
                + "s, etag=" + etag + ", " + body.remaining() + " bytes]";
    }
}
