package tw.tongbao.adapters.report;

import java.sql.Timestamp;
import java.time.Instant;
import java.util.List;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Repository;
import tools.jackson.databind.json.JsonMapper;
import tw.tongbao.core.report.DeliveryReported;

/** The {@code report_outbox} table: reports written with each state change, waiting for the relay. */
@Repository
public class ReportOutbox {

    private final JdbcClient jdbc;
    private final JsonMapper json;

    public ReportOutbox(JdbcClient jdbc, JsonMapper json) {
        this.jdbc = jdbc;
        this.json = json;
    }

    /** Queues a report; call inside the transaction that made the state change. */
    public void append(DeliveryReported report) {
        jdbc.sql("INSERT INTO report_outbox (delivery_id, body, created_at) VALUES (:id, CAST(:body AS jsonb), :at)")
                .param("id", report.deliveryId())
                .param("body", json.writeValueAsString(report))
                .param("at", Timestamp.from(report.occurredAt() != null ? report.occurredAt() : Instant.now()))
                .update();
    }

    /** The oldest waiting reports, in id order. */
    List<Pending> oldest(int limit) {
        return jdbc.sql("SELECT id, body::text AS body FROM report_outbox ORDER BY id LIMIT :limit")
                .param("limit", limit)
                .query((rs, n) ->
                        new Pending(rs.getLong("id"), json.readValue(rs.getString("body"), DeliveryReported.class)))
                .list();
    }

    /** Forgets a report the broker confirmed. */
    void delete(long id) {
        jdbc.sql("DELETE FROM report_outbox WHERE id = :id").param("id", id).update();
    }

    /** A waiting report and its row id. */
    record Pending(long id, DeliveryReported report) {}
}
