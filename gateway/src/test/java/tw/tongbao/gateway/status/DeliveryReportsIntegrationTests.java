package tw.tongbao.gateway.status;

import static org.assertj.core.api.Assertions.assertThat;

import com.zaxxer.hikari.HikariDataSource;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.UUID;
import org.flywaydb.core.Flyway;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.jdbc.datasource.DataSourceTransactionManager;
import org.springframework.transaction.support.TransactionTemplate;
import tw.tongbao.core.delivery.DeliveryStatus;
import tw.tongbao.core.report.AttemptRecord;
import tw.tongbao.core.report.DeliveryReported;
import tw.tongbao.core.testing.TestDatabase;
import tw.tongbao.gateway.MetricCounts;

/**
 * Report apply against real PostgreSQL decides exactly as {@link ReportRule} does, for every pair of statuses, older,
 * equal and newer revisions, a repeated status with a new try, and a report from another agency, whether reports come
 * alone or in one batch; and a batch with out-of-order and duplicate reports of one delivery ends exactly where
 * applying them one by one in revision order does.
 */
class DeliveryReportsIntegrationTests {

    private static final Instant NOW = Instant.parse("2026-11-26T09:00:00.123456Z");

    private static TestDatabase database;
    private static HikariDataSource dataSource;
    private static JdbcTemplate jdbc;
    private static Deliveries deliveries;
    private static DeliveryReports reports;

    @BeforeAll
    static void migrate() {
        database = TestDatabase.create("reports");
        dataSource = new HikariDataSource();
        dataSource.setJdbcUrl(database.jdbcUrl());
        dataSource.setUsername(database.username());
        dataSource.setPassword(database.password());
        dataSource.setMaximumPoolSize(2);
        Flyway.configure().dataSource(dataSource).load().migrate();
        jdbc = new JdbcTemplate(dataSource);
        deliveries = new Deliveries(jdbc);
        reports = new DeliveryReports(jdbc, new DeliveryTimeline(jdbc), Clock.fixed(NOW, ZoneOffset.UTC));
    }

    @AfterAll
    static void drop() {
        dataSource.close();
        database.close();
    }

    @Test
    void decidesEveryReportAsTheReportRuleDoes() {
        int applied = 0;
        for (Case each : everyCase()) {
            assertThat(reports.apply(each.report())).as(each.toString()).isEqualTo(each.expected());
            applied += each.assertOutcome();
        }
        assertThat(applied).isPositive();
    }

    @Test
    void decidesEveryReportOfOneBatchAsTheReportRuleDoes() {
        List<Case> cases = everyCase();

        List<ReportVerdict> verdicts =
                reports.applyAll(cases.stream().map(Case::report).toList());

        int applied = 0;
        for (int i = 0; i < cases.size(); i++) {
            assertThat(verdicts.get(i))
                    .as(cases.get(i).toString())
                    .isEqualTo(cases.get(i).expected());
            applied += cases.get(i).assertOutcome();
        }
        assertThat(applied).isPositive();
        MetricCounts.assertExact(jdbc);
    }

    @Test
    void updatesReportedDeliveriesInPlaceWithoutNewIndexEntries() {
        List<UUID> ids = new ArrayList<>();
        for (int i = 0; i < 10; i++) {
            ids.add(deliveries.stored(DeliveryStatus.PENDING, 0, 0));
        }
        TransactionTemplate transaction = new TransactionTemplate(new DataSourceTransactionManager(dataSource));

        Map<String, Object> updates = transaction.execute(status -> {
            reports.applyAll(ids.stream()
                    .map(id -> report(id, DeliveryStatus.DELIVERED, 1, 1))
                    .toList());
            return jdbc.queryForMap("select pg_stat_get_xact_tuples_updated('delivery'::regclass) as updated,"
                    + " pg_stat_get_xact_tuples_hot_updated('delivery'::regclass) as hot");
        });

        // A heap-only (HOT) update adds no index entry: no index holds a column a report changes, and the page has
        // room.
        assertThat(updates).containsEntry("updated", 10L).containsEntry("hot", 10L);
        assertThat(ids).allSatisfy(id -> assertThat(deliveries.status(id)).isEqualTo("DELIVERED"));
    }

