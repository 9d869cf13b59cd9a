package tw.tongbao.gateway.citizen;

/** Thrown when a request body exceeds the contract's 64 KiB; answered with {@code 413}. */
final class ChangeRequestTooLarge extends RuntimeException {

    ChangeRequestTooLarge(int limit) {
        super("the request body is larger than " + limit + " bytes");
    }
}
