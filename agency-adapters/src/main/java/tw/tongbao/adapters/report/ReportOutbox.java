package tw.tongbao.adapters.report;

import java.sql.Timestamp;
import java.time.Instant;
import java.util.List;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Repository;
import tools.jackson.databind.json.JsonMapper;
import tw.tongbao.core.control.AgencyAlert;
import tw.tongbao.core.messaging.Topology;
import tw.tongbao.core.report.DeliveryReported;

/**
 * The {@code report_outbox} table: reports written with each state change, and operator alerts, waiting for the relay.
 */
@Repository
public class ReportOutbox {

    private static final String REPORT = "DELIVERY_REPORTED";
    private static final String ALERT = "AGENCY_ALERT";

    private final JdbcClient jdbc;
    private final JsonMapper json;

    public ReportOutbox(JdbcClient jdbc, JsonMapper json) {
        this.jdbc = jdbc;
        this.json = json;
    }

    /** Queues a report; call inside the transaction that made the state change. */
    public void append(DeliveryReported report) {
        insert(REPORT, report.deliveryId(), json.writeValueAsString(report), report.occurredAt());
    }

    /** Queues an alert for operators; inside the transaction that made the state change, if there is one. */
    public void appendAlert(AgencyAlert alert) {
        insert(ALERT, null, json.writeValueAsString(alert), alert.at());
    }

    private void insert(String kind, java.util.UUID deliveryId, String body, Instant at) {
        jdbc.sql("INSERT INTO report_outbox (kind, delivery_id, body, created_at)"
                        + " VALUES (:kind, :id, CAST(:body AS jsonb), :at)")
                .param("kind", kind)
                .param("id", deliveryId)
                .param("body", body)
                .param("at", Timestamp.from(at != null ? at : Instant.now()))
                .update();
    }

    /** The oldest waiting messages, in id order. */
    List<Pending> oldest(int limit) {
        return jdbc.sql("SELECT id, kind, body::text AS body FROM report_outbox ORDER BY id LIMIT :limit")
                .param("limit", limit)
                .query((rs, n) -> pending(rs.getLong("id"), rs.getString("kind"), rs.getString("body")))
                .list();
    }

    private Pending pending(long id, String kind, String body) {
        if (ALERT.equals(kind)) {
            AgencyAlert alert = json.readValue(body, AgencyAlert.class);
            return new Pending(
                    id,
                    Topology.ALERTS_EXCHANGE,
                    Topology.alertRoutingKey(alert.kind().name(), alert.agency()),
                    alert,
                    "alert " + alert.kind() + " of " + alert.agency());
        }
        DeliveryReported report = json.readValue(body, DeliveryReported.class);
        return new Pending(
                id,
                Topology.REPORTS_EXCHANGE,
                Topology.REPORTS_ROUTING_KEY,
                report,
                "report of delivery " + report.deliveryId() + " (revision " + report.revision() + ")");
    }

    /** Forgets messages the broker confirmed, in one statement. */
    void delete(List<Long> ids) {
        if (ids.isEmpty()) {
            return;
        }
        jdbc.sql("DELETE FROM report_outbox WHERE id = ANY(:ids)")
                .param("ids", ids.toArray(Long[]::new))
                .update();
    }

    /** A waiting message, where it goes, and a short description for logs. */
    record Pending(long id, String exchange, String routingKey, Object message, String description) {}
}
