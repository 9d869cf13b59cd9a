package tw.tongbao.gateway.citizen;

import static org.assertj.core.api.Assertions.assertThat;

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

class ReceivedFieldsTests {

    private static final Agency POWER = new Agency(
            new AgencyCode("TPC"),
            Map.of("zh-TW", "台灣電力公司"),
            Protocol.REST_JSON,
            URI.create("http://localhost:9106/notifications"),
            "whsec_Vw/V3wSWTIKTJeWT7ZNaEtgGbVIfxEs9NYz65il/v78=",
            null,
            Basis.CONSENT,
            "用戶同意",
            Set.of(ChangeType.ADDRESS_CHANGE, ChangeType.CONTACT_CHANGE),
            Set.of("name", "address", "previousAddress", "phone"),
            0,
            0,
            null,
            null,
            null,
            0,
            null);
    private static final AgencyRegistry REGISTRY = new AgencyRegistry(List.of(POWER));

    @Test
    void listsTheEntitledFieldsOfWhatWasFiled() {
        assertThat(ReceivedFields.of(ChangeType.ADDRESS_CHANGE, POWER, Set.of("address", "previousAddress")))
                .containsExactly("subjectRef", "sequence", "effectiveDate", "name", "address", "previousAddress");
    }

    @Test
    void leavesOutOptionalFieldsTheCitizenDidNotFile() {
        assertThat(ReceivedFields.of(ChangeType.ADDRESS_CHANGE, POWER, Set.of("address")))
                .doesNotContain("previousAddress", "subjectId");
        assertThat(ReceivedFields.of(ChangeType.CONTACT_CHANGE, POWER, Set.of("email")))
                .containsExactly("subjectRef", "sequence", "effectiveDate", "name");
    }

    @Test
    void saysNothingOfAnAgencyTheRegistryNoLongerHolds() {
        assertThat(ReceivedFields.of(REGISTRY, ChangeType.ADDRESS_CHANGE, "XYZ", Set.of("address")))
                .isEmpty();
        assertThat(ReceivedFields.of(REGISTRY, ChangeType.NAME_CHANGE, "TPC", Set.of("name")))
                .isEmpty();
    }
}
