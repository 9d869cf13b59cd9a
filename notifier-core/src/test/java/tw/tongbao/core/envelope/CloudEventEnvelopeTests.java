package tw.tongbao.core.envelope;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.util.Map;
import org.junit.jupiter.api.Test;
import tw.tongbao.core.fixtures.Changes;

class CloudEventEnvelopeTests {

    @Test
    void writesTheContractsAttributesInOrderWithTheDeliveryIdAsEventId() {
        ChangeFiled change = Changes.addressChange("NTA");
        Addressee nta = change.addresseeFor("NTA").orElseThrow();

        String json = new String(
                CloudEventEnvelope.bytes(change, nta, Map.of("subjectRef", nta.subjectRef())), StandardCharsets.UTF_8);

        assertThat(json)
                .startsWith("{\"specversion\":\"1.0\",\"id\":\"" + nta.deliveryId() + "\"")
                .contains("\"source\":\"/tongbao/changes\"")
                .contains("\"type\":\"tw.tongbao.address.changed.v1\"")
                .contains("\"subject\":\"TB-7F3K9QXZ2MAB\"")
                .contains("\"time\":\"2026-11-26T09:00:00Z\"")
                .contains("\"datacontenttype\":\"application/json\"")
                .endsWith("\"data\":{\"subjectRef\":\"" + nta.subjectRef() + "\"}}");
    }
}
