package tw.tongbao.adapters.soapxml;

import java.net.URI;
import java.time.Duration;
import java.util.EnumSet;
import java.util.Map;
import java.util.Set;
import tw.tongbao.adapters.transport.OutboundDelivery;
import tw.tongbao.core.agency.Agency;
import tw.tongbao.core.agency.AgencyCode;
import tw.tongbao.core.agency.Basis;
import tw.tongbao.core.agency.Protocol;
import tw.tongbao.core.change.ChangeType;
import tw.tongbao.core.envelope.Addressee;
import tw.tongbao.core.envelope.ChangeFiled;
import tw.tongbao.core.routing.EntitlementPolicy;

/** soap-xml agencies and their deliveries for tests. */
final class SoapAgencies {

    static final String SECRET = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw";

    private SoapAgencies() {}

    /** MVDIS as in the reference registry, at the given endpoint. */
    static Agency mvdis(URI endpoint) {
        return agency(
                "MVDIS",
                endpoint,
                EnumSet.of(ChangeType.ADDRESS_CHANGE, ChangeType.NAME_CHANGE, ChangeType.DEATH_REPORT),
                Set.of("subjectId", "name", "address", "dateOfDeath"));
    }

    /** An agency that takes every type and every field, to exercise the whole schema. */
    static Agency entitledToEverything(URI endpoint) {
        return agency(
                "ALLF",
                endpoint,
                EnumSet.allOf(ChangeType.class),
                Set.of(
                        "subjectId",
                        "name",
                        "address",
                        "previousAddress",
                        "phone",
                        "email",
                        "dateOfDeath",
                        "relationship",
                        "romanizedName"));
    }

    static Agency agency(String code, URI endpoint, Set<ChangeType> types, Set<String> fields) {
        return new Agency(
                new AgencyCode(code),
                Map.of("zh-TW", "交通部公路局"),
                Protocol.SOAP_XML,
                endpoint,
                SECRET,
                null,
                Basis.LAW,
                "道路交通管理處罰條例",
                types,
                fields,
                0,
                0,
                Duration.ofSeconds(5),
                null,
                null,
                0,
                null);
    }

    /** The delivery of {@code change} to {@code agency}, with exactly the data it is entitled to. */
    static OutboundDelivery deliveryOf(ChangeFiled change, Agency agency) {
        Addressee addressee = change.addresseeFor(agency.code().value()).orElseThrow();
        return new OutboundDelivery(change, addressee, EntitlementPolicy.dataFor(change, addressee, agency));
    }
}
