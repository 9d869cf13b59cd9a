package tw.tongbao.core.routing;

import java.util.LinkedHashMap;
import java.util.Map;
import tw.tongbao.core.agency.Agency;
import tw.tongbao.core.envelope.Addressee;
import tw.tongbao.core.envelope.ChangeFiled;

/**
 * What one agency may learn of a change: the pseudonym always, then only the fields it is entitled to, whatever the
 * protocol that carries them.
 */
public final class EntitlementPolicy {

    private EntitlementPolicy() {}

    /** The {@code data} an agency receives for one change, in a stable order. */
    public static Map<String, Object> dataFor(ChangeFiled change, Addressee addressee, Agency agency) {
        if (!agency.subscribesTo(change.type())) {
            throw new IllegalArgumentException("agency " + agency.code() + " does not take " + change.type());
        }
        Map<String, Object> data = new LinkedHashMap<>();
        data.put("subjectRef", addressee.subjectRef());
        if (agency.isEntitledTo("subjectId")) {
            data.put("subjectId", change.subjectId());
        }
        data.put("sequence", change.sequence());
        data.put("effectiveDate", change.effectiveDate().toString());
        if (agency.isEntitledTo("name") && !change.data().containsKey("name") && change.subjectName() != null) {
            data.put("name", change.subjectName());
        }
        change.data().forEach((field, value) -> {
            if (agency.isEntitledTo(field)) {
                data.put(field, value);
            }
        });
        return data;
    }
}
