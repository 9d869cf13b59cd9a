package tw.tongbao.gateway.status;

import java.time.Clock;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.stereotype.Component;
import org.springframework.transaction.annotation.Transactional;
import tw.tongbao.core.delivery.DeliveryStatus;
import tw.tongbao.core.delivery.DeliveryTransitions;
import tw.tongbao.core.report.DeliveryReported;

/** Applies delivery reports to the gateway's deliveries and their timelines, each at most once. */
@Component
class DeliveryReports {

    private static final Logger log = LoggerFactory.getLogger(DeliveryReports.class);

    private final JdbcTemplate jdbc;
    private final DeliveryTimeline timeline;
    private final Clock clock;

    DeliveryReports(JdbcTemplate jdbc, DeliveryTimeline timeline, Clock clock) {
        this.jdbc = jdbc;
        this.timeline = timeline;
        this.clock = clock;
    }

    /** Applies the report if {@link ReportRule} allows it; otherwise changes nothing. */
    @Transactional
    ReportVerdict apply(DeliveryReported report) {
        Instant at = report.occurredAt() != null ? report.occurredAt() : clock.instant();
        // The usual case in one round trip: ReportRule's conditions checked on the locked row, the update made, and
        // the previous status and the receipt returned for the log line.
        List<Applied> applied = jdbc.query(
                "with old as (select id, status, change_id from delivery where id = ? for update)"
                        + " update delivery d set status = ?, attempts = greatest(d.attempts, ?), reason = ?,"
                        + " next_attempt_at = ?, updated_at = ?, revision = ? from old"
                        + " where d.id = old.id and d.agency = ? and d.revision < ?"
                        + " and (d.status = any(?) or (d.status = ? and d.attempts < ?))"
                        + " returning old.status as previous,"
                        + " (select c.receipt from change c where c.id = old.change_id) as receipt",
                (rs, n) -> new Applied(DeliveryStatus.valueOf(rs.getString("previous")), rs.getString("receipt")),
                report.deliveryId(),
                report.status().name(),
                report.attempts(),
                report.reason(),
                timestamp(report.nextAttemptAt()),
                timestamp(at),
                report.revision(),
                report.agency(),
                report.revision(),
                legalSources(report.status()),
                report.status().name(),
                report.attempts());
        if (applied.isEmpty()) {
            return judgeUnapplied(report);
        }
        timeline.append(report.deliveryId(), report.status(), at, report.revision(), report.reason(), report.attempt());
        log.info(
                "receipt {} delivery {} ({}) {} -> {} (r{}, attempts {})",
                applied.get(0).receipt(),
                report.deliveryId(),
                report.agency(),
                applied.get(0).previous(),
                report.status(),
                report.revision(),
                report.attempts());
        return ReportVerdict.APPLY;
    }

    /** Why a report changed nothing (logged); applies it after all if it became applicable meanwhile. */
    private ReportVerdict judgeUnapplied(DeliveryReported report) {
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

    /** The statuses from which {@code to} is a legal move. */
    private static String[] legalSources(DeliveryStatus to) {
        return Arrays.stream(DeliveryStatus.values())
                .filter(from -> DeliveryTransitions.isLegal(from, to))
                .map(DeliveryStatus::name)
                .toArray(String[]::new);
    }

    /** What the one-statement apply returns: the status it moved from, and the change's receipt for the log. */
    private record Applied(DeliveryStatus previous, String receipt) {}

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
        timeline.append(current.id(), report.status(), at, report.revision(), report.reason(), report.attempt());
        String receipt = jdbc.queryForObject(
                "select c.receipt from change c join delivery d on d.change_id = c.id where d.id = ?",
                String.class,
                current.id());
        log.info(
                "receipt {} delivery {} ({}) {} -> {} (r{}, attempts {})",
                receipt,
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
