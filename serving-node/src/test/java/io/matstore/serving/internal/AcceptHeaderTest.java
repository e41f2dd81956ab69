package io.matstore.serving.internal;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class AcceptHeaderTest {
    private static final String JSON = "application/json";

    @ParameterizedTest(name = "{0} → {1}")
    @CsvSource(
            delimiter = '|',
            value = {
                "application/json                          | 1000",
                "Application/JSON                          | 1000",
                "application/json;q=0.5                    | 500",
                "application/json ; charset=utf-8 ; q=0.25 | 250",
                "application/json;Q=0.001                  | 1",
                "application/json;q=1.000                  | 1000",
                "application/json;q=0                      | 0",
                "application/json;q=2                      | 1000",
                "application/json;q=0.5x                   | 1000",
                "application/json;q=                       | 1000",
                "*/*;q=0.1                                 | 100",
                "application/*;q=0.3, */*;q=0.9            | 300",
                "*/*, application/json;q=0                 | 0",
                "text/html, application/x-flatbuffers      | -1",
                "application/jsonx                         | -1",
            })
    void shouldGiveATypeTheQualityOfTheMostSpecificMatchingRange(String accept, int quality) {
        assertThat(AcceptHeader.quality(accept, JSON)).isEqualTo(quality);
    }
}
