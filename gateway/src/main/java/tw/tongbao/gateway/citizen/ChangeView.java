package tw.tongbao.gateway.citizen;

import java.time.Instant;
import java.util.List;
import tw.tongbao.core.change.ChangeType;
import tw.tongbao.core.delivery.ChangeStatus;

/**
 * A change as the citizen sees it ({@code GET /api/v1/changes/{receipt}}).
 *
 * @param receipt the citizen-facing reference
 * @param type the change type
 * @param status derived from the deliveries
 * @param submittedAt when the gateway accepted it
 * @param sequence the n-th change ever filed for the subject
 * @param deliveries one per agency told
 */
record ChangeView(
        String receipt,
        ChangeType type,
        ChangeStatus status,
        Instant submittedAt,
        long sequence,
        List<DeliveryView> deliveries) {}
