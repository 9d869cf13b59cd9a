package tw.tongbao.gateway.catalog;

import static org.assertj.core.api.Assertions.assertThat;
import static org.springframework.test.web.servlet.request.MockMvcRequestBuilders.get;
import static org.springframework.test.web.servlet.result.MockMvcResultMatchers.content;
import static org.springframework.test.web.servlet.result.MockMvcResultMatchers.status;

import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.http.MediaType;
import org.springframework.test.web.servlet.MockMvc;
import org.springframework.test.web.servlet.setup.MockMvcBuilders;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;
import tw.tongbao.core.fixtures.ReferenceAgencies;

/** The catalog over the reference registry, as a citizen's browser reads it (security is the security feature's). */
class CatalogControllerTests {

    private final JsonMapper json = JsonMapper.builder().build();
    private MockMvc mvc;

    @BeforeEach
    void setUp() {
        mvc = MockMvcBuilders.standaloneSetup(new CatalogController(ReferenceAgencies.registry()))
                .build();
    }

    @Test
    void showsWhichAgencyReceivesWhichFieldsOfWhichType() throws Exception {
        JsonNode catalog = catalog();

        assertThat(receives(catalog, "TPC", "ADDRESS_CHANGE"))
                .containsExactly("subjectRef", "sequence", "effectiveDate", "name", "address", "previousAddress");
        assertThat(receives(catalog, "NTA", "ADDRESS_CHANGE"))
                .containsExactly("subjectRef", "subjectId", "sequence", "effectiveDate", "name", "address");
        assertThat(receives(catalog, "NHIA", "CONTACT_CHANGE"))
                .containsExactly("subjectRef", "subjectId", "sequence", "effectiveDate", "name", "phone", "email");
        assertThat(receives(catalog, "BLI", "CONTACT_CHANGE"))
                .containsExactly("subjectRef", "subjectId", "sequence", "effectiveDate", "name", "phone");
        assertThat(receives(catalog, "CEC", "DEATH_REPORT"))
                .containsExactly("subjectRef", "subjectId", "sequence", "effectiveDate", "name", "dateOfDeath");
        assertThat(agency(catalog, "POST").get("receives").values())
                .extracting(r -> r.get("type").stringValue())
                .containsExactly("ADDRESS_CHANGE");
    }

    @Test
    void describesEveryAgencyWithItsBasisAndProtocol() throws Exception {
        JsonNode catalog = catalog();

        assertThat(catalog.get("agencies").values())
                .extracting(a -> a.get("code").stringValue())
                .containsExactly("NTA", "NHIA", "MVDIS", "BLI", "CEC", "TPC", "TWC", "POST");
        JsonNode twc = agency(catalog, "TWC");
        assertThat(twc.get("name").get("zh-TW").stringValue()).isEqualTo("台灣自來水公司");
        assertThat(twc.get("name").get("en").stringValue()).isEqualTo("Taiwan Water");
        assertThat(twc.get("basis").stringValue()).isEqualTo("CONSENT");
        assertThat(twc.get("protocol").stringValue()).isEqualTo("batch-csv");
        assertThat(twc.get("legalReference").stringValue()).isNotBlank();
        assertThat(agency(catalog, "MVDIS").get("protocol").stringValue()).isEqualTo("soap-xml");
        assertThat(agency(catalog, "NTA").get("basis").stringValue()).isEqualTo("LAW");
        assertThat(agency(catalog, "NTA").toString()).doesNotContain("whsec_", "endpoint", "secret");
    }

    @Test
    void neverShowsTheNationalIdGoingToUtilitiesOrThePost() throws Exception {
        JsonNode catalog = catalog();

        for (String code : List.of("TPC", "TWC", "POST")) {
            agency(catalog, code)
                    .get("receives")
                    .values()
                    .forEach(r -> assertThat(r.get("fields").values())
                            .extracting(JsonNode::stringValue)
                            .as(code)
                            .doesNotContain("subjectId"));
        }
    }

    @Test
    void listsTheTypesWithTheirDataFieldsAndSchemas() throws Exception {
        JsonNode catalog = catalog();

        JsonNode address = type(catalog, "ADDRESS_CHANGE");
        assertThat(address.get("eventType").stringValue()).isEqualTo("tw.tongbao.address.changed.v1");
        assertThat(address.get("schema").stringValue()).isEqualTo("/schemas/events/tw.tongbao.address.changed.v1.json");
        assertThat(address.get("description").get("en").stringValue()).isEqualTo("Change of address");
        assertThat(address.get("dataFields").values())
                .extracting(f ->
                        f.get("name").stringValue() + ":" + f.get("required").asBoolean())
                .containsExactly("address:true", "previousAddress:false");
        assertThat(type(catalog, "DEATH_REPORT").get("dataFields").values())
                .extracting(f ->
                        f.get("name").stringValue() + ":" + f.get("required").asBoolean())
                .containsExactly("name:true", "dateOfDeath:true", "relationship:true");
        type(catalog, "CONTACT_CHANGE").get("dataFields").values().forEach(field -> {
            assertThat(field.get("required").asBoolean()).isFalse();
            assertThat(field.get("description").get("zh-TW").stringValue()).isNotBlank();
        });
    }

    @Test
    void explainsEveryFieldAnAgencyReceives() throws Exception {
        JsonNode catalog = catalog();
        Set<String> received = new HashSet<>();
        catalog.get("agencies")
                .values()
                .forEach(a -> a.get("receives")
                        .values()
                        .forEach(r -> r.get("fields").values().forEach(f -> received.add(f.stringValue()))));

        assertThat(catalog.get("fields").values())
                .extracting(f -> f.get("name").stringValue())
                .containsExactlyInAnyOrderElementsOf(received);
        catalog.get("fields").values().forEach(field -> {
            assertThat(field.get("description").get("zh-TW").stringValue()).isNotBlank();
            assertThat(field.get("description").get("en").stringValue()).isNotBlank();
        });
    }

    private JsonNode catalog() throws Exception {
        String body = mvc.perform(get("/api/v1/catalog"))
                .andExpect(status().isOk())
                .andExpect(content().contentTypeCompatibleWith(MediaType.APPLICATION_JSON))
                .andReturn()
                .getResponse()
                .getContentAsString(java.nio.charset.StandardCharsets.UTF_8);
        return json.readTree(body);
    }

    private static JsonNode agency(JsonNode catalog, String code) {
        return catalog.get("agencies").values().stream()
                .filter(a -> a.get("code").stringValue().equals(code))
                .findFirst()
                .orElseThrow();
    }

    private static JsonNode type(JsonNode catalog, String type) {
        return catalog.get("changeTypes").values().stream()
                .filter(t -> t.get("type").stringValue().equals(type))
                .findFirst()
                .orElseThrow();
    }

    private static List<String> receives(JsonNode catalog, String code, String type) {
        return agency(catalog, code).get("receives").values().stream()
                .filter(r -> r.get("type").stringValue().equals(type))
                .findFirst()
                .orElseThrow()
                .get("fields")
                .values()
                .stream()
                .map(JsonNode::stringValue)
                .toList();
    }
}
