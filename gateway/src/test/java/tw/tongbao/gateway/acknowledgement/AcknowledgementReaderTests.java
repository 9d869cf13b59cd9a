package tw.tongbao.gateway.acknowledgement;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.json.JsonMapper;

/** What an acknowledgement body must hold. */
class AcknowledgementReaderTests {

    private static final String ID = "0d6c3f0e-0000-4000-8000-000000000001";
    private final JsonMapper json = JsonMapper.builder().build();

    @Test
    void readsAnApplication() {
        Acknowledgement read = read("{\"deliveryId\":\"" + ID + "\",\"outcome\":\"APPLIED\"}");

        assertThat(read.deliveryId().toString()).isEqualTo(ID);
        assertThat(read.outcome()).isEqualTo(Outcome.APPLIED);
        assertThat(read.reason()).isNull();
    }

    @Test
    void readsARejectionWithItsReason() {
        Acknowledgement read = read("{\"deliveryId\":\"" + ID + "\",\"outcome\":\"REJECTED\",\"reason\":\"查無此人\"}");

        assertThat(read.outcome()).isEqualTo(Outcome.REJECTED);
        assertThat(read.reason()).isEqualTo("查無此人");
    }

    @Test
    void requiresAReasonForARejection() {
        assertThatThrownBy(() -> read("{\"deliveryId\":\"" + ID + "\",\"outcome\":\"REJECTED\",\"reason\":\" \"}"))
                .isInstanceOfSatisfying(
                        InvalidAcknowledgement.class,
                        e -> assertThat(e.errors())
                                .extracting(FieldError::field)
                                .containsExactly("reason"));
    }

    @Test
    void reportsEveryInvalidField() {
        assertThatThrownBy(() -> read("{\"deliveryId\":\"nope\",\"outcome\":\"DONE\",\"extra\":1}"))
                .isInstanceOfSatisfying(
                        InvalidAcknowledgement.class,
                        e -> assertThat(e.errors())
                                .extracting(FieldError::field)
                                .containsExactlyInAnyOrder("deliveryId", "outcome", "extra"));
        assertThatThrownBy(() -> read("{}"))
                .isInstanceOfSatisfying(
                        InvalidAcknowledgement.class,
                        e -> assertThat(e.errors())
                                .extracting(FieldError::field)
                                .containsExactlyInAnyOrder("deliveryId", "outcome"));
    }

    @Test
    void refusesWhatIsNotAJsonObject() {
        assertThatThrownBy(() -> read("not json")).isInstanceOf(MalformedAcknowledgement.class);
        assertThatThrownBy(() -> read("[]")).isInstanceOf(MalformedAcknowledgement.class);
        assertThatThrownBy(() -> read("")).isInstanceOf(MalformedAcknowledgement.class);
    }

    private Acknowledgement read(String body) {
        return AcknowledgementReader.read(body.getBytes(StandardCharsets.UTF_8), json);
    }
}
