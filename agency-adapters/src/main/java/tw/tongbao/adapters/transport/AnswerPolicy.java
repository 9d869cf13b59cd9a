package tw.tongbao.adapters.transport;

import java.time.Instant;
import java.util.List;
import tw.tongbao.core.report.AttemptRecord;

/** What one try's answer makes of a delivery, per the contract's table (CONTRACT §5, "How an answer is read"). */
public final class AnswerPolicy {

    /** The reason a delivery is parked when its agency answers 410. */
    public static final String AGENCY_DISABLED = "agency disabled (410)";

    /** The reason a delivery is parked when its schedule is spent. */
    public static final String RETRIES_EXHAUSTED = "retries exhausted";

    private final RetryPolicy retries;

    public AnswerPolicy(RetryPolicy retries) {
        this.retries = retries;
    }

    /** The delivery after the try described by {@code result}, which was try number {@code attempt.number()}. */
    public AdapterDelivery apply(
            AdapterDelivery delivery,
            AttemptResult result,
            AttemptRecord attempt,
            List<java.time.Duration> schedule,
            Instant now) {
        return switch (result.answer()) {
            case DELIVERED -> delivery.delivered(attempt);
            case REJECTED -> delivery.rejected(attempt, describe(result));
            case AGENCY_DISABLED -> delivery.parked(attempt, AGENCY_DISABLED);
            case TRANSIENT_FAILURE, UNEXPECTED ->
                retries.nextAttempt(
                                schedule, attempt.number() - delivery.attemptsBeforeRetry(), result.retryAfter(), now)
                        .map(next -> delivery.retrying(attempt, next, describe(result)))
                        .orElseGet(() -> delivery.parked(attempt, RETRIES_EXHAUSTED + ": " + describe(result)));
        };
    }

    /** A short account of the answer, kept as the delivery's reason. */
    static String describe(AttemptResult result) {
        StringBuilder text = new StringBuilder();
        if (result.httpStatus() != null) {
            text.append("HTTP ").append(result.httpStatus());
        }
        if (result.error() != null) {
            text.append(text.isEmpty() ? "" : ": ").append(result.error());
        } else if (result.responseExcerpt() != null && !result.responseExcerpt().isBlank()) {
            String excerpt = result.responseExcerpt().strip();
            text.append(text.isEmpty() ? "" : ": ").append(excerpt, 0, Math.min(excerpt.length(), 200));
        }
        return text.isEmpty() ? result.answer().name() : text.toString();
    }
}
