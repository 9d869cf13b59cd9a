package tw.tongbao.gateway.citizen;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import tools.jackson.databind.json.JsonMapper;
import tw.tongbao.core.change.ChangeType;
import tw.tongbao.core.routing.RecipientPolicy;

class ChangeRequestReaderTests {

    static final String SUBJECT = "A123456789";
    /** 2026-11-26 09:00 in Taipei. */
    static final Clock CLOCK = Clock.fixed(Instant.parse("2026-11-26T01:00:00Z"), ZoneOffset.UTC);

    private final JsonMapper json = JsonMapper.builder().build();
    private final ChangeRequestReader reader =
            new ChangeRequestReader(new RecipientPolicy(TestAgencies.registry()), CLOCK);

    @Test
    void readsAValidAddressChangeAndNormalisesTheCity() {
        Map<String, Object> body = Changes.addressChange(SUBJECT, "2026-12-01", "TPC");
        Changes.addressOf(body).put("city", "台北市");

        ChangeRequest request = read(body);

        assertThat(request.type()).isEqualTo(ChangeType.ADDRESS_CHANGE);
        assertThat(request.subject().value()).isEqualTo(SUBJECT);
        assertThat(request.chosenAgencies()).containsExactly("TPC");
        assertThat(request.data())
                .extractingByKey("address")
                .asInstanceOf(org.assertj.core.api.InstanceOfAssertFactories.MAP)
                .containsEntry("city", "臺北市")
                .containsEntry("postalCode", "106");
    }

    static Stream<Arguments> invalidBodies() {
        return Stream.of(
                invalid("an unknown field", b -> b.put("colour", "red"), "colour"),
                invalid("an unknown type", b -> b.put("type", "MOVE"), "type"),
                invalid("a bad national ID", b -> b.put("subjectId", "A123456788"), "subjectId"),
                invalid("no effective date", b -> b.remove("effectiveDate"), "effectiveDate"),
                invalid("a move 91 days ahead", b -> b.put("effectiveDate", "2027-02-25"), "effectiveDate"),
                invalid("a move 31 days past", b -> b.put("effectiveDate", "2026-10-26"), "effectiveDate"),
                invalid("no address", b -> ((Map<?, ?>) b.get("data")).remove("address"), "data.address"),
                invalid(
                        "a 4-digit postal code",
                        b -> Changes.addressOf(b).put("postalCode", "1060"),
                        "data.address.postalCode"),
                invalid("a city abroad", b -> Changes.addressOf(b).put("city", "東京都"), "data.address.city"),
                invalid("no district", b -> Changes.addressOf(b).remove("district"), "data.address.district"),
                invalid(
                        "an unknown address part",
                        b -> Changes.addressOf(b).put("planet", "Earth"),
                        "data.address.planet"),
                invalid("a field of another type", b -> castData(b).put("phone", "0912345678"), "data.phone"),
                invalid("choosing a LAW agency", b -> b.put("notify", List.of("NTA")), "notify"),
                invalid("choosing an unknown agency", b -> b.put("notify", List.of("XYZ")), "notify"));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("invalidBodies")
    void refuses(String what, Consumer<Map<String, Object>> breakIt, String field) {
        Map<String, Object> body = Changes.addressChange(SUBJECT, "2026-12-01");
        breakIt.accept(body);

        assertThatThrownBy(() -> read(body))
                .isInstanceOfSatisfying(
                        InvalidChangeRequest.class,
                        e -> assertThat(e.problems())
                                .extracting(FieldProblem::field)
                                .contains(field));
    }

    @Test
    void reportsEveryProblemAtOnce() {
        Map<String, Object> body = Changes.addressChange("A123456788", "2026-12-01");
        Changes.addressOf(body).put("postalCode", "1");
        Changes.addressOf(body).put("city", "東京都");

        assertThatThrownBy(() -> read(body))
                .isInstanceOfSatisfying(
                        InvalidChangeRequest.class,
                        e -> assertThat(e.problems())
                                .extracting(FieldProblem::field)
                                .containsExactlyInAnyOrder(
                                        "subjectId", "data.address.postalCode", "data.address.city"));
    }

    @Test
    void refusesADeathInTheFuture() {
        Map<String, Object> body = Changes.deathReport("B120000008", "2026-12-24");

        assertThatThrownBy(() -> read(body))
                .isInstanceOfSatisfying(
                        InvalidChangeRequest.class,
                        e -> assertThat(e.problems())
                                .extracting(FieldProblem::field)
                                .containsExactly("data.dateOfDeath"));
    }

    private ChangeRequest read(Map<String, Object> body) {
        return reader.read(json.readTree(json.writeValueAsString(body)));
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Object> castData(Map<String, Object> body) {
        return (Map<String, Object>) body.get("data");
    }

    private static Arguments invalid(String what, Consumer<Map<String, Object>> breakIt, String field) {
        return Arguments.of(what, breakIt, field);
    }
}
