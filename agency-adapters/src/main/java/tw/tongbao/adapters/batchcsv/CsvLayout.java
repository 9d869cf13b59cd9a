package tw.tongbao.adapters.batchcsv;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import tw.tongbao.adapters.transport.OutboundDelivery;
import tw.tongbao.core.agency.Agency;
import tw.tongbao.core.change.AddressParts;

/**
 * The columns of an agency's batch files: fixed leading columns, then only the fields it is entitled to, so every
 * row of that agency has the same columns whatever the change type.
 *
 * @param columns the header, in order; nested address parts are flattened as {@code address.city}
 */
record CsvLayout(List<String> columns) {

    private static final List<String> ADDRESS_PARTS = AddressParts.IN_ORDER;
    private static final List<String> TRAILING_FIELDS =
            List.of("phone", "email", "dateOfDeath", "relationship", "romanizedName");

    CsvLayout {
        columns = List.copyOf(columns);
    }

    /** The layout of one agency's files. */
    static CsvLayout of(Agency agency) {
        List<String> columns =
                new ArrayList<>(List.of("deliveryId", "eventType", "receipt", "submittedAt", "subjectRef"));
        if (agency.isEntitledTo("subjectId")) {
            columns.add("subjectId");
        }
        columns.add("sequence");
        columns.add("effectiveDate");
        if (agency.isEntitledTo("name")) {
            columns.add("name");
        }
        for (String address : List.of("address", "previousAddress")) {
            if (agency.isEntitledTo(address)) {
                ADDRESS_PARTS.forEach(part -> columns.add(address + "." + part));
            }
        }
        TRAILING_FIELDS.stream().filter(agency::isEntitledTo).forEach(columns::add);
        return new CsvLayout(columns);
    }

    /** One delivery's cells, in column order; a field the change does not carry is an empty cell. */
    List<String> values(OutboundDelivery delivery) {
        return columns.stream().map(column -> value(delivery, column)).toList();
    }

    private static String value(OutboundDelivery delivery, String column) {
        return switch (column) {
            case "deliveryId" -> delivery.addressee().deliveryId().toString();
            case "eventType" -> delivery.change().type().eventType();
            case "receipt" -> delivery.change().receipt();
            case "submittedAt" -> delivery.change().submittedAt().toString();
            default -> text(dataValue(delivery.data(), column));
        };
    }

    private static Object dataValue(Map<String, Object> data, String column) {
        int dot = column.indexOf('.');
        if (dot < 0) {
            return data.get(column);
        }
        return data.get(column.substring(0, dot)) instanceof Map<?, ?> nested
                ? nested.get(column.substring(dot + 1))
                : null;
    }

    private static String text(Object value) {
        return value == null ? "" : value.toString();
    }
}
