package tw.tongbao.gateway.status;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.zaxxer.hikari.HikariDataSource;
import java.util.UUID;
import org.flywaydb.core.Flyway;
import org.junit.jupiter.api.Test;
import org.springframework.dao.DataIntegrityViolationException;
import org.springframework.jdbc.core.JdbcTemplate;
import tw.tongbao.core.delivery.DeliveryStatus;
import tw.tongbao.core.testing.TestDatabase;

/**
 * V8: acknowledgement steps written without a revision take the revision of the step before them, so timelines read
 * in revision order keep them where they were; from then on every step has one.
 */
class TimelineRevisionMigrationIntegrationTests {

    @Test
    void givesAcknowledgementStepsTheRevisionTheyFollow() {
        try (TestDatabase database = TestDatabase.create("timeline_v8");
                HikariDataSource dataSource = new HikariDataSource()) {
            dataSource.setJdbcUrl(database.jdbcUrl());
            dataSource.setUsername(database.username());
            dataSource.setPassword(database.password());
            Flyway.configure().dataSource(dataSource).target("6").load().migrate();
            JdbcTemplate jdbc = new JdbcTemplate(dataSource);
            UUID delivery = new Deliveries(jdbc).stored(DeliveryStatus.PENDING, 0, 0);
            // Filed (r0), delivered (r1), applied by acknowledgement (no revision), replayed (r2), delivered (r3).
            String[][] steps = {
                {"PENDING", "0"}, {"DELIVERED", "1"}, {"APPLIED", null}, {"PENDING", "2"}, {"DELIVERED", "3"}
            };
            for (String[] step : steps) {
                jdbc.update(
                        "insert into delivery_event (delivery_id, status, at, revision) values (?, ?, now(), ?)",
                        delivery,
                        step[0],
                        step[1] == null ? null : Long.valueOf(step[1]));
            }

            Flyway.configure().dataSource(dataSource).load().migrate();

            assertThat(jdbc.queryForList(
                            "select status || ' r' || revision from delivery_event where delivery_id = ?"
                                    + " order by revision, id",
                            String.class,
                            delivery))
                    .containsExactly("PENDING r0", "DELIVERED r1", "APPLIED r1", "PENDING r2", "DELIVERED r3");
            assertThatThrownBy(() -> jdbc.update(
                            "insert into delivery_event (delivery_id, status, at) values (?, 'APPLIED', now())",
                            delivery))
                    .isInstanceOf(DataIntegrityViolationException.class);
        }
    }
}
