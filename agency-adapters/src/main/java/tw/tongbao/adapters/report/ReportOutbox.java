package tw.tongbao.adapters.report;

import java.nio.charset.StandardCharsets;
import java.sql.Timestamp;
import java.sql.Types;
import java.time.Instant;
import java.util.List;
import java.util.UUID;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Repository;
import tools.jackson.databind.json.JsonMapper;
import tw.tongbao.core.control.AgencyAlert;
import tw.tongbao.core.messaging.Topology;
import tw.tongbao.core.report.DeliveryReported;

/**
 * The {@code report_outbox} table: reports written with each state change, and operator alerts, waiting for the relay.
 * Each is serialised once, here; the relay sends the stored JSON as it is, so it is kept as text (jsonb would parse
 * it on insert and print it again on read), with the revision it logs beside it.
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
        insert(REPORT, report.deliveryId(), report.revision(), json.writeValueAsString(report), report.occurredAt());
    }

    /** Queues reports in one statement, in list order; call inside the transaction that made the state changes. */
    public void appendAll(List<DeliveryReported> reports) {
        if (reports.isEmpty()) {
            return;
        }
        jdbc.sql("INSERT INTO report_outbox (kind, delivery_id, revision, body, created_at)"
                        + " SELECT :kind, r.id, r.revision, r.body, r.at FROM unnest(CAST(:ids AS uuid[]),"
                        + " CAST(:revisions AS bigint[]), CAST(:bodies AS text[]), CAST(:ats AS timestamptz[]))"
                        + " WITH ORDINALITY AS r(id, revision, body, at, n) ORDER BY r.n")
                .param("kind", REPORT)
                .param("ids", reports.stream().map(DeliveryReported::deliveryId).toArray(UUID[]::new))
                .param(
                        "revisions",
                        reports.stream().map(DeliveryReported::revision).toArray(Long[]::new))
                .param("bodies", reports.stream().map(json::writeValueAsString).toArray(String[]::new))
                .param(
                        "ats",
                        reports.stream().map(r -> at(r.occurredAt()).toString()).toArray(String[]::new))
                .update();
    }

    /** Queues an alert for operators; inside the transaction that made the state change, if there is one. */
    public void appendAlert(AgencyAlert alert) {
        insert(ALERT, null, null, json.writeValueAsString(alert), alert.at());
    }

    private void insert(String kind, UUID deliveryId, Long revision, String body, Instant at) {
        jdbc.sql("INSERT INTO report_outbox (kind, delivery_id, revision, body, created_at)"
                        + " VALUES (:kind, :id, :revision, :body, :at)")
                .param("kind", kind)
                .param("id", deliveryId)
                .param("revision", revision, Types.BIGINT)
                .param("body", body)
                .param("at", Timestamp.from(at(at)))
                .update();
    }

    private static Instant at(Instant at) {
        return at != null ? at : Instant.now();
    }

    /** The oldest waiting messages, in id order, as stored. */
    List<Pending> oldest(int limit) {
        return jdbc.sql("SELECT id, kind, delivery_id, revision, body FROM report_outbox ORDER BY id LIMIT :limit")
                .param("limit", limit)
                .query((rs, n) -> pending(
                        rs.getLong("id"),
                        rs.getString("kind"),
                        rs.getString("delivery_id"),
                        rs.getString("revision"),
                        rs.getString("body")))
                .list();
    }

    private Pending pending(long id, String kind, String deliveryId, String revision, String body) {
        byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
        if (ALERT.equals(kind)) {
            // Alerts are rare; reading one back is the simplest way to its routing key.
            AgencyAlert alert = json.readValue(body, AgencyAlert.class);
            return new Pending(
                    id,
                    Topology.ALERTS_EXCHANGE,
                    Topology.alertRoutingKey(alert.kind().name(), alert.agency()),
                    AgencyAlert.class,
                    bytes,
                    "alert " + alert.kind() + " of " + alert.agency());
        }
        return new Pending(
                id,
                Topology.REPORTS_EXCHANGE,
                Topology.REPORTS_ROUTING_KEY,
                DeliveryReported.class,
                bytes,
                "report of delivery " + deliveryId + " (revision " + revision + ")");
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

    /**
     * Vacuums the table, and {@code adapter_head} with it, skipping either while another session holds a lock that
     * would make this one wait (another instance's vacuum, an ANALYZE): outside any transaction, as VACUUM must run.
     * Each report is a delivery's state change, and the changes of open deliveries leave dead rows in
     * {@code adapter_head} too (a claim rewrites its heads, a settlement deletes them), which every claim's read in due
     * order walks from the left: 4.7 ms for 32 heads behind 213,000 dead ones in a benchmark's drain, 0.1 ms after a
     * vacuum of half a second. It leaves the emptied pages at the tables' ends to be reused rather than handing them
     * back, which takes a lock that holds up every settlement (each writes a report and a head) and can keep the relay
     * waiting for it for seconds.
     */
    void vacuum() {
        jdbc.sql("VACUUM (SKIP_LOCKED, TRUNCATE false) report_outbox, adapter_head")
                .update();
    }

    /**
     * A waiting row: where it goes, the type its JSON is (a report goes inside a {@code DeliveryReportBatch}), its
     * stored JSON (UTF-8), and a short description for logs.
     */
    record Pending(long id, String exchange, String routingKey, Class<?> type, byte[] body, String description) {}
}
