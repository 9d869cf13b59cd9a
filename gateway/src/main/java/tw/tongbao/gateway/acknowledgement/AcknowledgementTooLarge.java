package tw.tongbao.gateway.acknowledgement;

/** Thrown when an acknowledgement's body is over the limit. */
final class AcknowledgementTooLarge extends RuntimeException {

    AcknowledgementTooLarge(int limit) {
        super("an acknowledgement body may hold at most " + limit + " bytes");
    }
}
