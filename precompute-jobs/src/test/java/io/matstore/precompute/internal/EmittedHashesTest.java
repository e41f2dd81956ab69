package io.matstore.precompute.internal;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

/** What a task remembers of its writes: responses, tombstones, nothing; and the two markers never pass as a hash. */
class EmittedHashesTest {
    private static byte[] key(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    @Test
    void shouldAnswerUnknownUntilAKeyIsWrittenThenItsLastRecord() {
        EmittedHashes hashes = new EmittedHashes();
        assertThat(hashes.get(key("a"))).isEqualTo(EmittedHashes.UNKNOWN);

        hashes.putResponse(key("a"), 42L);
        assertThat(hashes.get(key("a"))).isEqualTo(42L);
        assertThat(hashes.get(key("b"))).isEqualTo(EmittedHashes.UNKNOWN);

        hashes.putTombstone(key("a"));
        assertThat(hashes.get(key("a"))).as("a tombstone forgets the key").isEqualTo(EmittedHashes.UNKNOWN);
        assertThat(EmittedHashes.isResponse(hashes.get(key("a")))).isFalse();
    }

    @Test
    void shouldCountTheLiveKeysItKnows() {
        EmittedHashes hashes = new EmittedHashes();
        for (int i = 0; i < 10_000; i++) {
            hashes.putResponse(key("k" + i), i + 1L);
        }
        hashes.putResponse(key("k0"), 7L); // an update is not a new key
        hashes.putTombstone(key("k1"));
        hashes.putTombstone(key("never-written"));
        assertThat(hashes.responses()).isEqualTo(9_999);
        assertThat(hashes.get(key("k9999"))).isEqualTo(10_000L);
    }

    @Test
    void shouldForgetAKeyWhoseContentHashEqualsTheMarkerSoItIsWrittenAgainNextTime() {
        EmittedHashes hashes = new EmittedHashes();
        hashes.putResponse(key("a"), 1L);
        hashes.putResponse(key("a"), EmittedHashes.UNKNOWN);
        assertThat(hashes.get(key("a"))).isEqualTo(EmittedHashes.UNKNOWN);
        assertThat(hashes.responses()).isZero();
    }

    @Test
    void shouldAnswerWhatWasRememberedBeforeWhenAResponseIsPut() {
        EmittedHashes hashes = new EmittedHashes();
        assertThat(hashes.putResponse(key("a"), 5L)).isEqualTo(EmittedHashes.UNKNOWN);
        assertThat(hashes.putResponse(key("a"), 5L)).as("unchanged").isEqualTo(5L);
        assertThat(hashes.putResponse(key("a"), 6L)).isEqualTo(5L);
        assertThat(hashes.putResponse(key("a"), EmittedHashes.UNKNOWN)).isEqualTo(6L);
        assertThat(hashes.putResponse(key("a"), 7L)).isEqualTo(EmittedHashes.UNKNOWN);
        assertThat(hashes.responses()).isEqualTo(1);
    }
}
