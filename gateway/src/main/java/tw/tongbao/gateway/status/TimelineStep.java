package tw.tongbao.gateway.status;

import java.time.Instant;
import java.util.UUID;
import tw.tongbao.core.delivery.DeliveryStatus;
import tw.tongbao.core.report.AttemptRecord;

/**
 * One step of a delivery's timeline.
 *
 * @param deliveryId the delivery
 * @param status the status it reached
 * @param at when
 * @param revision the adapters' revision this step follows (see {@link DeliveryTimeline#append})
 * @param reason why, or null
 * @param attempt the try that led here, or null
 */
record TimelineStep(
        UUID deliveryId, DeliveryStatus status, Instant at, long revision, String reason, AttemptRecord attempt) {}
