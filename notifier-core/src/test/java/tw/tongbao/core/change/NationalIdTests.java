package tw.tongbao.core.change;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.NullSource;
import org.junit.jupiter.params.provider.ValueSource;

class NationalIdTests {

    @ParameterizedTest
    @ValueSource(strings = {"A123456789", "F131104093", "B234567894", "Y200000002", "A800000014", "A900000016"})
    void acceptsCitizenAndResidentCertificateNumbersWithValidChecksums(String id) {
        assertThat(NationalId.isValid(id)).isTrue();
    }

    @ParameterizedTest
    @NullSource
    @ValueSource(
            strings = {
                "A123456788",
                "A323456789",
                "a123456789",
                "A12345678",
                "A1234567890",
                "1123456789",
                "",
                "A8000000"
            })
    void refusesWrongChecksumsShapesAndGenders(String id) {
        assertThat(NationalId.isValid(id)).isFalse();
    }

    @Test
    void masksTheMiddleInLogsAndMessages() {
        assertThat(new NationalId("A123456789").masked()).isEqualTo("A12****789");
        assertThat(new NationalId("A123456789").toString()).isEqualTo("A12****789");
        assertThatThrownBy(() -> new NationalId("A123456788")).hasMessageNotContaining("A123456788");
    }

    @Test
    void receiptsAreWellFormedAndDistinct() {
        Receipt first = Receipt.random();
        assertThat(Receipt.isWellFormed(first.value())).isTrue();
        assertThat(first.value()).hasSize(15).startsWith("TB-");
        assertThat(Receipt.random()).isNotEqualTo(first);
        assertThatThrownBy(() -> new Receipt("TB-123")).isInstanceOf(IllegalArgumentException.class);
    }
}
