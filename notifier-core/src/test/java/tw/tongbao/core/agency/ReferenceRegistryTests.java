package tw.tongbao.core.agency;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;

import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.time.Duration;
import java.util.Arrays;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.yaml.snakeyaml.Yaml;
import tw.tongbao.core.change.ChangeType;
import tw.tongbao.core.signature.WebhookSecret;

/** The shipped {@code tongbao/registry.yml} matches the contract's table of eight agencies. */
class ReferenceRegistryTests {

    private static final Pattern PLACEHOLDER = Pattern.compile("\\$\\{([A-Za-z0-9_.]+):([^}]*)}");

    private static List<Map<String, Object>> entries;

    @BeforeAll
    @SuppressWarnings("unchecked")
    static void load() throws IOException {
        try (InputStream in = ReferenceRegistryTests.class.getResourceAsStream("/tongbao/registry.yml")) {
            assertThat(in).as("tongbao/registry.yml on the classpath").isNotNull();
            Map<String, Object> root = new Yaml().load(in);
            entries = (List<Map<String, Object>>) ((Map<String, Object>) root.get("tongbao")).get("agencies");
        }
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
        return new AgencyRegistry(
                entries.stream().map(ReferenceRegistryTests::agency).toList());
    }

    @SuppressWarnings("unchecked")
    private static Agency agency(Map<String, Object> entry) {
        String endpoint = text(entry, "endpoint");
        return new Agency(
                new AgencyCode(text(entry, "code")),
                (Map<String, String>) entry.get("name"),
                Protocol.valueOf(text(entry, "protocol")
                        .toUpperCase(java.util.Locale.ROOT)
                        .replace('-', '_')),
                endpoint == null ? null : URI.create(endpoint),
                text(entry, "secret"),
                text(entry, "previousSecret"),
                Basis.valueOf(text(entry, "basis")),
                text(entry, "legalReference"),
                ((List<String>) entry.get("subscribes"))
                        .stream().map(ChangeType::valueOf).collect(Collectors.toSet()),
                Set.copyOf((List<String>) entry.get("fields")),
                number(entry, "rateLimitPerSecond"),
                number(entry, "maxConcurrentCalls"),
                duration(text(entry, "timeout")),
                null,
                text(entry, "charset"),
                number(entry, "batchSize"),
                duration(text(entry, "batchInterval")));
    }

    /** The value with each {@code ${NAME:default}} replaced by its default, as Spring does with NAME unset. */
    private static String text(Map<String, Object> entry, String key) {
        Object value = entry.get(key);
        if (value == null) {
            return null;
        }
        Matcher matcher = PLACEHOLDER.matcher(value.toString());
        return matcher.replaceAll(match -> Matcher.quoteReplacement(match.group(2)));
    }

    private static int number(Map<String, Object> entry, String key) {
        Object value = entry.get(key);
        return value == null ? 0 : ((Number) value).intValue();
    }

    /** Spring's simple duration style as used in the registry: {@code 10s}, {@code 1m}. */
    private static Duration duration(String text) {
        if (text == null) {
            return null;
        }
        long amount = Long.parseLong(text.substring(0, text.length() - 1));
        return switch (text.charAt(text.length() - 1)) {
            case 's' -> Duration.ofSeconds(amount);
            case 'm' -> Duration.ofMinutes(amount);
            case 'h' -> Duration.ofHours(amount);
            default -> throw new IllegalArgumentException("unexpected duration " + text);
        };
    }
}
