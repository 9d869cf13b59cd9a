package tw.tongbao.adapters.transport;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Instant;
import java.util.Map;
import java.util.UUID;
import org.flywaydb.core.Flyway;
import org.junit.jupiter.api.Test;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.jdbc.datasource.DriverManagerDataSource;
import tools.jackson.databind.json.JsonMapper;
import tw.tongbao.adapters.AdaptersProperties;
import tw.tongbao.core.change.ChangeType;
import tw.tongbao.core.envelope.ChangeFiled;
import tw.tongbao.core.fixtures.Changes;
import tw.tongbao.core.testing.TestDatabase;

/** V4 moves the messages of deliveries stored before it into one row per change, and keeps pending reports intact. */
class MessageOnceMigrationIntegrationTests {

    private final JsonMapper json = JsonMapper.builder().build();

    @Test
    void deliveriesStoredBeforeV4KeepTheirMessageOncePerChangeAndPendingReportsTheirRevision() {
        try (TestDatabase database = TestDatabase.create("v4")) {
            DriverManagerDataSource dataSource =
                    new DriverManagerDataSource(database.jdbcUrl(), database.username(), database.password());
            Flyway.configure().dataSource(dataSource).target("3").load().migrate();
            JdbcClient jdbc = JdbcClient.create(dataSource);
            ChangeFiled shared = Changes.filed(ChangeType.ADDRESS_CHANGE, "dora", 1, Map.of(), "NHIA", "NTA");
            ChangeFiled single = Changes.filed(ChangeType.NAME_CHANGE, "ed", 1, Map.of(), "NHIA");
            deliveryBeforeV4(jdbc, shared, "NHIA");
            deliveryBeforeV4(jdbc, shared, "NTA");
            deliveryBeforeV4(jdbc, single, "NHIA");
            jdbc.sql("INSERT INTO report_outbox (kind, delivery_id, body, created_at) VALUES"
                            + " ('DELIVERY_REPORTED', gen_random_uuid(), '{\"revision\": 3, \"status\": \"DELIVERED\"}',"
                            + " now()), ('AGENCY_ALERT', NULL, '{\"agency\": \"NHIA\"}', now())")
                    .update();

            Flyway.configure().dataSource(dataSource).load().migrate();

            assertThat(jdbc.sql("SELECT count(*) FROM adapter_message")
                            .query(Long.class)
                            .single())
                    .isEqualTo(2);
            assertThat(jdbc.sql("SELECT count(*) FROM information_schema.columns"
                                    + " WHERE table_name = 'adapter_delivery' AND column_name = 'message'")
                            .query(Long.class)
                            .single())
                    .isZero();
            DeliveryClaims claims = new DeliveryClaims(new JdbcTemplate(dataSource), AdaptersProperties.defaults());
            Instant now = Instant.now();
            assertThat(claims.claim("NTA", 16, now, now.plusSeconds(60), UUID.randomUUID()))
                    .singleElement()
                    .satisfies(claim -> assertThat(change(claim.messageJson())).isEqualTo(shared));
            assertThat(claims.claim("NHIA", 16, now, now.plusSeconds(60), UUID.randomUUID()))
                    .extracting(claim -> change(claim.messageJson()))
                    .containsExactlyInAnyOrder(shared, single);
            assertThat(jdbc.sql("SELECT kind || ':' || coalesce(revision::text, '-') || ':' || body FROM report_outbox"
                                    + " ORDER BY id")
                            .query(String.class)
                            .list())
                    .containsExactly(
                            "DELIVERY_REPORTED:3:{\"status\": \"DELIVERED\", \"revision\": 3}",
                            "AGENCY_ALERT:-:{\"agency\": \"NHIA\"}");
        }
    }

    /** A delivery row as V1–V3 stored it: with the whole change as jsonb. */
    private void deliveryBeforeV4(JdbcClient jdbc, ChangeFiled change, String agency) {
        jdbc.sql("INSERT INTO adapter_delivery (delivery_id, agency, subject_ref, sequence, change_type, receipt,"
                        + " message, status, next_attempt_at, received_at, updated_at) VALUES (:id, :agency, :ref, 1,"
                        + " :type, :receipt, CAST(:message AS jsonb), 'PENDING', now() - interval '1 minute', now(),"
                        + " now())")
                .param("id", change.addresseeFor(agency).orElseThrow().deliveryId())
                .param("agency", agency)
                .param("ref", change.addresseeFor(agency).orElseThrow().subjectRef())
                .param("type", change.type().name())
                .param("receipt", change.receipt())
                .param("message", json.writeValueAsString(change))
                .update();
    }

    private ChangeFiled change(String message) {
        return json.readValue(message, ChangeFiled.class);
    }
}
