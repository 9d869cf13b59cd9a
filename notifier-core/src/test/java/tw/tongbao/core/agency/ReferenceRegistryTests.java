package tw.tongbao.core.agency;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;

import java.net.URI;
import java.time.Duration;
import java.util.Arrays;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import tw.tongbao.core.change.ChangeType;
import tw.tongbao.core.fixtures.ReferenceAgencies;
import tw.tongbao.core.signature.WebhookSecret;

/** The shipped {@code tongbao/registry.yml} matches the contract's table of eight agencies. */
class ReferenceRegistryTests {

    private static List<Map<String, Object>> entries;

    @BeforeAll
    static void load() {
        entries = ReferenceAgencies.entries();
    }

    @Test
    void declaresTheEightAgenciesInContractOrder() {
        assertThat(registry().all())
                .extracting(agency -> agency.code().value())
                .containsExactly("NTA", "NHIA", "MVDIS", "BLI", "CEC", "TPC", "TWC", "POST");
    }

    @Test
    void usesOnlyKeysThatBindToAgency() {
        Set<String> components = Arrays.stream(Agency.class.getRecordComponents())
                .map(java.lang.reflect.RecordComponent::getName)
                .collect(Collectors.toSet());
        entries.forEach(entry -> assertThat(components).containsAll(entry.keySet()));
    }

    @Test
    void matchesTheContractTable() {
        AgencyRegistry registry = registry();
        expect(registry, "NTA", Protocol.REST_JSON, Basis.LAW, "AND", "subjectId name address dateOfDeath");
        expect(
                registry,
                "NHIA",
                Protocol.REST_JSON,
                Basis.LAW,
                "ANCD",
                "subjectId name address phone email dateOfDeath");
        expect(registry, "MVDIS", Protocol.SOAP_XML, Basis.LAW, "AND", "subjectId name address dateOfDeath");
        expect(registry, "BLI", Protocol.SOAP_XML, Basis.LAW, "ANCD", "subjectId name address phone dateOfDeath");
        expect(registry, "CEC", Protocol.BATCH_CSV, Basis.LAW, "AND", "subjectId name address dateOfDeath");
        expect(registry, "TPC", Protocol.REST_JSON, Basis.CONSENT, "ANC", "name address previousAddress phone");
        expect(registry, "TWC", Protocol.BATCH_CSV, Basis.CONSENT, "AN", "name address previousAddress");
        expect(registry, "POST", Protocol.REST_JSON, Basis.CONSENT, "A", "name address previousAddress");
    }

    @Test
    void pointsHttpAgenciesAtTheSimulatorPortsInTableOrder() {
        List<Agency> all = registry().all();
        for (int i = 0; i < all.size(); i++) {
            Agency agency = all.get(i);
            if (agency.protocol() == Protocol.BATCH_CSV) {
                assertThat(agency.endpoint()).as(agency.code().value()).isNull();
            } else {
                assertThat(agency.endpoint())
                        .as(agency.code().value())
                        .isEqualTo(URI.create("http://localhost:91%02d/notifications".formatted(i + 1)));
            }
        }
    }

    @Test
    void givesBatchAgenciesTheirCharsets() {
        AgencyRegistry registry = registry();
        assertThat(registry.get(new AgencyCode("CEC")).charset()).isEqualTo("UTF-8");
        assertThat(registry.get(new AgencyCode("TWC")).charset()).isEqualTo("Big5");
    }

    @Test
    void shipsDistinctValidDevelopmentSecrets() {
        List<Agency> all = registry().all();
        all.forEach(agency -> assertThatCode(() -> WebhookSecret.parse(agency.secret()))
                .as(agency.code().value())
                .doesNotThrowAnyException());
        assertThat(all.stream().map(Agency::secret).distinct()).hasSize(all.size());
    }

    @Test
    void namesEveryAgencyInBothLanguagesWithALegalReference() {
        registry().all().forEach(agency -> {
            assertThat(agency.name()).containsKeys("zh-TW", "en");
            assertThat(agency.legalReference()).isNotBlank();
            assertThat(agency.timeout()).isEqualTo(Duration.ofSeconds(10));
        });
    }

    /** Types as initials: A(ddress), N(ame), C(ontact), D(eath); anything else is ignored. */
    private static void expect(
            AgencyRegistry registry, String code, Protocol protocol, Basis basis, String types, String fields) {
        Agency agency = registry.get(new AgencyCode(code));
        Set<ChangeType> expectedTypes = new LinkedHashSet<>();
        types.chars().forEach(c -> {
            switch (c) {
                case 'A' -> expectedTypes.add(ChangeType.ADDRESS_CHANGE);
                case 'N' -> expectedTypes.add(ChangeType.NAME_CHANGE);
                case 'C' -> expectedTypes.add(ChangeType.CONTACT_CHANGE);
                case 'D' -> expectedTypes.add(ChangeType.DEATH_REPORT);
                default -> {}
            }
        });
        assertThat(agency.protocol()).as(code).isEqualTo(protocol);
        assertThat(agency.basis()).as(code).isEqualTo(basis);
        assertThat(agency.subscribes()).as(code).containsExactlyInAnyOrderElementsOf(expectedTypes);
        assertThat(agency.fields()).as(code).containsExactlyInAnyOrder(fields.split(" "));
    }

    private static AgencyRegistry registry() {
        return ReferenceAgencies.registry();
    }
}
