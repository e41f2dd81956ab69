package io.matstore.kafka.local;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

@Timeout(value = 10, unit = TimeUnit.SECONDS)
class SaslSslSettingsTest {
    @Test
    void shouldSplitUserAndPasswordAtTheFirstColon() {
        SaslSslSettings s = SaslSslSettings.parse("alice:pass:word1");
        assertThat(s.user()).isEqualTo("alice");
        assertThat(s.password()).isEqualTo("pass:word1");
    }

    @Test
    void shouldMakeARandomPasswordForAUserAlone() {
        SaslSslSettings a = SaslSslSettings.parse("alice");
        SaslSslSettings b = SaslSslSettings.parse("alice");
        assertThat(a.password()).hasSize(24).isNotEqualTo(b.password());
    }

    @Test
    void shouldHideThePasswordInToString() {
        assertThat(new SaslSslSettings("alice", "alice-secret-1").toString())
                .isEqualTo("SaslSslSettings[user=alice, password=(hidden)]");
    }

    @Test
    void shouldRefuseWhatTheFormatterOrJaasCannotCarry() {
        assertThatThrownBy(() -> new SaslSslSettings("al ice", "alice-secret-1"))
                .hasMessage("user=al ice must be letters, digits, '.', '_' or '-'");
        assertThatThrownBy(() -> new SaslSslSettings("alice", "short")).hasMessage("password length=5 < 8");
        assertThatThrownBy(() -> new SaslSslSettings("alice", "secret,with,commas"))
                .hasMessage("password has a character that is not allowed at index 6: only printable ASCII without"
                        + " space, ',', '\"' or '\\'");
    }
}
