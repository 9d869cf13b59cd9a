package tw.tongbao.gateway.operator;

import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.amqp.rabbit.annotation.RabbitListener;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.stereotype.Component;
import org.springframework.transaction.annotation.Transactional;
import tw.tongbao.core.control.AgencyAlert;
import tw.tongbao.core.messaging.Topology;

/** Stores the adapters' alerts from {@code tongbao.gateway.alerts}, keeping the newest {@code alertsKept}. */
@Component
class Alerts {

    private static final Logger log = LoggerFactory.getLogger(Alerts.class);

    private final JdbcTemplate jdbc;
    private final OpsProperties properties;

    Alerts(JdbcTemplate jdbc, OpsProperties properties) {
        this.jdbc = jdbc;
        this.properties = properties;
    }

    /**
     * One stored alert.
     *
     * @param id its number, ascending
     * @param agency the agency's code
     * @param kind FAILING, RECOVERED, DISABLED or DELIVERY_PARKED
     * @param detail a short account
     * @param at when it happened
     * @param receivedAt when the gateway stored it
     */
    record StoredAlert(long id, String agency, String kind, String detail, Instant at, Instant receivedAt) {}

    @RabbitListener(queues = Topology.ALERTS_QUEUE)
    @Transactional
    void onAlert(AgencyAlert alert) {
        if (alert == null) {
            return;
        }
        jdbc.update(
                "insert into agency_alert (agency, kind, detail, at) values (?, ?, ?, ?)",
                alert.agency(),
                alert.kind().name(),
                alert.detail(),
                OffsetDateTime.ofInstant(alert.at(), ZoneOffset.UTC));
        jdbc.update(
                "delete from agency_alert where id <= (select id from agency_alert order by id desc offset ? limit 1)",
                properties.alertsKept());
        log.info("alert {} of agency {}: {}", alert.kind(), alert.agency(), alert.detail());
    }

    /** The newest alerts first, optionally of one agency. */
    List<StoredAlert> newest(String agency, int limit) {
        return jdbc.query(
                "select id, agency, kind, detail, at, received_at from agency_alert"
                        + " where (cast(? as text) is null or agency = ?) order by id desc limit ?",
                (rs, n) -> new StoredAlert(
                        rs.getLong("id"),
                        rs.getString("agency"),
                        rs.getString("kind"),
                        rs.getString("detail"),
                        rs.getObject("at", OffsetDateTime.class).toInstant(),
                        rs.getObject("received_at", OffsetDateTime.class).toInstant()),
                agency,
                agency,
                limit);
    }
}
