package tw.tongbao.core.answer;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class AgencyAnswerTests {

    @ParameterizedTest(name = "HTTP {0} means {1}")
    @CsvSource({
        "200, DELIVERED",
        "202, DELIVERED",
        "204, DELIVERED",
        "409, DELIVERED",
        "400, REJECTED",
        "422, REJECTED",
        "410, AGENCY_DISABLED",
        "408, TRANSIENT_FAILURE",
        "429, TRANSIENT_FAILURE",
        "500, TRANSIENT_FAILURE",
        "503, TRANSIENT_FAILURE",
        "301, UNEXPECTED",
        "302, UNEXPECTED",
        "401, UNEXPECTED",
        "403, UNEXPECTED",
        "404, UNEXPECTED"
    })
    void readsAnswersAsTheContractsTableSays(int status, AgencyAnswer expected) {
        assertThat(AgencyAnswer.ofHttpStatus(status)).isEqualTo(expected);
    }
}
