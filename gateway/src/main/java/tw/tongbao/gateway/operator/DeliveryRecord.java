package tw.tongbao.gateway.operator;

import java.time.Instant;
import java.util.List;
import java.util.UUID;

/**
 * One delivery as the operator console lists it.
 *
 * @param id the delivery id (= the webhook-id agencies see)
 * @param receipt the change's receipt
 * @param type the change type
 * @param agency the agency's code
 * @param status its status
 * @param attempts tries so far
 * @param reason why it was rejected, parked or cancelled, or null
 * @param nextAttemptAt when it is tried next, or null
 * @param updatedAt when its status last changed
 * @param attemptLog every try, oldest first
 * @param timeline every status it reached, oldest first
 */
record DeliveryRecord(
        UUID id,
        String receipt,
        String type,
        String agency,
        String status,
        int attempts,
        String reason,
        Instant nextAttemptAt,
        Instant updatedAt,
        List<Attempt> attemptLog,
        List<Step> timeline) {

    /**
     * One try.
     *
     * @param number which try
     * @param at when it ended
     * @param durationMillis how long it took
     * @param httpStatus the agency's HTTP status, or null (timeout, refused, file)
     * @param response the first 2 KiB of the agency's answer, or null
     * @param error what went wrong, or null
     * @param outcome the status it led to
     */
    record Attempt(
            Integer number,
            Instant at,
            Long durationMillis,
            Integer httpStatus,
            String response,
            String error,
            String outcome) {}

    /**
     * One status reached.
     *
     * @param status the status
     * @param at when
     */
    record Step(String status, Instant at) {}
}
