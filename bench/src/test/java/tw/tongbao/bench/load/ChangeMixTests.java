package tw.tongbao.bench.load;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;
import tw.tongbao.core.change.NationalId;

class ChangeMixTests {

    private static final JsonMapper JSON = JsonMapper.builder().build();

    @Test
    void filesEveryTypeForValidSubjectsAndTheFilerOwnsAllButDeathReports() {
        ChangeMix mix = new ChangeMix(0, 7);
        Map<String, Integer> types = new HashMap<>();
        for (int i = 0; i < 2_000; i++) {
            ChangeMix.Filing filing = mix.next();
            JsonNode body = JSON.readTree(filing.body());
            String subject = body.path("subjectId").asString();
            assertThat(NationalId.isValid(subject)).isTrue();
            assertThat(NationalId.isValid(filing.filerId())).isTrue();
            assertThat(body.path("type").asString()).isEqualTo(filing.type());
            if (filing.type().equals("DEATH_REPORT")) {
                assertThat(filing.filerId()).isNotEqualTo(subject);
            } else {
                assertThat(filing.filerId()).isEqualTo(subject);
            }
            types.merge(filing.type(), 1, Integer::sum);
        }
        assertThat(types.keySet())
                .containsExactlyInAnyOrder("ADDRESS_CHANGE", "CONTACT_CHANGE", "NAME_CHANGE", "DEATH_REPORT");
        assertThat(types.get("ADDRESS_CHANGE")).isGreaterThan(types.get("CONTACT_CHANGE"));
    }

    @Test
    void neverFilesTwiceForOneSubject() {
        ChangeMix mix = new ChangeMix(0, 7);
        java.util.Set<String> subjects = new java.util.HashSet<>();
        for (int i = 0; i < 5_000; i++) {
            assertThat(subjects.add(
                            JSON.readTree(mix.next().body()).path("subjectId").asString()))
                    .isTrue();
        }
    }
}
