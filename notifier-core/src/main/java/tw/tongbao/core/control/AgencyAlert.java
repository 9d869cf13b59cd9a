package tw.tongbao.core.control;

import java.time.Instant;
import java.util.Objects;

/**
 * Something about an agency an operator should know now.
 *
 * @param agency the agency's code
 * @param kind what happened
 * @param detail a short account (reason, delivery id, receipt)
 * @param at when it happened
 */
public record AgencyAlert(String agency, Kind kind, String detail, Instant at) {

    public AgencyAlert {
        Objects.requireNonNull(agency, "agency");
        Objects.requireNonNull(kind, "kind");
        Objects.requireNonNull(at, "at");
    }

    /** What an alert reports. */
    public enum Kind {
        /** Its circuit opened: calls fail. */
        FAILING,
        /** Its circuit closed again. */
        RECOVERED,
        /** It answered 410; its deliveries are parked until an operator enables it. */
        DISABLED,
        /** One delivery was parked; an operator must act. */
        DELIVERY_PARKED
    }
}
