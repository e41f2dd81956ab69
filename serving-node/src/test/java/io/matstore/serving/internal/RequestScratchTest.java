package io.matstore.serving.internal;

import static org.assertj.core.api.Assertions.assertThat;

import io.netty.util.concurrent.DefaultThreadFactory;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;

class RequestScratchTest {
    @Test
    void shouldReleaseTheResponderBuffersWhenTheLoopThreadEnds() throws InterruptedException {
        AtomicReference<ViewResponder> seen = new AtomicReference<>();
        // the factory Netty's event loops are made with: it wraps the task so that its FastThreadLocals are removed
        Thread loop =
                new DefaultThreadFactory("scratch-test").newThread(() -> seen.set(RequestScratch.get().responder));
        loop.start();
        loop.join(10_000);

        assertThat(loop.isAlive()).isFalse();
        assertThat(seen.get()).isNotNull();
        assertThat(seen.get().released()).isTrue();
    }

    @Test
    void shouldKeepTheBuffersWhileTheThreadLives() {
        ViewResponder responder = RequestScratch.get().responder;

        assertThat(responder.released()).isFalse();
        assertThat(RequestScratch.get().responder).isSameAs(responder);
    }
}
