package tw.tongbao.gateway.citizen;

/** Thrown when an {@code Idempotency-Key} comes back with a different body; answered with {@code 409}. */
final class IdempotencyKeyReused extends RuntimeException {

    IdempotencyKeyReused() {
        super("this Idempotency-Key was already used with a different request body");
    }
}
