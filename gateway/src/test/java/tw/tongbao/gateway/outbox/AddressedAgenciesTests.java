package tw.tongbao.gateway.outbox;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.LocalDate;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.json.JsonMapper;
import tw.tongbao.core.change.ChangeType;
import tw.tongbao.core.envelope.Addressee;
import tw.tongbao.core.envelope.ChangeFiled;

/** The routing agencies read from a stored change's bytes without binding it. */
class AddressedAgenciesTests {

    private final JsonMapper json = JsonMapper.builder().build();

    @Test
    void readsTheAgenciesOfAWrittenChangeInOrder() {
        ChangeFiled change =
                change(Map.of("address", Map.of("city", "臺北市", "street", "市府路", "number", "1號")), "NTA", "TPC", "NHIA");

        assertThat(AddressedAgencies.of(json, json.writeValueAsBytes(change))).containsExactly("NTA", "TPC", "NHIA");
    }

    @Test
    void readsNoneOfAChangeAddressedToNobody() {
        assertThat(AddressedAgencies.of(json, json.writeValueAsBytes(change(Map.of()))))
                .isEmpty();
    }

    @Test
    void looksOnlyAtTheTopLevelAddressees() {
        String stored = "{\"data\":{\"addressees\":[{\"agency\":\"FAKE\"}],\"agency\":\"FAKE\"},"
                + "\"agency\":\"FAKE\",\"addressees\":[{\"deliveryId\":\"x\",\"agency\":\"NTA\",\"subjectRef\":\"r\","
                + "\"extra\":{\"agency\":\"FAKE\"}},{\"subjectRef\":\"r\",\"agency\":\"POST\"}],\"after\":[1,2]}";

        assertThat(AddressedAgencies.of(json, stored.getBytes(StandardCharsets.UTF_8)))
                .containsExactly("NTA", "POST");
    }

    @Test
    void refusesBytesThatAreNotJson() {
        byte[] broken = "{\"receipt\":\"TB-1\",\"addressees\":[{\"agency\":".getBytes(StandardCharsets.UTF_8);

        assertThatThrownBy(() -> AddressedAgencies.of(json, broken)).isInstanceOf(JacksonException.class);
    }

    private static ChangeFiled change(Map<String, Object> data, String... agencies) {
        return new ChangeFiled(
                UUID.randomUUID(),
                "TB-7F3K9QXZ2MAB",
                ChangeType.ADDRESS_CHANGE,
                "A123456789",
                "王小明",
                1,
                LocalDate.parse("2026-12-01"),
                Instant.parse("2026-11-26T09:00:00Z"),
                data,
                List.of(agencies).stream()
                        .map(agency -> new Addressee(agency, UUID.randomUUID(), "ref-" + agency))
                        .toList());
    }
}
