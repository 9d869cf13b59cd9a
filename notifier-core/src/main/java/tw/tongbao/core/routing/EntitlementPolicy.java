package tw.tongbao.core.routing;

import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Stream;
import tw.tongbao.core.agency.Agency;
import tw.tongbao.core.change.ChangeType;
import tw.tongbao.core.envelope.Addressee;
import tw.tongbao.core.envelope.ChangeFiled;

/**
 * What one agency may learn of a change: the pseudonym always, then only the fields it is entitled to, whatever the
 * protocol that carries them.
 */
public final class EntitlementPolicy {

    /** Every delivery carries these, whoever the agency. */
    public static final List<String> ALWAYS_SENT = List.of("subjectRef", "sequence", "effectiveDate");

    /** The order fields are listed in: the envelope's fields first, then the data fields of every type. */
    public static final List<String> FIELD_ORDER = List.of(
            "subjectRef",
            "subjectId",
            "sequence",
            "effectiveDate",
            "name",
            "romanizedName",
            "address",
            "previousAddress",
            "phone",
            "email",
            "dateOfDeath",
            "relationship");

    private static final Comparator<String> IN_FIELD_ORDER = Comparator.<String>comparingInt(field -> {
                int index = FIELD_ORDER.indexOf(field);
                return index < 0 ? FIELD_ORDER.size() : index;
            })
            .thenComparing(Comparator.naturalOrder());

    private EntitlementPolicy() {}

    /**
     * The names of every field the agency may receive for a change of this type, in {@link #FIELD_ORDER}: the
     * {@link #ALWAYS_SENT} fields, {@code subjectId} if entitled, the type's data fields it is entitled to, and
     * {@code name} if entitled (the type's own name, or the subject's name sent with every type).
     */
    public static Set<String> fieldsFor(ChangeType type, Agency agency) {
        requireSubscribed(type, agency);
        Stream<String> entitled = Stream.concat(Stream.of("subjectId", "name"), type.dataFields().stream())
                .distinct()
                .filter(agency::isEntitledTo);
        Set<String> fields = new LinkedHashSet<>();
        Stream.concat(ALWAYS_SENT.stream(), entitled).sorted(IN_FIELD_ORDER).forEach(fields::add);
        return fields;
    }

    /** The {@code data} an agency receives for one change, in a stable order; its keys always lie in {@link #fieldsFor}. */
    public static Map<String, Object> dataFor(ChangeFiled change, Addressee addressee, Agency agency) {
        Set<String> allowed = fieldsFor(change.type(), agency);
        Map<String, Object> data = new LinkedHashMap<>();
        data.put("subjectRef", addressee.subjectRef());
        if (allowed.contains("subjectId")) {
            data.put("subjectId", change.subjectId());
        }
        data.put("sequence", change.sequence());
        data.put("effectiveDate", change.effectiveDate().toString());
        if (allowed.contains("name") && !change.data().containsKey("name") && change.subjectName() != null) {
            data.put("name", change.subjectName());
        }
        change.data().forEach((field, value) -> {
            // A field outside the type's own data is never passed on, even to an agency entitled to that name.
            if (allowed.contains(field) && change.type().dataFields().contains(field) && value != null) {
                data.put(field, value);
            }
        });
        return data;
    }

    private static void requireSubscribed(ChangeType type, Agency agency) {
        if (!agency.subscribesTo(type)) {
            throw new IllegalArgumentException("agency " + agency.code() + " does not take " + type);
        }
    }
}