    @Test
    void ignoresAReportForAnUnknownDelivery() {
        DeliveryReported report = new DeliveryReported(
                UUID.randomUUID(), "NTA", DeliveryStatus.DELIVERED, 1, 1, Instant.now(), null, null, null);

        assertThat(reports.apply(report)).isEqualTo(ReportVerdict.ILLEGAL);
        assertThat(reports.applyAll(List.of(report))).containsExactly(ReportVerdict.ILLEGAL);
    }

    @Test
    void appliesOutOfOrderReportsOfOneDeliveryInRevisionOrderWithEveryStepOnTheTimeline() {
        UUID id = deliveries.stored(DeliveryStatus.PENDING, 0, 0);
        DeliveryReported retrying = report(id, DeliveryStatus.RETRYING, 1, 1);
        DeliveryReported retryingAgain = report(id, DeliveryStatus.RETRYING, 2, 2);
        DeliveryReported delivered = report(id, DeliveryStatus.DELIVERED, 3, 3);
        DeliveryReported applied = report(id, DeliveryStatus.APPLIED, 4, 3);

        List<ReportVerdict> verdicts =
                reports.applyAll(List.of(delivered, retrying, applied, retryingAgain, delivered, retrying));

        assertThat(verdicts)
                .containsExactly(
                        ReportVerdict.APPLY,
                        ReportVerdict.APPLY,
                        ReportVerdict.APPLY,
                        ReportVerdict.APPLY,
                        ReportVerdict.STALE,
                        ReportVerdict.STALE);
        assertThat(deliveries.status(id)).isEqualTo("APPLIED");
        assertThat(deliveries.timeline(id)).containsExactly("RETRYING", "RETRYING", "DELIVERED", "APPLIED");
    }

    @Test
    void endsABatchWhereApplyingItsReportsOneByOneInRevisionOrderEnds() {
        Random random = new Random(20261126);
        List<DeliveryReported> batch = new ArrayList<>();
        List<UUID[]> twins = new ArrayList<>();
        for (int sequence = 0; sequence < 150; sequence++) {
            DeliveryStatus status = pick(random, DeliveryStatus.values());
            long revision = random.nextInt(3);
            int attempts = random.nextInt(3);
            UUID batched = deliveries.stored(status, revision, attempts);
            UUID alone = deliveries.stored(status, revision, attempts);
            twins.add(new UUID[] {batched, alone});
            List<DeliveryReported> sequenceReports = new ArrayList<>();
            for (int n = 1 + random.nextInt(8); n > 0; n--) {
                sequenceReports.add(randomReport(random, batched));
            }
            // Some reports arrive twice.
            for (int n = random.nextInt(3); n > 0; n--) {
                sequenceReports.add(sequenceReports.get(random.nextInt(sequenceReports.size())));
            }
            batch.addAll(sequenceReports);
        }
        Collections.shuffle(batch, random);

        List<ReportVerdict> batchVerdicts = reports.applyAll(batch);

        List<ReportVerdict> aloneVerdicts = new ArrayList<>(Collections.nCopies(batch.size(), null));
        for (int position : ReportBatch.inRevisionOrder(batch)) {
            DeliveryReported report = batch.get(position);
            UUID alone = twins.stream()
                    .filter(pair -> pair[0].equals(report.deliveryId()))
                    .findFirst()
                    .orElseThrow()[1];
            aloneVerdicts.set(position, reports.apply(withDelivery(report, alone)));
        }
        assertThat(batchVerdicts).isEqualTo(aloneVerdicts);
        int severalSteps = 0;
        for (UUID[] pair : twins) {
            assertThat(deliveries.state(pair[0])).isEqualTo(deliveries.state(pair[1]));
            severalSteps += deliveries.timeline(pair[0]).size() > 1 ? 1 : 0;
        }
        assertThat(severalSteps)
                .as("deliveries moved more than once by one batch")
                .isGreaterThanOrEqualTo(20);
        assertThat(batchVerdicts).contains(ReportVerdict.STALE, ReportVerdict.ILLEGAL, ReportVerdict.WRONG_AGENCY);
        MetricCounts.assertExact(jdbc);
    }

