package io.matstore.serving;

import io.matstore.store.ResponseStore;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.function.Supplier;
import org.apache.kafka.common.config.ConfigException;

/**
 * Command-line entry of a serving node: {@code ServingNodeMain [config.properties]}, environment overrides as
 * {@link ServingConfig} describes. The store is the caller's: a launcher calls {@link #run} with a supplier of
 * the real store; {@link #main} builds it from {@code serving.store.supplier}, a system property naming a class
 * that implements {@code Supplier<ResponseStore>} with a public no-argument constructor.
 */
public final class ServingNodeMain {
    /** System property naming the {@code Supplier<ResponseStore>} class {@link #main} uses. */
    public static final String STORE_SUPPLIER_PROPERTY = "serving.store.supplier";

    private ServingNodeMain() {}

    public static void main(String[] args) throws Exception {
        String supplierClass = System.getProperty(STORE_SUPPLIER_PROPERTY);
        if (supplierClass == null) {
            System.err.println("no store: set -D" + STORE_SUPPLIER_PROPERTY + "=<class implementing"
                    + " Supplier<ResponseStore>>, or call ServingNodeMain.run(args, storeSupplier)");
            System.exit(2);
        }
        @SuppressWarnings("unchecked")
        Supplier<ResponseStore> supplier = (Supplier<ResponseStore>)
                Class.forName(supplierClass).getDeclaredConstructor().newInstance();
        ServingNode node;
        try {
            node = run(args, System.getenv(), supplier);
        } catch (ConfigException e) {
            System.err.println("invalid configuration: " + e.getMessage());
            System.exit(2);
            return;
        }
        CountDownLatch stopped = new CountDownLatch(1);
        Runtime.getRuntime()
                .addShutdownHook(new Thread(
                        () -> {
                            node.close();
                            stopped.countDown();
                        },
                        "matstore-shutdown"));
        stopped.await();
    }

    /**
     * Loads the configuration (args[0] is an optional .properties file), gets the store and starts a node.
     * The caller closes the node, then the store.
     */
    public static ServingNode run(String[] args, Map<String, String> environment, Supplier<ResponseStore> store) {
        ServingConfig config = ServingConfig.load(args.length > 0 ? List.of(Path.of(args[0])) : List.of(), environment);
        ServingNode node = new ServingNode();
        node.start(store.get(), config);
        return node;
    }
}
