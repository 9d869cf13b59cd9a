package tw.tongbao.gateway.citizen;

import java.util.List;
import java.util.Set;
import tw.tongbao.core.agency.Agency;
import tw.tongbao.core.agency.AgencyRegistry;
import tw.tongbao.core.change.ChangeType;
import tw.tongbao.core.routing.EntitlementPolicy;

/** The fields an agency receives of a change, for the citizen's "who received my data" view. */
final class ReceivedFields {

    private ReceivedFields() {}

    /**
     * What {@link EntitlementPolicy} lets this agency receive of a change of this type, less the type's optional data
     * fields the citizen left out (e.g. no {@code previousAddress} given, none sent).
     */
    static List<String> of(ChangeType type, Agency agency, Set<String> filedDataFields) {
        return EntitlementPolicy.fieldsFor(type, agency).stream()
                .filter(field -> !type.dataFields().contains(field) || filedDataFields.contains(field))
                .toList();
    }

    /**
     * The same, looked up by code; empty when the registry no longer holds the agency or it no longer takes the
     * type, since then the registry cannot say and the citizen must not be told a guess.
     */
    static List<String> of(AgencyRegistry registry, ChangeType type, String code, Set<String> filedDataFields) {
        return registry.all().stream()
                .filter(agency -> agency.code().value().equals(code) && agency.subscribesTo(type))
                .findFirst()
                .map(agency -> of(type, agency, filedDataFields))
                .orElse(List.of());
    }
}
