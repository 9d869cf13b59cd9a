package tw.tongbao.core.delivery;

import static tw.tongbao.core.delivery.DeliveryStatus.APPLIED;
import static tw.tongbao.core.delivery.DeliveryStatus.CANCELLED;
import static tw.tongbao.core.delivery.DeliveryStatus.DELIVERED;
import static tw.tongbao.core.delivery.DeliveryStatus.PARKED;
import static tw.tongbao.core.delivery.DeliveryStatus.PENDING;
import static tw.tongbao.core.delivery.DeliveryStatus.REJECTED;
import static tw.tongbao.core.delivery.DeliveryStatus.RETRYING;
import static tw.tongbao.core.delivery.DeliveryStatus.SUPERSEDED;

import java.util.ArrayDeque;
import java.util.EnumMap;
import java.util.EnumSet;
import java.util.Map;
import java.util.Set;

/** The one table of legal delivery status moves; every status change in Tongbao is checked against it. */
public final class DeliveryTransitions {

    private static final Map<DeliveryStatus, EnumSet<DeliveryStatus>> LEGAL = new EnumMap<>(DeliveryStatus.class);

    static {
        LEGAL.put(PENDING, EnumSet.of(RETRYING, DELIVERED, REJECTED, PARKED, SUPERSEDED, CANCELLED));
        LEGAL.put(RETRYING, EnumSet.of(RETRYING, DELIVERED, REJECTED, PARKED, SUPERSEDED, CANCELLED));
        // An agency may still refuse or confirm after it has the delivery; an operator replay sends it again.
        LEGAL.put(DELIVERED, EnumSet.of(APPLIED, REJECTED, PENDING));
        LEGAL.put(APPLIED, EnumSet.of(PENDING));
        // An operator retries or cancels what the system could not finish.
        LEGAL.put(REJECTED, EnumSet.of(PENDING, CANCELLED));
        LEGAL.put(PARKED, EnumSet.of(PENDING, CANCELLED, SUPERSEDED));
        LEGAL.put(SUPERSEDED, EnumSet.noneOf(DeliveryStatus.class));
        LEGAL.put(CANCELLED, EnumSet.noneOf(DeliveryStatus.class));
    }

    private DeliveryTransitions() {}

    /** Whether a delivery may move from {@code from} to {@code to}. */
    public static boolean isLegal(DeliveryStatus from, DeliveryStatus to) {
        return LEGAL.get(from).contains(to);
    }

    /** Checks a move, throwing {@link IllegalDeliveryTransition} naming both states when it is not legal. */
    public static void require(DeliveryStatus from, DeliveryStatus to) {
        if (!isLegal(from, to)) {
            throw new IllegalDeliveryTransition(from, to);
        }
    }

    /**
     * Whether {@code to} can follow {@code from} after one or more legal moves (so {@code from} itself only through a
     * cycle, such as a replay that ends where it began). A reader that missed some reports of a delivery uses it to
     * tell a state it may jump to from one that no history could lead to.
     */
    public static boolean isReachable(DeliveryStatus from, DeliveryStatus to) {
        EnumSet<DeliveryStatus> reached = EnumSet.noneOf(DeliveryStatus.class);
        ArrayDeque<DeliveryStatus> next = new ArrayDeque<>(LEGAL.get(from));
        while (!next.isEmpty()) {
            DeliveryStatus status = next.poll();
            if (reached.add(status)) {
                next.addAll(LEGAL.get(status));
            }
        }
        return reached.contains(to);
    }

    /** The statuses reachable from {@code from} in one move. */
    public static Set<DeliveryStatus> from(DeliveryStatus from) {
        return EnumSet.copyOf(LEGAL.get(from));
    }
}
