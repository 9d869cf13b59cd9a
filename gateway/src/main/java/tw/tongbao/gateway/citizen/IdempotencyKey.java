package tw.tongbao.gateway.citizen;

import java.util.regex.Pattern;

/**
 * The client's {@code Idempotency-Key}: the same key with the same body returns the first answer again.
 *
 * @param value 1–255 printable ASCII characters
 */
record IdempotencyKey(String value) {

    static final String HEADER = "Idempotency-Key";

    private static final Pattern SHAPE = Pattern.compile("[\\x20-\\x7E]{1,255}");

    IdempotencyKey {
        if (value == null || value.isEmpty()) {
            throw new InvalidIdempotencyKey("the " + HEADER + " header is required");
        }
        if (!SHAPE.matcher(value).matches() || value.isBlank()) {
            throw new InvalidIdempotencyKey("the " + HEADER + " header must be 1 to 255 printable characters");
        }
    }
}
