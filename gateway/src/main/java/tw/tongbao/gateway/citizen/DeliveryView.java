package tw.tongbao.gateway.citizen;

import com.fasterxml.jackson.annotation.JsonInclude;
import java.time.Instant;
import java.util.List;
import tw.tongbao.core.delivery.DeliveryStatus;

/**
 * One delivery of a change as the citizen sees it.
 *
 * @param agency the agency's code
 * @param agencyName the agency's name in zh-TW
 * @param status where the delivery stands
 * @param updatedAt when it last changed
 * @param attempts tries made so far
 * @param reason why it was rejected, parked, superseded or cancelled; omitted when none
 * @param nextAttemptAt when the next try is due; omitted when none
 * @param timeline every status it went through, oldest first
 * @param fields the names of the fields this agency receives of this change ({@code EntitlementPolicy.fieldsFor}), so
 *     the citizen can see who learned what
 */
record DeliveryView(
        String agency,
        String agencyName,
        DeliveryStatus status,
        Instant updatedAt,
        int attempts,
        @JsonInclude(JsonInclude.Include.NON_NULL) String reason,
        @JsonInclude(JsonInclude.Include.NON_NULL) Instant nextAttemptAt,
        List<TimelineEntry> timeline,
        List<String> fields) {

    /**
     * One step of a delivery's history.
     *
     * @param status the status it moved to
     * @param at when
     */
    record TimelineEntry(DeliveryStatus status, Instant at) {}
}
