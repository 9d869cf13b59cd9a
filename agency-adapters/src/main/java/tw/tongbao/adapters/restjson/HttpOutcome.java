package tw.tongbao.adapters.restjson;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.Arrays;
import tw.tongbao.adapters.transport.AttemptResult;
import tw.tongbao.core.answer.AgencyAnswer;

/**
 * What came back from one signed POST: an HTTP answer, or the reason there was none.
 *
 * @param startedAt when the try began
 * @param durationMillis how long it took
 * @param status the HTTP status, or null without an answer
 * @param body the first bytes of the answer's body (at most {@link SignedHttpPost#BODY_LIMIT}), empty without one
 * @param retryAfter the agency's {@code Retry-After} hint, or null
 * @param error what failed without an answer, or null
 */
public record HttpOutcome(
        Instant startedAt, long durationMillis, Integer status, byte[] body, Duration retryAfter, String error) {

    /** How much of the answer's body an attempt keeps for operators. */
    public static final int EXCERPT_BYTES = 2048;

    public HttpOutcome {
        body = body == null ? new byte[0] : body;
    }

    /** Whether the agency answered with an HTTP status at all. */
    public boolean answered() {
        return status != null;
    }

    /** The first 2 KiB of the answer's body as text, or null when it was empty. */
    public String excerpt() {
        if (body.length == 0) {
            return null;
        }
        // A multi-byte character cut at the limit decodes as U+FFFD, which is fine for an excerpt.
        return new String(Arrays.copyOf(body, Math.min(body.length, EXCERPT_BYTES)), StandardCharsets.UTF_8);
    }

    /** The attempt as the contract's table reads a plain HTTP answer; no answer at all is a transient failure. */
    public AttemptResult byHttpStatus() {
        if (!answered()) {
            return as(AgencyAnswer.TRANSIENT_FAILURE, error);
        }
        return as(AgencyAnswer.ofHttpStatus(status), null);
    }

    /** The attempt with an answer the caller read from the body, e.g. a SOAP fault. */
    public AttemptResult as(AgencyAnswer answer, String reason) {
        return new AttemptResult(answer, startedAt, durationMillis, status, excerpt(), reason, retryAfter);
    }

    @Override
    public boolean equals(Object other) {
        return other instanceof HttpOutcome that
                && startedAt.equals(that.startedAt)
                && durationMillis == that.durationMillis
                && java.util.Objects.equals(status, that.status)
                && Arrays.equals(body, that.body)
                && java.util.Objects.equals(retryAfter, that.retryAfter)
                && java.util.Objects.equals(error, that.error);
    }

    @Override
    public int hashCode() {
        return java.util.Objects.hash(startedAt, durationMillis, status, Arrays.hashCode(body), retryAfter, error);
    }

    @Override
    public String toString() {
        return "HttpOutcome[status=" + status + ", durationMillis=" + durationMillis + ", error=" + error + "]";
    }
}
