package tw.tongbao.bench.system;

import static org.assertj.core.api.Assertions.assertThat;

import java.sql.DriverManager;
import org.junit.jupiter.api.Test;

/** Against the machine's PostgreSQL, which the benchmark runs on. */
class ServerSettingsTests {

    @Test
    void namesTheServersVersionAndEachSettingWithItsValueInOrder() throws Exception {
        String version;
        String sharedBuffers;
        try (var connection = DriverManager.getConnection(Databases.url("postgres"), Databases.user(), "");
                var rows = connection
                        .createStatement()
                        .executeQuery("SELECT current_setting('server_version'), current_setting('shared_buffers')")) {
            rows.next();
            version = rows.getString(1);
            sharedBuffers = rows.getString(2);
        }

        String described = Databases.serverSettings();

        assertThat(described).startsWith(version + ": shared_buffers " + sharedBuffers + ", max_wal_size ");
        assertThat(described.split(", ")).hasSize(Databases.SETTINGS.size());
        assertThat(described)
                .satisfiesAnyOf(
                        d -> assertThat(d).endsWith(", autovacuum on"),
                        d -> assertThat(d).endsWith(", autovacuum off"));
    }
}
