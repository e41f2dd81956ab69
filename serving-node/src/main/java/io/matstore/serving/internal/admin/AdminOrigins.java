package io.matstore.serving.internal.admin;

import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.HttpHeaderNames;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/**
 * The names admin requests may give in {@code Host} and {@code Origin}: the listener's own address and port, the
 * loopback names when it listens on loopback or on every address, and {@code serving.admin.allowed.hosts}. A web
 * page the operator has open cannot drive the listener: its cross-site requests carry the page's {@code Origin},
 * and a DNS-rebound name arrives as a {@code Host} that is not one of these.
 */
final class AdminOrigins {
    private final Set<String> hosts = new HashSet<>();

    AdminOrigins(String bindHost, int port, List<String> allowed) {
        add(bindHost, port);
        boolean local;
        try {
            InetAddress a = InetAddress.getByName(bindHost);
            local = a.isLoopbackAddress() || a.isAnyLocalAddress();
        } catch (UnknownHostException e) {
            local = false;
        }
        if (local) {
            add("localhost", port);
            add("127.0.0.1", port);
            add("[::1]", port);
        }
        for (String h : allowed) {
            if (h.contains(":") && !h.startsWith("[") || h.contains("]:")) {
                hosts.add(h.toLowerCase(Locale.ROOT)); // given with its port
            } else {
                add(h, port);
            }
        }
    }

    private void add(String host, int port) {
        String h = host.toLowerCase(Locale.ROOT);
        if (h.contains(":") && !h.startsWith("[")) {
            h = "[" + h + "]"; // an IPv6 literal
        }
        hosts.add(h + ":" + port);
    }

    /** Null when allowed, else why not. */
    String refusal(FullHttpRequest req) {
        String host = req.headers().get(HttpHeaderNames.HOST);
        if (host == null || !hosts.contains(host.toLowerCase(Locale.ROOT))) {
            return "Host " + (host == null ? "(none)" : "\"" + host + "\"") + " is not this admin listener's; allowed: "
                    + hosts.stream().sorted().toList() + " (serving.admin.allowed.hosts adds names)";
        }
        String origin = req.headers().get(HttpHeaderNames.ORIGIN);
        if (origin != null) {
            String o = origin.toLowerCase(Locale.ROOT);
            int scheme = o.indexOf("://");
            if (scheme < 0
                    || !(o.startsWith("http://") || o.startsWith("https://"))
                    || !hosts.contains(o.substring(scheme + 3))) {
                return "Origin \"" + origin + "\" is not this admin listener's";
            }
        }
        return null;
    }
}
