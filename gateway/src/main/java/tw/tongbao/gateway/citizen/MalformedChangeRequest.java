package tw.tongbao.gateway.citizen;

/** Thrown when a request body is not a JSON object at all; answered with {@code 400}. */
final class MalformedChangeRequest extends RuntimeException {

    MalformedChangeRequest(String why) {
        super(why);
    }
}
