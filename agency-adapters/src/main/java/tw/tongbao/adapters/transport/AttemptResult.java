package tw.tongbao.adapters.transport;

import java.time.Duration;
import java.time.Instant;
import tw.tongbao.core.answer.AgencyAnswer;

/**
 * How one try went.
 *
 * @param answer what the answer means for the delivery
 * @param startedAt when the try began
 * @param durationMillis how long it took
 * @param httpStatus the HTTP status, or null without one
 * @param responseExcerpt the start of the answer's body, or null
 * @param error what failed without an answer, or null
 * @param retryAfter the agency's {@code Retry-After} hint, or null
 */
public record AttemptResult(
        AgencyAnswer answer,
        Instant startedAt,
        long durationMillis,
        Integer httpStatus,
        String responseExcerpt,
        String error,
        Duration retryAfter) {}
