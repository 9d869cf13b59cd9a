package tw.tongbao.gateway.status;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.springframework.jdbc.core.JdbcTemplate;
import tw.tongbao.core.delivery.DeliveryStatus;

/** Stores deliveries (each of a change of its own, without timeline) and reads back what reports made of them. */
final class Deliveries {

    private final JdbcTemplate jdbc;

    Deliveries(JdbcTemplate jdbc) {
        this.jdbc = jdbc;
    }

    /** A new NTA delivery in {@code status} at {@code revision} after {@code attempts} tries. */
    UUID stored(DeliveryStatus status, long revision, int attempts) {
        UUID change = UUID.randomUUID();
        UUID delivery = UUID.randomUUID();
        jdbc.update(
                "insert into change (id, receipt, type, subject_id, filer_id, sequence, effective_date, submitted_at,"
                        + " data, idempotency_key, request_hash, response) values (?, ?, 'ADDRESS_CHANGE',"
                        + " 'A123456789', 'A123456789', ?, current_date, now(), '{}', ?, repeat('0', 64), '{}')",
                change,
                "TB-" + change.toString().substring(0, 12),
                Math.abs(change.getMostSignificantBits()),
                change.toString());
        jdbc.update(
                "insert into delivery (id, change_id, agency, status, attempts, revision, updated_at)"
                        + " values (?, ?, 'NTA', ?, ?, ?, '2026-01-01T00:00:00Z')",
                delivery,
                change,
                status.name(),
                attempts,
                revision);
        return delivery;
    }

    /** Everything reports write of a delivery, without its id: its row, then its timeline in order (as read). */
    List<Map<String, Object>> state(UUID delivery) {
        List<Map<String, Object>> state = new ArrayList<>(jdbc.queryForList(
                "select agency, status, attempts, revision, reason, next_attempt_at, updated_at from delivery"
                        + " where id = ?",
                delivery));
        state.addAll(jdbc.queryForList(
                "select status, at, revision, reason, attempt_number, http_status, duration_ms, response_excerpt,"
                        + " error from delivery_event where delivery_id = ? order by revision, id",
                delivery));
        return state;
    }

    /** The statuses of a delivery's timeline, in order. */
    List<String> timeline(UUID delivery) {
        return jdbc.queryForList(
                "select status from delivery_event where delivery_id = ? order by revision, id",
                String.class,
                delivery);
    }

    /** The delivery's status. */
    String status(UUID delivery) {
        return jdbc.queryForObject("select status from delivery where id = ?", String.class, delivery);
    }
}
