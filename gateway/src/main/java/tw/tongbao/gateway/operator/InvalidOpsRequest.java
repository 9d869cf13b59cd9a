package tw.tongbao.gateway.operator;

/** An operator request with a missing or malformed field; answered 422 (or 400 for query parameters). */
class InvalidOpsRequest extends RuntimeException {

    private final String field;

    InvalidOpsRequest(String field, String message) {
        super(message);
        this.field = field;
    }

    String field() {
        return field;
    }
}
