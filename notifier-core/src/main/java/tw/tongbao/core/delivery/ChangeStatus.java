package tw.tongbao.core.delivery;

import java.util.Collection;

/** The status of a whole change, derived from its deliveries. */
public enum ChangeStatus {
    /** Some delivery is still pending or retrying. */
    IN_PROGRESS,
    /** Every delivery is delivered, applied or superseded. */
    COMPLETED,
    /** Every delivery is settled, and at least one is rejected, parked or cancelled. */
    NEEDS_ATTENTION;

    /** Derives the change's status from its deliveries' statuses. */
    public static ChangeStatus of(Collection<DeliveryStatus> deliveries) {
        if (deliveries.stream().anyMatch(DeliveryStatus::isOpen)) {
            return IN_PROGRESS;
        }
        boolean allGood = deliveries.stream().allMatch(s -> s.isSuccessful() || s == DeliveryStatus.SUPERSEDED);
        return allGood ? COMPLETED : NEEDS_ATTENTION;
    }
}
