package tw.tongbao.gateway.citizen;

/** Thrown when the {@code Idempotency-Key} header is missing or malformed; answered with {@code 400}. */
final class InvalidIdempotencyKey extends RuntimeException {

    InvalidIdempotencyKey(String why) {
        super(why);
    }
}
