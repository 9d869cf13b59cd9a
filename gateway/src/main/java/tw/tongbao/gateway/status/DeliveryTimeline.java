package tw.tongbao.gateway.status;

import java.sql.PreparedStatement;
import java.time.Instant;
import java.util.List;
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
     * @param revision the adapters' revision this step follows: the report's, or the delivery's when the gateway moved
     *     it itself (an acknowledgement). Timelines are read in revision order, so a report that arrives after a later
     *     one still takes its place.
     * @param attempt the try that led here, or null
     */
    public void append(
            UUID deliveryId, DeliveryStatus status, Instant at, long revision, String reason, AttemptRecord attempt) {
        appendAll(List.of(new TimelineStep(deliveryId, status, at, revision, reason, attempt)));
    }

    /** Appends the steps in their order (so in the order timelines are read back) in one statement. */
    void appendAll(List<TimelineStep> steps) {
        if (steps.isEmpty()) {
            return;
        }
        jdbc.update(connection -> {
            PreparedStatement insert = connection.prepareStatement(
                    "insert into delivery_event (delivery_id, status, at, revision, reason, attempt_number,"
                            + " http_status, duration_ms, response_excerpt, error)"
                            + " select delivery_id, status, at::timestamptz, revision, reason, attempt_number,"
                            + " http_status, duration_ms, response_excerpt, error"
                            + " from unnest(?::uuid[], ?::text[], ?::text[], ?::bigint[], ?::text[], ?::int[],"
                            + " ?::int[], ?::bigint[], ?::text[], ?::text[]) with ordinality"
                            + " as s(delivery_id, status, at, revision, reason, attempt_number, http_status,"
                            + " duration_ms, response_excerpt, error, ord)"
                            + " order by ord");
            SqlArrays<TimelineStep> arrays = new SqlArrays<>(connection, steps);
            arrays.set(insert, 1, "uuid", TimelineStep::deliveryId);
            arrays.set(insert, 2, "text", s -> s.status().name());
            arrays.set(insert, 3, "text", s -> s.at().toString());
            arrays.set(insert, 4, "int8", TimelineStep::revision);
            arrays.set(insert, 5, "text", TimelineStep::reason);
            arrays.set(
                    insert,
                    6,
                    "int4",
                    s -> s.attempt() == null ? null : s.attempt().number());
            arrays.set(
                    insert,
                    7,
                    "int4",
                    s -> s.attempt() == null ? null : s.attempt().httpStatus());
            arrays.set(
                    insert,
                    8,
                    "int8",
                    s -> s.attempt() == null ? null : s.attempt().durationMillis());
            arrays.set(
                    insert,
                    9,
                    "text",
                    s -> s.attempt() == null ? null : s.attempt().responseExcerpt());
            arrays.set(
                    insert,
                    10,
                    "text",
                    s -> s.attempt() == null ? null : s.attempt().error());
            return insert;
        });
    }
}
