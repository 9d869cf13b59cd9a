package tw.tongbao.gateway.operator;

import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.Locale;
import tw.tongbao.core.delivery.DeliveryStatus;

/**
 * Which deliveries an operator looks for; every part is optional.
 *
 * @param status only this status
 * @param agency only this agency's code
 * @param receipt only this change's deliveries
 * @param since last changed at or after
 * @param until last changed before
 */
record DeliveryFilter(DeliveryStatus status, String agency, String receipt, Instant since, Instant until) {

    /** Reads the query parameters, throwing {@link InvalidOpsRequest} naming the first bad one. */
    static DeliveryFilter parse(String status, String agency, String receipt, String since, String until) {
        return new DeliveryFilter(
                status(status),
                blank(agency) ? null : agency.trim().toUpperCase(Locale.ROOT),
                blank(receipt) ? null : receipt.trim().toUpperCase(Locale.ROOT),
                instant("since", since),
                instant("until", until));
    }

    static DeliveryStatus status(String status) {
        if (blank(status)) {
            return null;
        }
        try {
            return DeliveryStatus.valueOf(status.trim().toUpperCase(Locale.ROOT));
        } catch (IllegalArgumentException e) {
            throw new InvalidOpsRequest("status", "not a delivery status: " + status);
        }
    }

    static Instant instant(String field, String value) {
        if (blank(value)) {
            return null;
        }
        try {
            return Instant.parse(value.trim());
        } catch (DateTimeParseException e) {
            throw new InvalidOpsRequest(field, "not an ISO-8601 instant such as 2026-11-26T09:00:00Z: " + value);
        }
    }

    private static boolean blank(String value) {
        return value == null || value.isBlank();
    }
}
