package io.matstore.precompute.internal;

import io.matstore.precompute.InvalidEventException;
import io.matstore.precompute.View;
import io.matstore.precompute.ViewLogic;
import io.matstore.schemas.KeyCodec;
import io.matstore.schemas.ViewDescriptor;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.function.Consumer;
import org.apache.kafka.common.utils.Bytes;
import org.apache.kafka.streams.state.KeyValueStore;
import org.apache.kafka.streams.state.StoreBuilder;

/**
 * A view small enough to misbehave on demand, for the error-policy tests: an event {@code "<id>:<n>"} makes the
 * response of combination {@code id} {@code n} bytes long (a small event can ask for a response too large to write),
 * and {@code "boom"} throws while processing, as a bug would.
 */
public final class ErrorPolicyView implements View<String, String> {
    private final ViewDescriptor descriptor;
    private final String source;

    public ErrorPolicyView(String name, String source) {
        this.descriptor = ViewDescriptor.of(name, 1, "id");
        this.source = source;
    }

    @Override
    public ViewDescriptor descriptor() {
        return descriptor;
    }

    @Override
    public List<String> sourceTopics() {
        return List.of(source);
    }

    @Override
    public String decode(byte[] value) throws InvalidEventException {
        String s = new String(value, StandardCharsets.UTF_8);
        if (!s.equals("boom") && !s.matches("[a-z]+:[0-9]{1,7}")) {
            throw new InvalidEventException("not <id>:<n> or boom: " + s);
        }
        return s;
    }

    @Override
    public byte[] partitionKey(String event) {
        return event.getBytes(StandardCharsets.UTF_8);
    }

    @Override
    public List<StoreBuilder<KeyValueStore<Bytes, byte[]>>> stores() {
        return List.of();
    }

    @Override
    public ViewLogic<String, String> newLogic(StoreLookup stores) {
        return new ViewLogic<>() {
            @Override
            public void apply(String event, Consumer<? super String> affected) {
                if (event.equals("boom")) {
                    throw new IllegalStateException("a bug in the view's logic");
                }
                affected.accept(event);
            }

            @Override
            public byte[] key(String combination) {
                return KeyCodec.encode(descriptor, combination.substring(0, combination.indexOf(':')));
            }

            @Override
            public byte[] compute(String combination) {
                byte[] response = new byte[Integer.parseInt(combination.substring(combination.indexOf(':') + 1))];
                java.util.Arrays.fill(response, (byte) 'r');
                return response;
            }
        };
    }
}
