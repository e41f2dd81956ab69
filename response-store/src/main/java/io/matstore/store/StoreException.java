package io.matstore.store;

/** A storage failure (RocksDB error, unreadable near-cache, closed store), with what was being done. */
public class StoreException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    public StoreException(String message, Throwable cause) {
        super(message, cause);
    }

    public StoreException(String message) {
        super(message);
    }
}
