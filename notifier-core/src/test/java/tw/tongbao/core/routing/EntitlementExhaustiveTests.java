package tw.tongbao.core.routing;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import tw.tongbao.core.agency.Agency;
import tw.tongbao.core.agency.AgencyRegistry;
import tw.tongbao.core.change.ChangeType;
import tw.tongbao.core.envelope.Addressee;
import tw.tongbao.core.envelope.ChangeFiled;
import tw.tongbao.core.fixtures.Changes;
import tw.tongbao.core.fixtures.ReferenceAgencies;

/**
 * Every change type against every choice of consent agencies, over the reference registry: who is told, and what
 * each of them learns, checked against the contract's tables (CONTRACT §4), not against the code under test.
 */
class EntitlementExhaustiveTests {

    private static final AgencyRegistry REGISTRY = ReferenceAgencies.registry();
    private static final RecipientPolicy RECIPIENTS = new RecipientPolicy(REGISTRY);
    private static final List<String> CONSENT_AGENCIES = List.of("TPC", "TWC", "POST");
    private static final Set<String> WITHOUT_NATIONAL_ID = Set.of("TPC", "TWC", "POST");

    /** The contract's table: the fields column of each agency. */
    private static final Map<String, Set<String>> CONTRACT_FIELDS = Map.of(
            "NTA", Set.of("subjectId", "name", "address", "dateOfDeath"),
            "NHIA", Set.of("subjectId", "name", "address", "phone", "email", "dateOfDeath"),
            "MVDIS", Set.of("subjectId", "name", "address", "dateOfDeath"),
            "BLI", Set.of("subjectId", "name", "address", "phone", "dateOfDeath"),
            "CEC", Set.of("subjectId", "name", "address", "dateOfDeath"),
            "TPC", Set.of("name", "address", "previousAddress", "phone"),
            "TWC", Set.of("name", "address", "previousAddress"),
            "POST", Set.of("name", "address", "previousAddress"));

    /** The contract's table: the LAW agencies taking each type, in registry order. */
    private static final Map<ChangeType, List<String>> LAW_SUBSCRIBERS = Map.of(
            ChangeType.ADDRESS_CHANGE, List.of("NTA", "NHIA", "MVDIS", "BLI", "CEC"),
            ChangeType.NAME_CHANGE, List.of("NTA", "NHIA", "MVDIS", "BLI", "CEC"),
            ChangeType.CONTACT_CHANGE, List.of("NHIA", "BLI"),
            ChangeType.DEATH_REPORT, List.of("NTA", "NHIA", "MVDIS", "BLI", "CEC"));

    /** The contract's table: the CONSENT agencies taking each type. */
    private static final Map<ChangeType, Set<String>> CONSENT_SUBSCRIBERS = Map.of(
            ChangeType.ADDRESS_CHANGE, Set.of("TPC", "TWC", "POST"),
            ChangeType.NAME_CHANGE, Set.of("TPC", "TWC"),
            ChangeType.CONTACT_CHANGE, Set.of("TPC"),
            ChangeType.DEATH_REPORT, Set.of());

    /** Every type with every subset of the consent agencies (2^3 each). */
    static Stream<Arguments> everyChoice() {
        List<Arguments> cases = new ArrayList<>();
        for (ChangeType type : ChangeType.values()) {
            for (int mask = 0; mask < 1 << CONSENT_AGENCIES.size(); mask++) {
                Set<String> chosen = new LinkedHashSet<>();
                for (int bit = 0; bit < CONSENT_AGENCIES.size(); bit++) {
                    if ((mask & 1 << bit) != 0) {
                        chosen.add(CONSENT_AGENCIES.get(bit));
                    }
                }
                cases.add(Arguments.of(type, chosen));
            }
        }
        return cases.stream();
    }

    /** Every type with choices that cannot stand: law agencies, unknown codes, malformed codes. */
    static Stream<Arguments> invalidChoices() {
        List<Set<String>> choices =
                List.of(Set.of("NTA"), Set.of("NHIA", "TPC"), Set.of("XYZ"), Set.of("bad code"), Set.of("", "TWC"));
        return Stream.of(ChangeType.values())
                .flatMap(type -> choices.stream().map(chosen -> Arguments.of(type, chosen)));
    }

    @ParameterizedTest(name = "{0} choosing {1}")
    @MethodSource("everyChoice")
    void notifiesExactlyTheLawSubscribersAndTheChosenConsentSubscribers(ChangeType type, Set<String> chosen) {
        List<String> expected = new ArrayList<>(LAW_SUBSCRIBERS.get(type));
        CONSENT_AGENCIES.stream()
                .filter(chosen::contains)
                .filter(CONSENT_SUBSCRIBERS.get(type)::contains)
                .forEach(expected::add);

        assertThat(codes(RECIPIENTS.recipients(type, chosen))).containsExactlyElementsOf(expected);
        long notTaking = chosen.stream()
                .filter(code -> !CONSENT_SUBSCRIBERS.get(type).contains(code))
                .count();
        assertThat(RECIPIENTS.problemsWith(type, chosen))
                .as("one problem per chosen agency that does not take " + type)
                .hasSize((int) notTaking);
    }

