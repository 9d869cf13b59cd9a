package tw.tongbao.gateway.status;

import java.time.Clock;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.Optional;
import java.util.UUID;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.stereotype.Component;
import org.springframework.transaction.annotation.Transactional;
import tw.tongbao.core.delivery.DeliveryStatus;
import tw.tongbao.core.report.AttemptRecord;
import tw.tongbao.core.report.DeliveryReported;

/** Applies delivery reports to the gateway's deliveries and their timelines, each at most once. */
@Component
class DeliveryReports {

    private static final Logger log = LoggerFactory.getLogger(DeliveryReports.class);

    private final JdbcTemplate jdbc;
    private final Clock clock;

    DeliveryReports(JdbcTemplate jdbc, Clock clock) {
        this.jdbc = jdbc;
        this.clock = clock;
    }

    /** Applies the report if {@link ReportRule} allows it; otherwise changes nothing. */
    @Transactional
    ReportVerdict apply(DeliveryReported report) {
        Optional<StoredDelivery> found = jdbc
                .query(
                        "select id, agency, status, revision, attempts from delivery where id = ? for update",
                        (rs, n) -> new StoredDelivery(
                                rs.getObject("id", UUID.class),
                                rs.getString("agency"),
                                DeliveryStatus.valueOf(rs.getString("status")),
                                rs.getLong("revision"),
                                rs.getInt("attempts")),
                        report.deliveryId())
                .stream()
                .findFirst();
        if (found.isEmpty()) {
            log.info("report for unknown delivery {} ({}) ignored", report.deliveryId(), report.agency());
            return ReportVerdict.ILLEGAL;
        }
        StoredDelivery current = found.get();
        ReportVerdict verdict = ReportRule.judge(current, report);
        switch (verdict) {
            case APPLY -> write(current, report);
            case STALE ->
                log.debug(
                        "stale report r{} for delivery {} ({}) ignored; r{} already applied",
                        report.revision(),
                        current.id(),
                        current.agency(),
                        current.revision());
            case ILLEGAL, WRONG_AGENCY ->
                log.info(
                        "report r{} for delivery {} ({}) ignored: {} -> {} is not allowed",
                        report.revision(),
                        current.id(),
                        report.agency(),
                        current.status(),
                        report.status());
        }
        return verdict;
    }

    private void write(StoredDelivery current, DeliveryReported report) {
        Instant at = report.occurredAt() != null ? report.occurredAt() : clock.instant();
        jdbc.update(
                "update delivery set status = ?, attempts = ?, reason = ?, next_attempt_at = ?, updated_at = ?,"
                        + " revision = ? where id = ?",
                report.status().name(),
                Math.max(report.attempts(), current.attempts()),
                report.reason(),
                timestamp(report.nextAttemptAt()),
                timestamp(at),
                report.revision(),
                current.id());
        AttemptRecord attempt = report.attempt();
        jdbc.update(
                "insert into delivery_event (delivery_id, status, at, revision, reason, attempt_number, http_status,"
                        + " duration_ms, response_excerpt, error) values (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                current.id(),
                report.status().name(),
                timestamp(at),
                report.revision(),
                report.reason(),
                attempt == null ? null : attempt.number(),
                attempt == null ? null : attempt.httpStatus(),
                attempt == null ? null : attempt.durationMillis(),
                attempt == null ? null : attempt.responseExcerpt(),
                attempt == null ? null : attempt.error());
        log.info(
                "delivery {} ({}) {} -> {} (r{}, attempts {})",
                current.id(),
                current.agency(),
                current.status(),
                report.status(),
                report.revision(),
                report.attempts());
    }

    private static OffsetDateTime timestamp(Instant instant) {
        return instant == null ? null : OffsetDateTime.ofInstant(instant, ZoneOffset.UTC);
    }
}
