package tw.tongbao.gateway.catalog;

import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.stream.Stream;
import tw.tongbao.core.agency.Agency;
import tw.tongbao.core.agency.AgencyRegistry;
import tw.tongbao.core.change.ChangeType;
import tw.tongbao.core.routing.EntitlementPolicy;

/**
 * What a citizen can see before filing: the change types and their fields, and which agency receives which fields
 * of which type, on what basis. It holds no personal data.
 *
 * @param changeTypes every type a citizen can file
 * @param fields every field an agency can receive, with its meaning
 * @param agencies every agency in the registry, in registry order
 */
record Catalog(List<TypeEntry> changeTypes, List<FieldEntry> fields, List<AgencyEntry> agencies) {

    /**
     * One change type.
     *
     * @param type e.g. {@code ADDRESS_CHANGE}
     * @param eventType the CloudEvent type agencies receive
     * @param schema where the JSON Schema of the event's {@code data} is published
     * @param description what it is, by language tag
     * @param dataFields the fields a citizen files under {@code data}
     */
    record TypeEntry(
            ChangeType type,
            String eventType,
            String schema,
            Map<String, String> description,
            List<DataField> dataFields) {}

    /**
     * One data field of a change type.
     *
     * @param name its JSON name
     * @param required whether a filing must carry it
     * @param description its meaning, by language tag
     */
    record DataField(String name, boolean required, Map<String, String> description) {}

    /**
     * One field an agency can receive.
     *
     * @param name its JSON name
     * @param description its meaning, by language tag
     */
    record FieldEntry(String name, Map<String, String> description) {}

    /**
     * One agency and what it learns.
     *
     * @param code e.g. {@code NTA}
     * @param name its names by language tag
     * @param basis {@code LAW} (always told) or {@code CONSENT} (only when the citizen chooses it)
     * @param legalReference the statute or terms that entitle it
     * @param protocol how it takes deliveries: {@code rest-json}, {@code soap-xml} or {@code batch-csv}
     * @param receives per type it takes, the exact fields it receives
     */
    record AgencyEntry(
            String code,
            Map<String, String> name,
            String basis,
            String legalReference,
            String protocol,
            List<Receives> receives) {}

    /**
     * The fields an agency receives for one change type.
     *
     * @param type the change type
     * @param fields the field names, as {@link EntitlementPolicy#fieldsFor} gives them
     */
    record Receives(ChangeType type, List<String> fields) {}

    /** The catalog of this registry. */
    static Catalog of(AgencyRegistry registry) {
        List<TypeEntry> types = Stream.of(ChangeType.values())
                .map(type -> new TypeEntry(
                        type,
                        type.eventType(),
                        "/schemas/events/" + type.eventType() + ".json",
                        FieldGlossary.meaning(type),
                        inOrder(type.dataFields().stream())
                                .map(field -> new DataField(
                                        field, FieldGlossary.isRequired(type, field), FieldGlossary.meaning(field)))
                                .toList()))
                .toList();
        List<AgencyEntry> agencies =
                registry.all().stream().map(Catalog::agency).toList();
        List<FieldEntry> fields = inOrder(agencies.stream()
                        .flatMap(agency -> agency.receives().stream())
                        .flatMap(receives -> receives.fields().stream())
                        .distinct())
                .map(field -> new FieldEntry(field, FieldGlossary.meaning(field)))
                .toList();
        return new Catalog(types, fields, agencies);
    }

    private static AgencyEntry agency(Agency agency) {
        List<Receives> receives = Stream.of(ChangeType.values())
                .filter(agency::subscribesTo)
                .map(type -> new Receives(type, List.copyOf(EntitlementPolicy.fieldsFor(type, agency))))
                .toList();
        return new AgencyEntry(
                agency.code().value(),
                agency.name(),
                agency.basis().name(),
                agency.legalReference(),
                agency.protocol().name().toLowerCase(Locale.ROOT).replace('_', '-'),
                receives);
    }

    private static Stream<String> inOrder(Stream<String> fields) {
        return fields.sorted(Comparator.comparingInt((String field) -> {
                    int index = FieldGlossary.ORDER.indexOf(field);
                    return index < 0 ? FieldGlossary.ORDER.size() : index;
                })
                .thenComparing(Comparator.naturalOrder()));
    }
}
