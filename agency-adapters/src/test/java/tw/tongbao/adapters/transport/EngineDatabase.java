package tw.tongbao.adapters.transport;

import com.zaxxer.hikari.HikariDataSource;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.UUID;
import java.util.random.RandomGenerator;
import org.flywaydb.core.Flyway;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.BeforeEachCallback;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.jdbc.datasource.DataSourceTransactionManager;
import org.springframework.transaction.support.TransactionTemplate;
import tools.jackson.databind.json.JsonMapper;
import tw.tongbao.adapters.AdaptersProperties;
import tw.tongbao.adapters.report.ReportOutbox;
import tw.tongbao.adapters.resilience.AgencyControl;
import tw.tongbao.adapters.resilience.InMemoryAgencyStates;
import tw.tongbao.core.agency.Agency;
import tw.tongbao.core.agency.AgencyCode;
import tw.tongbao.core.agency.AgencyRegistry;
import tw.tongbao.core.agency.Basis;
import tw.tongbao.core.agency.Protocol;
import tw.tongbao.core.change.ChangeType;
import tw.tongbao.core.envelope.Addressee;
import tw.tongbao.core.envelope.ChangeFiled;
import tw.tongbao.core.report.AttemptRecord;
import tw.tongbao.core.testing.TestDatabase;

/**
 * The delivery engine's storage without Spring: a fresh migrated database, its store, report outbox and settlement,
 * for tests of what they write to real PostgreSQL. Made by {@link #emptiedBeforeEach} and held in a
 * {@code @RegisterExtension static final} field, it empties its tables before each test and drops the database after
 * the class.
 */
public final class EngineDatabase implements AutoCloseable, BeforeEachCallback, AfterAllCallback {

    /** The agency the tests deliver to: every change type, the contract's retry schedule. */
    public static final Agency AGENCY = agency("NHIA");

    /** A second agency, for changes addressed to more than one. */
    public static final Agency OTHER_AGENCY = agency("NTA");

    private final TestDatabase database;
    private final HikariDataSource dataSource;
    private final boolean emptyBeforeEach;

    public final JdbcClient jdbc;
    public final JdbcTemplate template;
    public final JsonMapper json = JsonMapper.builder().build();
    public final TransactionTemplate transactions;
    public final DeliveryStore store;
    public final DeliveryClaims claims;
    public final OperatorDeliveries operator;
    public final ReportOutbox reports;
    public final AgencyControl control;
    public final DeliverySettlement settlement;

    private EngineDatabase(String prefix, boolean emptyBeforeEach) {
        this.emptyBeforeEach = emptyBeforeEach;
        database = TestDatabase.create(prefix);
        dataSource = new HikariDataSource();
        dataSource.setJdbcUrl(database.jdbcUrl());
        dataSource.setUsername(database.username());
        dataSource.setPassword(database.password());
        dataSource.setMaximumPoolSize(4);
        Flyway.configure().dataSource(dataSource).load().migrate();
        template = new JdbcTemplate(dataSource);
        jdbc = JdbcClient.create(template);
        transactions = new TransactionTemplate(new DataSourceTransactionManager(dataSource));
        AdaptersProperties properties = AdaptersProperties.defaults();
        store = new DeliveryStore(template, properties);
        claims = new DeliveryClaims(template, properties);
        operator = new OperatorDeliveries(jdbc, properties);
        reports = new ReportOutbox(jdbc, json);
        control = new AgencyControl(
                new InMemoryAgencyStates(),
                new AgencyRegistry(List.of(AGENCY, OTHER_AGENCY)),
                Clock.systemUTC(),
                properties);
        AnswerPolicy answers =
                new AnswerPolicy(new RetryPolicy(0.2, Duration.ofHours(1), RandomGenerator.getDefault()));
        settlement = new DeliverySettlement(store, reports, control, answers, transactions, Clock.systemUTC());
    }

    /** A fresh database whose name starts with {@code prefix}; the caller closes it. */
    public static EngineDatabase create(String prefix) {
        return new EngineDatabase(prefix, false);
    }

    /** A fresh database for one test class, registered as its extension: emptied before each test, dropped after. */
    public static EngineDatabase emptiedBeforeEach(String prefix) {
        return new EngineDatabase(prefix, true);
    }

