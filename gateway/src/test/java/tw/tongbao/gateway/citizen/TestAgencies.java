package tw.tongbao.gateway.citizen;

import java.net.URI;
import java.util.List;
import java.util.Map;
import java.util.Set;
import tw.tongbao.core.agency.Agency;
import tw.tongbao.core.agency.AgencyCode;
import tw.tongbao.core.agency.AgencyRegistry;
import tw.tongbao.core.agency.Basis;
import tw.tongbao.core.agency.Protocol;
import tw.tongbao.core.change.ChangeType;

/** A small registry for unit tests: NTA and NHIA by law, TPC by consent. */
public final class TestAgencies {

    private static final String SECRET = "whsec_Vw/V3wSWTIKTJeWT7ZNaEtgGbVIfxEs9NYz65il/v78=";

    private TestAgencies() {}

    public static AgencyRegistry registry() {
        return new AgencyRegistry(List.of(
                agency(
                        "NTA",
                        "財政部國稅局",
                        Basis.LAW,
                        Set.of(ChangeType.ADDRESS_CHANGE, ChangeType.NAME_CHANGE, ChangeType.DEATH_REPORT)),
                agency("NHIA", "衛福部中央健康保險署", Basis.LAW, Set.of(ChangeType.values())),
                agency(
                        "TPC",
                        "台灣電力公司",
                        Basis.CONSENT,
                        Set.of(ChangeType.ADDRESS_CHANGE, ChangeType.NAME_CHANGE, ChangeType.CONTACT_CHANGE))));
    }

    private static Agency agency(String code, String name, Basis basis, Set<ChangeType> types) {
        return new Agency(
                new AgencyCode(code),
                Map.of("zh-TW", name),
                Protocol.REST_JSON,
                URI.create("http://localhost:9101/notifications"),
                SECRET,
                null,
                basis,
                "test",
                types,
                Set.of("subjectId", "name", "address"),
                0,
                0,
                null,
                null,
                null,
                0,
                null);
    }
}
