package tw.tongbao.core.delivery;

/** Thrown when a delivery is asked to move between two statuses the transition table does not connect. */
public final class IllegalDeliveryTransition extends IllegalStateException {

    private final DeliveryStatus from;
    private final DeliveryStatus to;

    public IllegalDeliveryTransition(DeliveryStatus from, DeliveryStatus to) {
        super("a delivery cannot move from " + from + " to " + to);
        this.from = from;
        this.to = to;
    }

    public DeliveryStatus from() {
        return from;
    }

    public DeliveryStatus to() {
        return to;
    }
}
