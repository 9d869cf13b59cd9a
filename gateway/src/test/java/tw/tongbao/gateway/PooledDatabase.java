package tw.tongbao.gateway;

import com.zaxxer.hikari.HikariDataSource;
import java.sql.Connection;
import java.sql.SQLException;
import javax.sql.DataSource;
import org.flywaydb.core.Flyway;
import org.springframework.jdbc.core.JdbcTemplate;
import tw.tongbao.core.testing.TestDatabase;

/** A fresh gateway database behind a connection pool, migrated as far as a test asks, dropped on close. */
public final class PooledDatabase implements AutoCloseable {

    private final TestDatabase database;
    private final HikariDataSource dataSource;
    private final JdbcTemplate jdbc;

    private PooledDatabase(TestDatabase database, int poolSize) {
        this.database = database;
        this.dataSource = new HikariDataSource();
        dataSource.setJdbcUrl(database.jdbcUrl());
        dataSource.setUsername(database.username());
        dataSource.setPassword(database.password());
        dataSource.setMaximumPoolSize(poolSize);
        this.jdbc = new JdbcTemplate(dataSource);
    }

    /** An empty database named after {@code prefix}, not migrated yet. */
    public static PooledDatabase create(String prefix, int poolSize) {
        return new PooledDatabase(TestDatabase.create(prefix), poolSize);
    }

    /** Applies the migrations up to {@code version}, all of them when null. */
    public PooledDatabase migrate(String version) {
        Flyway.configure()
                .dataSource(dataSource)
                .target(version == null ? "latest" : version)
                .load()
                .migrate();
        return this;
    }

    public DataSource dataSource() {
        return dataSource;
    }

    public JdbcTemplate jdbc() {
        return jdbc;
    }

    /** A connection of its own, outside the pool. */
    public Connection connect() throws SQLException {
        return database.connect();
    }

    /** Sessions of this database waiting for a lock another holds. */
    public int sessionsWaitingForLocks() {
        return jdbc.queryForObject(
                "select count(*) from pg_stat_activity where datname = current_database() and wait_event_type = 'Lock'",
                Integer.class);
    }

    @Override
    public void close() {
        dataSource.close();
        database.close();
    }
}