    private static List<Case> everyCase() {
        List<Case> cases = new ArrayList<>();
        for (DeliveryStatus from : DeliveryStatus.values()) {
            for (DeliveryStatus to : DeliveryStatus.values()) {
                for (long revision : new long[] {3, 4}) {
                    for (int attempts : new int[] {1, 2}) {
                        for (String agency : new String[] {"NTA", "NHIA"}) {
                            UUID id = deliveries.stored(from, 3, 1);
                            DeliveryReported report = new DeliveryReported(
                                    id, agency, to, revision, attempts, Instant.now(), "why", null, null);
                            cases.add(new Case(
                                    from, report, ReportRule.judge(new StoredDelivery(id, "NTA", from, 3, 1), report)));
                        }
                    }
                }
            }
        }
        return cases;
    }

    /** One delivery stored in {@code from} at r3 after one try, a report on it, and what ReportRule says of it. */
    private record Case(DeliveryStatus from, DeliveryReported report, ReportVerdict expected) {

        /** Checks the delivery changed exactly when the report applies; 1 when it did. */
        int assertOutcome() {
            UUID id = report.deliveryId();
            boolean changed = expected == ReportVerdict.APPLY;
            assertThat(deliveries.status(id)).as(toString()).isEqualTo((changed ? report.status() : from).name());
            assertThat(jdbc.queryForObject("select revision from delivery where id = ?", Long.class, id))
                    .isEqualTo(changed ? report.revision() : 3);
            assertThat(deliveries.timeline(id)).hasSize(changed ? 1 : 0);
            return changed ? 1 : 0;
        }
    }

    private static DeliveryReported report(UUID id, DeliveryStatus status, long revision, int attempts) {
        return new DeliveryReported(id, "NTA", status, revision, attempts, NOW.plusSeconds(revision), null, null, null);
    }

    /** A report with every field varied, including text that needs quoting inside an SQL array. */
    private static DeliveryReported randomReport(Random random, UUID delivery) {
        String[] reasons = {null, "agency said \"no\", {twice}", "back\\slash, comma", "NULL", "地址不符\nline two", ""};
        long revision = 1 + random.nextInt(6);
        AttemptRecord attempt = random.nextBoolean()
                ? null
                : new AttemptRecord(
                        1 + random.nextInt(4),
                        NOW,
                        random.nextInt(5000),
                        random.nextBoolean() ? null : 500,
                        random.nextBoolean() ? null : "{\"error\": \"x\\\\y\"}",
                        random.nextBoolean() ? null : "connect timed out");
        return new DeliveryReported(
                delivery,
                random.nextInt(10) == 0 ? "NHIA" : "NTA",
                pick(random, DeliveryStatus.values()),
                revision,
                random.nextInt(5),
                random.nextInt(5) == 0 ? null : NOW.plusMillis(random.nextInt(100_000) * 1000L + 1),
                pick(random, reasons),
                random.nextBoolean() ? null : NOW.plusSeconds(60 + revision),
                attempt);
    }

    private static DeliveryReported withDelivery(DeliveryReported report, UUID delivery) {
        return new DeliveryReported(
                delivery,
                report.agency(),
                report.status(),
                report.revision(),
                report.attempts(),
                report.occurredAt(),
                report.reason(),
                report.nextAttemptAt(),
                report.attempt());
    }

    private static <T> T pick(Random random, T[] values) {
        return values[random.nextInt(values.length)];
    }
}
