package io.matstore.bench.serving;

import io.matstore.serving.ServingConfig;
import io.matstore.serving.ServingNode;
import io.matstore.store.VersionedResponseStore;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;

/**
 * The node {@link OverloadRun} measures, in a process of its own so that it can be pinned to a core apart from the
 * load generator: opens the offers v1 store in the given directory (catching up with the broker, at once when an
 * earlier run left it current), starts a serving node with one event loop and the given settings, prints
 * {@code port=<n>} and serves until its standard input closes.
 *
 * <pre>
 * java ... io.matstore.bench.serving.OverloadNode &lt;store dir&gt; &lt;bootstrap servers&gt; [setting=value ...]
 * </pre>
 */
public final class OverloadNode {
    private OverloadNode() {}

    public static void main(String[] args) throws Exception {
        Path dir = Path.of(args[0]);
        Map<String, String> settings = new HashMap<>(Map.of(ServingConfig.PORT, "0", ServingConfig.IO_THREADS, "1"));
        for (int i = 2; i < args.length; i++) {
            int eq = args[i].indexOf('=');
            if (eq <= 0) {
                throw new IllegalArgumentException("\"" + args[i] + "\" is not setting=value");
            }
            settings.put(args[i].substring(0, eq), args[i].substring(eq + 1));
        }
        try (VersionedResponseStore store = CaughtUpStore.offersV1(dir, args[1], 20_000)) {
            ServingNode node = new ServingNode();
            try {
                int port = node.start(store, ServingConfig.of(settings));
                System.out.println("port=" + port);
                System.out.flush();
                BufferedReader in = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8));
                while (in.readLine() != null) {
                    // the parent closes our input to stop us
                }
            } finally {
                node.close();
            }
        }
    }
}
