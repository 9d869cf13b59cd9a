package tw.tongbao.adapters.inbox;

/** Thrown when a message on an agency queue, or a change in a batch, can never become a delivery for that agency. */
final class PoisonMessage extends RuntimeException {

    PoisonMessage(String reason) {
        super(reason, null, false, false);
    }
}
