package io.matstore.client.internal;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/** Numbers keep their kind: a conditional expression once promoted every integer to a Double (found by Error Prone). */
class JsonNumberTest {
    @Test
    void shouldReadAnIntegerAsALongAndKeepEveryDigit() {
        Json.Obj o = Json.parseObject("{\"generation\":9007199254740993,\"ratio\":0.5}");
        assertThat(o.get("generation")).isEqualTo(9_007_199_254_740_993L);
        assertThat(o.get("ratio")).isEqualTo(0.5d);
    }
}
