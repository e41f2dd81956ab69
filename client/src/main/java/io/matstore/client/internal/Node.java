package io.matstore.client.internal;

import java.net.URI;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A serving node as the client knows it: its URL and the requests this client has in flight to it. One object per
 * URL for the client's life (see {@link Nodes}), so the count survives routing table swaps.
 */
public final class Node {
    private final URI url;
    private final String base;
    private final AtomicInteger outstanding = new AtomicInteger();

    Node(URI url) {
        this.url = url;
        String s = url.toString();
        this.base = s.endsWith("/") ? s.substring(0, s.length() - 1) : s;
    }

    public URI url() {
        return url;
    }

    /** The URL without a trailing slash, to append paths to. */
    public String base() {
        return base;
    }

    public int outstanding() {
        return outstanding.get();
    }

    public void onSend() {
        outstanding.incrementAndGet();
    }

    public void onAnswer() {
        outstanding.decrementAndGet();
    }

    @Override
    public String toString() {
        return base;
    }
}
