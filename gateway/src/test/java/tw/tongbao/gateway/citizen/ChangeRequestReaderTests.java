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
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;
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

    @ParameterizedTest(name = "{0} is {1}")
    @CsvSource({
        "A123456789, valid, a citizen (male)",
        "A223456781, valid, a citizen (female)",
        "F131104093, valid, another letter",
        "A800000014, valid, a resident certificate (8)",
        "F912345678, valid, a resident certificate (9)",
        "A123456788, invalid, a wrong check digit",
        "B812345673, invalid, a resident certificate with a wrong check digit",
        "a123456789, invalid, a lowercase letter",
        "A323456789, invalid, 3 as the second digit",
        "A12345678, invalid, nine characters",
        "A1234567890, invalid, eleven characters",
        "1123456789, invalid, a digit for the letter",
        "A1234S6789, invalid, a letter among the digits",
        "'A123456789 ', valid, trailing space (stripped)",
    })
    void checksTheSubjectsNationalId(String id, String verdict, String what) {
        Map<String, Object> body = Changes.addressChange(SUBJECT, "2026-12-01");
        body.put("subjectId", id);

        assertVerdict(body, verdict, "subjectId");
    }

    static Stream<String> cities() {
        return Stream.of(
                "臺北市", "新北市", "桃園市", "臺中市", "臺南市", "高雄市", "基隆市", "新竹市", "嘉義市", "新竹縣", "苗栗縣", "彰化縣", "南投縣", "雲林縣", "嘉義縣",
                "屏東縣", "宜蘭縣", "花蓮縣", "臺東縣", "澎湖縣", "金門縣", "連江縣");
    }

    @ParameterizedTest
    @MethodSource("cities")
    void acceptsEachOfThe22Cities(String city) {
        Map<String, Object> body = Changes.addressChange(SUBJECT, "2026-12-01");
        Changes.addressOf(body).put("city", city);

        assertThat(addressOf(read(body))).containsEntry("city", city);
    }

    @ParameterizedTest
    @CsvSource({"台北市, 臺北市", "台中市, 臺中市", "台南市, 臺南市", "台東縣, 臺東縣"})
    void normalisesTaiToTheOfficialForm(String written, String official) {
        Map<String, Object> body = Changes.addressChange(SUBJECT, "2026-12-01");
        Changes.addressOf(body).put("city", written);

        assertThat(addressOf(read(body))).containsEntry("city", official);
    }

    @ParameterizedTest
    @ValueSource(strings = {"東京都", "臺北縣", "台北", "Taipei City", "北市"})
    void refusesAnUnknownCity(String city) {
        Map<String, Object> body = Changes.addressChange(SUBJECT, "2026-12-01");
        Changes.addressOf(body).put("city", city);

        assertVerdict(body, "invalid", "data.address.city");
    }

    @ParameterizedTest(name = "postal code {0} is {1}")
    @CsvSource({
        "106, valid",
        "10617, valid",
        "106017, valid",
        "1060, invalid",
        "1060170, invalid",
        "10, invalid",
        "10a, invalid",
        "ABCDE, invalid",
        "'106 17', invalid",
    })
    void checksThePostalCode(String postalCode, String verdict) {
        Map<String, Object> body = Changes.addressChange(SUBJECT, "2026-12-01");
        Changes.addressOf(body).put("postalCode", postalCode);

        assertVerdict(body, verdict, "data.address.postalCode");
    }

    /** Today is 2026-11-26 in Taipei ({@link #CLOCK}). */
    @ParameterizedTest(name = "moving on {0} ({2}) is {1}")
    @CsvSource({
        "2026-10-27, valid, 30 days past",
        "2026-10-26, invalid, 31 days past",
        "2026-11-26, valid, today",
        "2027-02-24, valid, 90 days ahead",
        "2027-02-25, invalid, 91 days ahead",
        "2026-11-31, invalid, no such day",
        "26-11-2026, invalid, not ISO",
    })
    void keepsAMoveWithin30DaysPastAnd90Ahead(String date, String verdict, String what) {
        Map<String, Object> body = Changes.addressChange(SUBJECT, date);

        assertVerdict(body, verdict, "effectiveDate");
    }

    @ParameterizedTest(name = "phone {0} is {1}")
    @CsvSource({
        "0912345678, valid",
        "+886912345678, valid",
        "0223456789, invalid",
        "+886223456789, invalid",
        "091234567, invalid",
        "09123456789, invalid",
        "0912-345-678, invalid",
        "886912345678, invalid",
    })
    void acceptsOnlyTaiwanMobileNumbers(String phone, String verdict) {
        Map<String, Object> body = Changes.contactChange(SUBJECT, "2026-12-01", Map.of("phone", phone));

        assertVerdict(body, verdict, "data.phone");
    }

    @ParameterizedTest(name = "e-mail {0} is {1}")
    @CsvSource({
        "ming@example.tw, valid",
        "wang.xiao-ming+tongbao@mail.gov.tw, valid",
        "ming@example, invalid",
        "ming.example.tw, invalid",
        "ming@@example.tw, invalid",
        "'ming @example.tw', invalid",
    })
    void checksTheEmailAddress(String email, String verdict) {
        Map<String, Object> body = Changes.contactChange(SUBJECT, "2026-12-01", Map.of("email", email));

        assertVerdict(body, verdict, "data.email");
    }

    @Test
    void refusesAContactChangeWithNeitherPhoneNorEmail() {
        assertVerdict(Changes.contactChange(SUBJECT, "2026-12-01", Map.of()), "invalid", "data");
    }

    static Stream<Arguments> wrongJsonTypes() {
        return Stream.of(
                invalid("a number as the type", b -> b.put("type", 1), "type"),
                invalid("a number as the national ID", b -> b.put("subjectId", 123456789), "subjectId"),
                invalid("a number as the date", b -> b.put("effectiveDate", 20261201), "effectiveDate"),
                invalid("an array as the data", b -> b.put("data", List.of()), "data"),
                invalid("a string as the address", b -> castData(b).put("address", "臺北市大安區"), "data.address"),
                invalid(
                        "a number as the postal code",
                        b -> Changes.addressOf(b).put("postalCode", 106),
                        "data.address.postalCode"),
                invalid(
                        "an object as the district",
                        b -> Changes.addressOf(b).put("district", Map.of()),
                        "data.address.district"),
                invalid("a string as notify", b -> b.put("notify", "TPC"), "notify"),
                invalid("a number in notify", b -> b.put("notify", List.of(7)), "notify[0]"),
                invalid("a boolean as the floor", b -> Changes.addressOf(b).put("floor", true), "data.address.floor"));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("wrongJsonTypes")
    void refusesWrongJsonTypes(String what, Consumer<Map<String, Object>> breakIt, String field) {
        refuses(what, breakIt, field);
    }

    @Test
    void refusesUnknownFieldsAtEveryLevel() {
        Map<String, Object> body = Changes.addressChange(SUBJECT, "2026-12-01");
        body.put("priority", "high");
        castData(body).put("reason", "moved");
        Changes.addressOf(body).put("country", "TW");

        assertThatThrownBy(() -> read(body))
                .isInstanceOfSatisfying(
                        InvalidChangeRequest.class,
                        e -> assertThat(e.problems())
                                .extracting(FieldProblem::field)
                                .containsExactlyInAnyOrder("priority", "data.reason", "data.address.country"));
    }

    private void assertVerdict(Map<String, Object> body, String verdict, String field) {
        if ("valid".equals(verdict)) {
            assertThat(read(body)).isNotNull();
        } else {
            assertThatThrownBy(() -> read(body))
                    .isInstanceOfSatisfying(
                            InvalidChangeRequest.class,
                            e -> assertThat(e.problems())
                                    .extracting(FieldProblem::field)
                                    .contains(field));
        }
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Object> addressOf(ChangeRequest request) {
        return (Map<String, Object>) request.data().get("address");
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
