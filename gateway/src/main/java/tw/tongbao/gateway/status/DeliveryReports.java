package tw.tongbao.gateway.status;

import java.sql.PreparedStatement;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.stream.Stream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.stereotype.Component;
import org.springframework.transaction.annotation.Transactional;
import tw.tongbao.core.delivery.DeliveryStatus;
import tw.tongbao.core.report.DeliveryReported;
import tw.tongbao.gateway.status.ReportBatch.Judged;

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
        return applyAll(List.of(report)).get(0);
    }

    /**
     * Applies, in one transaction, each report {@link ReportRule} allows, a delivery's reports in revision order.
     *
     * @return the verdict on each report, in the order given
     */
    @Transactional
    List<ReportVerdict> applyAll(List<DeliveryReported> reports) {
        Map<UUID, Locked> locked = lock(reports);
        Map<UUID, StoredDelivery> stored = new HashMap<>();
        locked.forEach((id, row) -> stored.put(id, row.delivery()));
        List<Judged> judged = late(ReportBatch.judge(stored, reports));
        write(steps(judged, ReportVerdict.APPLY), steps(judged, ReportVerdict.LATE));
        ReportVerdict[] verdicts = new ReportVerdict[reports.size()];
        for (Judged one : judged) {
            verdicts[one.position()] = one.verdict();
            Locked row = locked.get(one.report().deliveryId());
            describe(one, row == null ? null : row.receipt());
        }
        return Arrays.asList(verdicts);
    }

    /**
     * Tells late reports from duplicates among the stale ones: a report older than its delivery's revision that is
     * neither in the delivery's timeline nor applied by this batch arrived after a later one (see {@link ReportVerdict#LATE}); the
     * first of several copies counts. Reads the timelines only when the batch holds a stale report.
     */
    private List<Judged> late(List<Judged> judged) {
        List<Judged> stale = judged.stream().filter(DeliveryReports::older).toList();
        if (stale.isEmpty()) {
            return judged;
        }
        Set<Revision> known = new HashSet<>();
        jdbc.query(
                connection -> {
                    PreparedStatement select = connection.prepareStatement(
                            "select delivery_id, revision from delivery_event where delivery_id = any(?)");
                    select.setArray(
                            1,
                            connection.createArrayOf(
                                    "uuid",
                                    stale.stream()
                                            .map(one -> one.report().deliveryId())
                                            .distinct()
                                            .toArray()));
                    return select;
                },
                rs -> {
                    known.add(new Revision(rs.getObject("delivery_id", UUID.class), rs.getLong("revision")));
                });
        judged.stream()
                .filter(one -> one.verdict() == ReportVerdict.APPLY)
                .forEach(one -> known.add(Revision.of(one.report())));
        return judged.stream()
                .map(one -> older(one) && known.add(Revision.of(one.report()))
                        ? new Judged(one.position(), one.report(), one.before(), ReportVerdict.LATE)
                        : one)
                .toList();
    }

    /** Stale, and older than the delivery's revision: a step its timeline may lack (its own revision it has). */
    private static boolean older(Judged one) {
        return one.verdict() == ReportVerdict.STALE
                && one.report().revision() < one.before().revision();
    }

    private List<Step> steps(List<Judged> judged, ReportVerdict verdict) {
        return judged.stream()
                .filter(one -> one.verdict() == verdict)
                .map(one -> new Step(one, at(one.report())))
                .toList();
    }

    /**
     * Locks the reported deliveries, in id order so that two transactions locking several never deadlock, and reads
     * them with their change's receipt (for the log).
     */
    private Map<UUID, Locked> lock(List<DeliveryReported> reports) {
        UUID[] ids =
                reports.stream().map(DeliveryReported::deliveryId).distinct().toArray(UUID[]::new);
        Map<UUID, Locked> locked = new HashMap<>();
        jdbc.query(
                connection -> {
                    PreparedStatement select = connection.prepareStatement(
                            "select d.id, d.agency, d.status, d.revision, d.attempts, c.receipt"
                                    + " from delivery d join change c on c.id = d.change_id"
                                    + " where d.id = any(?) order by d.id for update of d");
                    select.setArray(1, connection.createArrayOf("uuid", ids));
                    return select;
                },
                rs -> {
                    StoredDelivery delivery = new StoredDelivery(
                            rs.getObject("id", UUID.class),
                            rs.getString("agency"),
                            DeliveryStatus.valueOf(rs.getString("status")),
                            rs.getLong("revision"),
                            rs.getInt("attempts"));
                    locked.put(delivery.id(), new Locked(delivery, rs.getString("receipt")));
                });
        return locked;
    }

    /**
     * Writes every applied and late step to the timelines, then each delivery's last applied state in one statement
     * (a late step changes no state). Timeline
     * first, so that its foreign-key check meets the row version this transaction locked rather than the one it just
     * wrote: measured over 50,000 reports every update then stayed on its page (HOT), against 25-57 % the other way.
     */
    private void write(List<Step> steps, List<Step> lateSteps) {
        if (steps.isEmpty() && lateSteps.isEmpty()) {
            return;
        }
        timeline.appendAll(Stream.concat(steps.stream(), lateSteps.stream())
                .map(step -> new TimelineStep(
                        step.delivery(),
                        step.report().status(),
                        step.at(),
                        step.report().revision(),
                        step.report().reason(),
                        step.report().attempt()))
                .toList());
        if (steps.isEmpty()) {
            return;
        }
        Map<UUID, Step> last = new LinkedHashMap<>();
        steps.forEach(step -> last.put(step.delivery(), step));
        List<Step> rows = new ArrayList<>(last.values());
        jdbc.update(connection -> {
            PreparedStatement update = connection.prepareStatement(
                    "update delivery d set status = u.status, attempts = u.attempts, reason = u.reason,"
                            + " next_attempt_at = u.next_attempt_at::timestamptz,"
                            + " updated_at = u.updated_at::timestamptz, revision = u.revision"
                            + " from unnest(?::uuid[], ?::text[], ?::int[], ?::text[], ?::text[], ?::text[],"
                            + " ?::bigint[]) as u(id, status, attempts, reason, next_attempt_at, updated_at, revision)"
                            + " where d.id = u.id");
            SqlArrays<Step> arrays = new SqlArrays<>(connection, rows);
            arrays.set(update, 1, "uuid", Step::delivery);
            arrays.set(update, 2, "text", step -> step.report().status().name());
            arrays.set(update, 3, "int4", step -> step.judged().after().attempts());
            arrays.set(update, 4, "text", step -> step.report().reason());
            arrays.set(update, 5, "text", step -> text(step.report().nextAttemptAt()));
            arrays.set(update, 6, "text", step -> step.at().toString());
            arrays.set(update, 7, "int8", step -> step.report().revision());
            return update;
        });
    }

    /** One log line per report: a state change at INFO, an ignored report as before. */
    private void describe(Judged one, String receipt) {
        DeliveryReported report = one.report();
        StoredDelivery before = one.before();
        if (before == null) {
            log.info("report for unknown delivery {} ({}) ignored", report.deliveryId(), report.agency());
            return;
        }
        switch (one.verdict()) {
            case APPLY ->
                log.info(
                        "receipt {} delivery {} ({}) {} -> {} (r{}, attempts {})",
                        receipt,
                        before.id(),
                        before.agency(),
                        before.status(),
                        report.status(),
                        report.revision(),
                        report.attempts());
            case LATE ->
                log.info(
                        "receipt {} delivery {} ({}) {} (r{}) recorded late; r{} ({}) already applied",
                        receipt,
                        before.id(),
                        before.agency(),
                        report.status(),
                        report.revision(),
                        before.revision(),
                        before.status());
            case STALE ->
                log.debug(
                        "stale report r{} for delivery {} ({}) ignored; r{} already applied",
                        report.revision(),
                        before.id(),
                        before.agency(),
                        before.revision());
            case ILLEGAL, WRONG_AGENCY ->
                log.info(
                        "report r{} for delivery {} ({}) ignored: {} -> {} is not allowed",
                        report.revision(),
                        before.id(),
                        report.agency(),
                        before.status(),
                        report.status());
        }
    }

    private Instant at(DeliveryReported report) {
        return report.occurredAt() != null ? report.occurredAt() : clock.instant();
    }

    private static String text(Instant instant) {
        return instant == null ? null : instant.toString();
    }

    /** One revision of one delivery. */
    private record Revision(UUID delivery, long revision) {

        static Revision of(DeliveryReported report) {
            return new Revision(report.deliveryId(), report.revision());
        }
    }

    /** A delivery as locked for the batch, with its change's receipt for the log. */
    private record Locked(StoredDelivery delivery, String receipt) {}

    /** An applied report and when its change happened (when the report says, else when it was applied). */
    private record Step(Judged judged, Instant at) {

        UUID delivery() {
            return judged.before().id();
        }

        DeliveryReported report() {
            return judged.report();
        }
    }
}
