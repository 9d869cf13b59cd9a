package tw.tongbao.core.routing;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.URI;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;
import tw.tongbao.core.agency.Agency;
import tw.tongbao.core.agency.AgencyCode;
import tw.tongbao.core.agency.AgencyRegistry;
import tw.tongbao.core.agency.Basis;
import tw.tongbao.core.agency.Protocol;
import tw.tongbao.core.change.ChangeType;
import tw.tongbao.core.envelope.ChangeFiled;
import tw.tongbao.core.fixtures.Changes;

class EntitlementPolicyTests {

    static Agency agency(String code, Basis basis, Set<ChangeType> types, Set<String> fields) {
        return new Agency(
                new AgencyCode(code),
                Map.of("zh-TW", code),
                Protocol.REST_JSON,
                URI.create("http://localhost:9101/notifications"),
                "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw",
                null,
                basis,
                "test",
                types,
                fields,
                0,
                0,
                null,
                null,
                null,
                0,
                null);
    }

    static final Agency NTA = agency(
            "NTA",
            Basis.LAW,
            Set.of(ChangeType.ADDRESS_CHANGE, ChangeType.NAME_CHANGE, ChangeType.DEATH_REPORT),
            Set.of("subjectId", "name", "address", "dateOfDeath"));
    static final Agency TPC = agency(
            "TPC",
            Basis.CONSENT,
            Set.of(ChangeType.ADDRESS_CHANGE, ChangeType.NAME_CHANGE, ChangeType.CONTACT_CHANGE),
            Set.of("name", "address", "previousAddress", "phone"));

    @Test
    void lawAgencySeesItsFieldsAndTheNationalId() {
        ChangeFiled change = Changes.addressChange("NTA");

        Map<String, Object> data =
                EntitlementPolicy.dataFor(change, change.addresseeFor("NTA").orElseThrow(), NTA);

        assertThat(data)
                .containsOnlyKeys("subjectRef", "subjectId", "sequence", "effectiveDate", "name", "address")
                .containsEntry("subjectId", "A123456789")
                .containsEntry("name", "王小明");
    }

    @Test
    void utilityNeverLearnsTheNationalId() {
        ChangeFiled change = Changes.addressChange("TPC");

        Map<String, Object> data =
                EntitlementPolicy.dataFor(change, change.addresseeFor("TPC").orElseThrow(), TPC);

        assertThat(data)
                .doesNotContainKey("subjectId")
                .containsKeys("subjectRef", "address", "previousAddress", "name");
    }

    @Test
    void refusesATypeTheAgencyDoesNotTake() {
        ChangeFiled change = Changes.contactChange("NTA");

        assertThatThrownBy(() -> EntitlementPolicy.dataFor(
                        change, change.addresseeFor("NTA").orElseThrow(), NTA))
                .hasMessageContaining("does not take CONTACT_CHANGE");
    }

    @Test
    void notifiesLawAgenciesAlwaysAndConsentAgenciesOnlyWhenChosen() {
        RecipientPolicy policy = new RecipientPolicy(new AgencyRegistry(List.of(NTA, TPC)));

        assertThat(policy.recipients(ChangeType.ADDRESS_CHANGE, Set.of()))
                .extracting(a -> a.code().value())
                .containsExactly("NTA");
        assertThat(policy.recipients(ChangeType.ADDRESS_CHANGE, Set.of("TPC")))
                .extracting(a -> a.code().value())
                .containsExactly("NTA", "TPC");
        assertThat(policy.recipients(ChangeType.CONTACT_CHANGE, Set.of())).isEmpty();
    }

    @Test
    void explainsWhyAChoiceCannotStand() {
        RecipientPolicy policy = new RecipientPolicy(new AgencyRegistry(List.of(NTA, TPC)));

        assertThat(policy.problemsWith(ChangeType.ADDRESS_CHANGE, Set.of("TPC")))
                .isEmpty();
        assertThat(policy.problemsWith(ChangeType.ADDRESS_CHANGE, Set.of("NTA")))
                .containsExactly("NTA is notified by law and cannot be chosen");
        assertThat(policy.problemsWith(ChangeType.DEATH_REPORT, Set.of("TPC")))
                .containsExactly("TPC does not take DEATH_REPORT");
        assertThat(policy.problemsWith(ChangeType.ADDRESS_CHANGE, Set.of("XYZ", "bad code")))
                .containsExactlyInAnyOrder("no agency XYZ in the registry", "no agency bad code in the registry");
    }
}