    @ParameterizedTest(name = "{0} choosing {1}")
    @MethodSource("everyChoice")
    void sendsEachRecipientOnlyItsFieldsAndNothingToAnyoneElse(ChangeType type, Set<String> chosen) {
        List<Agency> recipients = RECIPIENTS.recipients(type, chosen);
        ChangeFiled change = Changes.fullyPopulated(type, codes(recipients).toArray(String[]::new));

        for (Agency agency : recipients) {
            String code = agency.code().value();
            Map<String, Object> data =
                    EntitlementPolicy.dataFor(change, change.addresseeFor(code).orElseThrow(), agency);
            Set<String> fields = EntitlementPolicy.fieldsFor(type, agency);

            assertThat(data.keySet()).as(code).isSubsetOf(fields);
            assertThat(data.keySet()).as(code).containsExactlyInAnyOrderElementsOf(fields);
            assertThat(fields).as(code).containsAll(EntitlementPolicy.ALWAYS_SENT);
            Set<String> allowed = new LinkedHashSet<>(CONTRACT_FIELDS.get(code));
            allowed.addAll(EntitlementPolicy.ALWAYS_SENT);
            assertThat(data.keySet()).as(code).isSubsetOf(allowed);
            assertThat(data.keySet())
                    .as(code)
                    .isSubsetOf(union(
                            type.dataFields(), Set.of("subjectRef", "subjectId", "sequence", "effectiveDate", "name")));
            if (WITHOUT_NATIONAL_ID.contains(code)) {
                assertThat(data).as(code).doesNotContainKey("subjectId");
                assertThat(data.values()).as(code).doesNotContain(change.subjectId());
            } else {
                assertThat(data).as(code).containsEntry("subjectId", change.subjectId());
            }
        }
        for (Agency agency : REGISTRY.all()) {
            String code = agency.code().value();
            if (recipients.contains(agency)) {
                continue;
            }
            assertThat(change.addresseeFor(code)).as(code + " is not addressed").isEmpty();
            if (!agency.subscribesTo(type)) {
                Addressee stray = new Addressee(code, java.util.UUID.randomUUID(), "ref");
                assertThatThrownBy(() -> EntitlementPolicy.dataFor(change, stray, agency))
                        .as(code)
                        .isInstanceOf(IllegalArgumentException.class);
                assertThatThrownBy(() -> EntitlementPolicy.fieldsFor(type, agency))
                        .as(code)
                        .isInstanceOf(IllegalArgumentException.class);
            } else {
                assertThat(agency.basis().name()).as(code + " left out").isEqualTo("CONSENT");
                assertThat(chosen).as(code + " left out").doesNotContain(code);
            }
        }
    }

    @ParameterizedTest(name = "{0} choosing {1}")
    @MethodSource("invalidChoices")
    void refusesChoicesThatCannotStandAndNeverAddsAnyoneForThem(ChangeType type, Set<String> chosen) {
        assertThat(RECIPIENTS.problemsWith(type, chosen)).isNotEmpty();

        List<String> recipients = codes(RECIPIENTS.recipients(type, chosen));

        assertThat(recipients).doesNotHaveDuplicates().containsAll(LAW_SUBSCRIBERS.get(type));
        recipients.forEach(code -> assertThat(LAW_SUBSCRIBERS.get(type).contains(code)
                        || (chosen.contains(code)
                                && CONSENT_SUBSCRIBERS.get(type).contains(code)))
                .as(code)
                .isTrue());
    }

    @org.junit.jupiter.api.Test
    void neverPassesOnAFieldOutsideTheTypesOwnData() {
        Agency nhia = REGISTRY.get(new tw.tongbao.core.agency.AgencyCode("NHIA"));
        ChangeFiled stray = Changes.filed(
                ChangeType.ADDRESS_CHANGE,
                "A123456789",
                1,
                Map.of("address", Changes.address(), "phone", "0912345678"),
                "NHIA");

        Map<String, Object> data =
                EntitlementPolicy.dataFor(stray, stray.addresseeFor("NHIA").orElseThrow(), nhia);

        assertThat(data).containsKey("address").doesNotContainKey("phone");
        assertThat(EntitlementPolicy.fieldsFor(ChangeType.ADDRESS_CHANGE, nhia))
                .containsExactly("subjectRef", "subjectId", "sequence", "effectiveDate", "name", "address");
    }

    private static List<String> codes(List<Agency> agencies) {
        return agencies.stream().map(agency -> agency.code().value()).toList();
    }

    private static Set<String> union(Set<String> first, Set<String> second) {
        Set<String> all = new LinkedHashSet<>(first);
        all.addAll(second);
        return all;
    }
}
