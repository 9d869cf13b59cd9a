package tw.tongbao.gateway.catalog;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.Set;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;
import tw.tongbao.core.agency.Agency;
import tw.tongbao.core.agency.AgencyRegistry;
import tw.tongbao.core.change.ChangeType;
import tw.tongbao.core.change.NationalId;
import tw.tongbao.core.envelope.Addressee;
import tw.tongbao.core.envelope.ChangeFiled;
import tw.tongbao.core.envelope.CloudEventEnvelope;
import tw.tongbao.core.fixtures.Changes;
import tw.tongbao.core.fixtures.ReferenceAgencies;
import tw.tongbao.core.pseudonym.SubjectPseudonyms;
import tw.tongbao.core.routing.EntitlementPolicy;

/** The published JSON Schemas (static/schemas/events) describe what agencies actually receive, and the XSD is the adapters' own. */
class EventSchemaTests {

    private static final JsonMapper JSON = JsonMapper.builder().build();
    private static final AgencyRegistry REGISTRY = ReferenceAgencies.registry();
    private static final SubjectPseudonyms PSEUDONYMS = new SubjectPseudonyms(new byte[32]);

    @ParameterizedTest
    @EnumSource(ChangeType.class)
    void theMostEntitledAgencysDataValidatesAgainstItsTypesSchema(ChangeType type) throws IOException {
        JsonNode schema = schema(type);
        Agency mostEntitled = REGISTRY.all().stream()
                .filter(agency -> agency.subscribesTo(type))
                .max(Comparator.comparingInt(
                        agency -> EntitlementPolicy.fieldsFor(type, agency).size()))
                .orElseThrow();

        JsonNode data = sentData(type, mostEntitled);

        assertThat(data.propertyNames()).hasSizeGreaterThan(3);
        assertThat(new SchemaCheck(schema).problems(data))
                .as(mostEntitled.code().value())
                .isEmpty();
    }

    @ParameterizedTest
    @EnumSource(ChangeType.class)
    void everyAgencysDataValidatesAndEveryFieldItMayReceiveIsDeclared(ChangeType type) throws IOException {
        JsonNode schema = schema(type);
        for (Agency agency : REGISTRY.all()) {
            if (!agency.subscribesTo(type)) {
                continue;
            }
            assertThat(schema.get("properties").propertyNames())
                    .as(agency.code().value())
                    .containsAll(EntitlementPolicy.fieldsFor(type, agency));
            assertThat(new SchemaCheck(schema).problems(sentData(type, agency)))
                    .as(agency.code().value())
                    .isEmpty();
        }
    }

    @ParameterizedTest
    @EnumSource(ChangeType.class)
    void requiresOnlyWhatEveryAgencyGetsAndAllowsNothingElse(ChangeType type) throws IOException {
        JsonNode schema = schema(type);

        assertThat(schema.get("$schema").stringValue()).isEqualTo("https://json-schema.org/draft/2020-12/schema");
        assertThat(schema.get("required").values())
                .extracting(JsonNode::stringValue)
                .containsExactlyInAnyOrderElementsOf(EntitlementPolicy.ALWAYS_SENT);
        assertThat(schema.get("additionalProperties").asBoolean()).isFalse();
        assertThat(schema.get("properties").propertyNames())
                .containsExactlyInAnyOrderElementsOf(union(
                        type.dataFields(), Set.of("subjectRef", "subjectId", "sequence", "effectiveDate", "name")));
        JsonNode wrong = JSON.readTree("{\"subjectRef\":\"short\",\"sequence\":0,\"ssn\":\"x\"}");
        assertThat(new SchemaCheck(schema).problems(wrong)).hasSizeGreaterThanOrEqualTo(4);
    }

    @Test
    void publishesTheAdaptersXsdByteForByte() throws IOException {
        Path adapters = Path.of("../agency-adapters/src/main/resources/schemas/change-notification-v1.xsd");
        Path gateway = Path.of("src/main/resources/static/xsd/change-notification-v1.xsd");

        assertThat(Files.readAllBytes(gateway))
                .as("gateway copy of the XSD; copy the adapters' file over it after every change")
                .isEqualTo(Files.readAllBytes(adapters));
    }

    /** The event's data exactly as a rest-json agency receives it: built by the policy, written as bytes, read back. */
    private static JsonNode sentData(ChangeType type, Agency agency) {
        String code = agency.code().value();
        ChangeFiled filed = Changes.fullyPopulated(type, code);
        Addressee addressee = new Addressee(
                code, UUID.randomUUID(), PSEUDONYMS.subjectRef(agency.code(), new NationalId(filed.subjectId())));
        byte[] event = CloudEventEnvelope.bytes(filed, addressee, EntitlementPolicy.dataFor(filed, addressee, agency));
        return JSON.readTree(event).get("data");
    }

    private static JsonNode schema(ChangeType type) throws IOException {
        String resource = "/static/schemas/events/" + type.eventType() + ".json";
        try (InputStream in = EventSchemaTests.class.getResourceAsStream(resource)) {
            assertThat(in).as(resource).isNotNull();
            return JSON.readTree(in);
        }
    }

    private static Set<String> union(Set<String> first, Set<String> second) {
        Set<String> all = new java.util.LinkedHashSet<>(first);
        all.addAll(second);
        return all;
    }
}
