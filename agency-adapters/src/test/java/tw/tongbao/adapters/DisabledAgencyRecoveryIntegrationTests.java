package tw.tongbao.adapters;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.stream.Stream;
import org.flywaydb.core.Flyway;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.springframework.amqp.rabbit.core.RabbitTemplate;
import org.springframework.boot.WebApplicationType;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.jdbc.datasource.DriverManagerDataSource;
import tw.tongbao.adapters.transport.AnswerPolicy;
import tw.tongbao.core.control.AgencyAlert;
import tw.tongbao.core.delivery.DeliveryStatus;
import tw.tongbao.core.messaging.Topology;

/**
 * A 410 whose parking was cut short: the process died after the 410's transaction disabled the agency and before its
 * open deliveries were all parked. When the engine starts again, the disabled agency's dispatcher parks the rest, each
 * with its own report, without a second alert.
 */
@ExtendWith(AdapterTestEnvironment.class)
class DisabledAgencyRecoveryIntegrationTests {

    private static final String AGENCY = "SWEEP";

    /** More than one chunk of parking. */
    private static final int LEFT_OPEN = 1_200;

    @Test
    void openDeliveriesOfAnAgencyDisabledByA410AreParkedWhenTheEngineStarts() {
        JdbcClient jdbc = migratedDatabase();
        List<UUID> open = leftByA410CutShort(jdbc);

        try (ConfigurableApplicationContext engine = start()) {
            ReportsProbe reports = new ReportsProbe(engine.getBean(RabbitTemplate.class));

            await().atMost(Duration.ofSeconds(30)).until(() -> reportedParked(reports, open) == LEFT_OPEN);

            assertThat(jdbc.sql("SELECT status || ': ' || reason AS state, count(*) FROM adapter_delivery"
                                    + " WHERE agency = :agency GROUP BY 1")
                            .param("agency", AGENCY)
                            .query((rs, n) -> rs.getString(1) + " x" + rs.getLong(2))
                            .list())
                    .containsExactly("PARKED: " + AnswerPolicy.AGENCY_DISABLED + " x" + LEFT_OPEN);
            assertThat(open)
                    .allSatisfy(id -> assertThat(reports.of(id))
                            .singleElement()
                            .satisfies(report -> assertThat(report.reason()).isEqualTo(AnswerPolicy.AGENCY_DISABLED)));
            assertThat(alertsOf(engine.getBean(RabbitTemplate.class)))
                    .as("the 410 alerted before the process died; the parking that finishes its work does not")
                    .isEmpty();
        }
    }

    private static JdbcClient migratedDatabase() {
        DriverManagerDataSource dataSource = new DriverManagerDataSource(
                AdapterTestEnvironment.DATABASE.jdbcUrl(),
                AdapterTestEnvironment.DATABASE.username(),
                AdapterTestEnvironment.DATABASE.password());
        Flyway.configure().dataSource(dataSource).load().migrate();
        return JdbcClient.create(dataSource);
    }

    /** The agency disabled, and open deliveries of distinct subjects (pending and retrying) left behind. */
    private static List<UUID> leftByA410CutShort(JdbcClient jdbc) {
        jdbc.sql("INSERT INTO agency_state (agency, paused, disabled, reason, updated_at)"
                        + " VALUES (:agency, false, true, :reason, now())")
                .param("agency", AGENCY)
                .param("reason", AnswerPolicy.AGENCY_DISABLED)
                .update();
        return jdbc.sql(
                        "INSERT INTO adapter_delivery (delivery_id, agency, subject_ref, sequence, change_type, receipt,"
                                + " change_id, status, attempts, revision, next_attempt_at, received_at, updated_at)"
                                + " SELECT gen_random_uuid(), :agency, 'left-' || n, n, 'ADDRESS_CHANGE', 'R-left-' || n,"
                                + " gen_random_uuid(), CASE WHEN n % 2 = 0 THEN 'PENDING' ELSE 'RETRYING' END, n % 2, n % 2,"
                                + " now() - interval '1 second', now(), now() FROM generate_series(1, :count) AS n"
                                + " RETURNING delivery_id")
                .param("agency", AGENCY)
                .param("count", LEFT_OPEN)
                .query(UUID.class)
                .list();
    }

    private static ConfigurableApplicationContext start() {
        String[] settings = {
            "--TONGBAO_REGISTRY=classpath:adapters-it-registry.yml",
            "--tongbao.adapters.poll-interval=250ms",
            "--tongbao.adapters.relay-poll-interval=250ms"
        };
        return new SpringApplicationBuilder(AdaptersApplication.class)
                .web(WebApplicationType.NONE)
                .run(Stream.of(AdapterTestEnvironment.arguments(), settings)
                        .flatMap(Stream::of)
                        .toArray(String[]::new));
    }

    private static long reportedParked(ReportsProbe reports, List<UUID> deliveries) {
        return deliveries.stream()
                .filter(id -> reports.find(id, DeliveryStatus.PARKED).isPresent())
                .count();
    }

    private static List<AgencyAlert> alertsOf(RabbitTemplate rabbit) {
        List<AgencyAlert> alerts = new ArrayList<>();
        Object received;
        while ((received = rabbit.receiveAndConvert(Topology.ALERTS_QUEUE)) != null) {
            if (((AgencyAlert) received).agency().equals(AGENCY)) {
                alerts.add((AgencyAlert) received);
            }
        }
        return alerts;
    }
}
