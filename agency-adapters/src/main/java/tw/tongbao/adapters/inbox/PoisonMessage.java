package tw.tongbao.adapters.inbox;

/** Thrown when a message on an agency queue can never become a delivery for that agency; names why. */
final class PoisonMessage extends RuntimeException {

    PoisonMessage(String reason) {
        super(reason, null, false, false);
    }
}
