package tw.tongbao.gateway.citizen;

/** Thrown when {@code page} or {@code size} is out of range; answered with {@code 400}. */
final class InvalidPageRequest extends RuntimeException {

    InvalidPageRequest(String why) {
        super(why);
    }
}
