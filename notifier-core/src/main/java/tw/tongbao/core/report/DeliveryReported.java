package tw.tongbao.core.report;

import java.time.Instant;
import java.util.UUID;
import tw.tongbao.core.delivery.DeliveryStatus;

/**
 * What the adapters tell the gateway after every state change of a delivery.
 *
 * <p>{@code revision} grows with every report of one delivery, so the gateway applies each once and never moves a
 * delivery back on a late or duplicate report.
 *
 * @param deliveryId the delivery
 * @param agency the agency's code
 * @param status the delivery's status after this event
 * @param revision per-delivery counter of reports, from 1
 * @param attempts tries made so far
 * @param occurredAt when the state changed
 * @param reason why (rejections, parking, supersession), or null
 * @param nextAttemptAt when the next try is due (RETRYING), or null
 * @param attempt the try that led here, or null when no try was made
 */
public record DeliveryReported(
        UUID deliveryId,
        String agency,
        DeliveryStatus status,
        long revision,
        int attempts,
        Instant occurredAt,
        String reason,
        Instant nextAttemptAt,
        AttemptRecord attempt) {}
