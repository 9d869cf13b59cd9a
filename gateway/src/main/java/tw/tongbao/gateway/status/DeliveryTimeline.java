package tw.tongbao.gateway.status;

import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.UUID;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.stereotype.Component;
import tw.tongbao.core.delivery.DeliveryStatus;
import tw.tongbao.core.report.AttemptRecord;

/** Writes a delivery's timeline: one row per status it reached, with the try that led there when there was one. */
@Component
public class DeliveryTimeline {

    private final JdbcTemplate jdbc;

    DeliveryTimeline(JdbcTemplate jdbc) {
        this.jdbc = jdbc;
    }

    /**
     * Appends one step; call it in the transaction that changes the delivery's status.
     *
     * @param revision the report revision that led here, or null when no adapter report did
     * @param attempt the try that led here, or null
     */
    public void append(
            UUID deliveryId, DeliveryStatus status, Instant at, Long revision, String reason, AttemptRecord attempt) {
        jdbc.update(
                "insert into delivery_event (delivery_id, status, at, revision, reason, attempt_number, http_status,"
                        + " duration_ms, response_excerpt, error) values (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                deliveryId,
                status.name(),
                OffsetDateTime.ofInstant(at, ZoneOffset.UTC),
                revision,
                reason,
                attempt == null ? null : attempt.number(),
                attempt == null ? null : attempt.httpStatus(),
                attempt == null ? null : attempt.durationMillis(),
                attempt == null ? null : attempt.responseExcerpt(),
                attempt == null ? null : attempt.error());
    }
}