    @Override
    public void beforeEach(ExtensionContext context) {
        if (emptyBeforeEach) {
            empty();
        }
    }

    @Override
    public void afterAll(ExtensionContext context) {
        close();
    }

    /** Empties every table the engine writes. */
    public void empty() {
        jdbc.sql("TRUNCATE adapter_delivery, adapter_message, adapter_head, report_outbox, adapter_instance,"
                        + " applied_command, replay_item, agency_state")
                .update();
    }

    /** Stores a pending delivery of {@link #AGENCY}, due now. */
    public AdapterDelivery arrive(String subject, long sequence, ChangeType type) {
        AdapterDelivery received = AdapterDelivery.received(
                UUID.randomUUID(),
                AGENCY.code().value(),
                subject,
                sequence,
                type,
                "R-" + subject + "-" + sequence,
                Instant.now().minusSeconds(1));
        store.insertIfAbsent(received, UUID.randomUUID(), "{}".getBytes(StandardCharsets.UTF_8), Instant.now());
        return received;
    }

    /** Stores the agency's delivery of a real filed change, with the change's message, due a second ago. */
    public AdapterDelivery arrive(ChangeFiled change, String agency) {
        Addressee addressee = change.addresseeFor(agency).orElseThrow();
        AdapterDelivery delivery = AdapterDelivery.received(
                addressee.deliveryId(),
                agency,
                addressee.subjectRef(),
                change.sequence(),
                change.type(),
                change.receipt(),
                Instant.now().minusSeconds(1));
        if (!store.insertIfAbsent(delivery, change.changeId(), json.writeValueAsBytes(change), Instant.now())) {
            throw new IllegalStateException("delivery " + delivery.deliveryId() + " was stored already");
        }
        return delivery;
    }

    /** Every delivery's status and revision, with the reports queued for it in order. */
    public Map<UUID, String> outcomes() {
        Map<UUID, String> rows = new TreeMap<>();
        jdbc.sql("SELECT delivery_id, status, revision, (SELECT string_agg(body::jsonb->>'status' || '@'"
                        + " || (body::jsonb->>'revision'), ',' ORDER BY id) FROM report_outbox r"
                        + " WHERE r.delivery_id = d.delivery_id) AS reports FROM adapter_delivery d")
                .query(rs -> {
                    rows.put(
                            rs.getObject("delivery_id", UUID.class),
                            rs.getString("status") + "@" + rs.getLong("revision") + " " + rs.getString("reports"));
                });
        return rows;
    }

    /** Inserts {@code count} deliveries of {@code agency} in {@code status}, each of a subject of its own, due now. */
    public void rows(String agency, String status, int count) {
        jdbc.sql("INSERT INTO adapter_delivery (delivery_id, agency, subject_ref, sequence, change_type, receipt,"
                        + " change_id, status, next_attempt_at, received_at, updated_at)"
                        + " SELECT gen_random_uuid(), :agency, :status || '-' || s, 1, 'ADDRESS_CHANGE', 'R' || s,"
                        + " gen_random_uuid(), :status, now(), now(), now() FROM generate_series(1, :count) s")
                .param("agency", agency)
                .param("status", status)
                .param("count", count)
                .update();
    }

    /** The plan PostgreSQL ran {@code sql} with (EXPLAIN ANALYZE, with buffers), as text. */
    public static String explain(JdbcClient jdbc, String sql) {
        return String.join(
                "\n",
                jdbc.sql("EXPLAIN (ANALYZE, BUFFERS) " + sql)
                        .query(String.class)
                        .list());
    }

    /** One try's record, numbered after the tries the delivery has had. */
    public static AttemptRecord attempt(AdapterDelivery delivery) {
        return new AttemptRecord(delivery.attempts() + 1, Instant.now(), 5, 503, null, null);
    }

    /** An agency taking every change type, with the contract's retry schedule. */
    public static Agency agency(String code) {
        return new Agency(
                new AgencyCode(code),
                Map.of("en", code),
                Protocol.REST_JSON,
                URI.create("http://localhost:1/" + code),
                "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw",
                null,
                Basis.LAW,
                "law",
                Set.of(ChangeType.values()),
                Set.of("address"),
                0,
                0,
                null,
                null,
                null,
                0,
                null);
    }

    @Override
    public void close() {
        dataSource.close();
        database.close();
    }
}
