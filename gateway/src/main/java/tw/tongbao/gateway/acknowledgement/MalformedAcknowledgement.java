package tw.tongbao.gateway.acknowledgement;

/** Thrown when an acknowledgement's body is not a JSON object. */
final class MalformedAcknowledgement extends RuntimeException {

    MalformedAcknowledgement(String why) {
        super(why);
    }
}
