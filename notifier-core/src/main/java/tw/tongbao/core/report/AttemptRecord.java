package tw.tongbao.core.report;

import java.time.Instant;

/**
 * One try to hand a delivery to an agency.
 *
 * @param number 1 for the first try
 * @param startedAt when the try began
 * @param durationMillis how long it took
 * @param httpStatus the agency's HTTP status, or null when there was no answer (timeout, refused, file write)
 * @param responseExcerpt the first 2 KiB of the agency's answer
 * @param error what went wrong without an answer (e.g. {@code connect timed out}), or null
 */
public record AttemptRecord(
        int number, Instant startedAt, long durationMillis, Integer httpStatus, String responseExcerpt, String error) {

    /** Most characters of an answer kept. */
    public static final int EXCERPT_LIMIT = 2048;

    public AttemptRecord {
        if (responseExcerpt != null && responseExcerpt.length() > EXCERPT_LIMIT) {
            responseExcerpt = responseExcerpt.substring(0, EXCERPT_LIMIT);
        }
    }
}
