package tw.tongbao.core.testing;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.Locale;
import java.util.UUID;

/** A fresh PostgreSQL database for one test run, dropped on close, so runs never collide. */
public final class TestDatabase implements AutoCloseable {

    private static final String HOST = System.getProperty("tongbao.test.postgres.host", "127.0.0.1");
    private static final int PORT = Integer.getInteger("tongbao.test.postgres.port", 5432);
    private static final String USER = System.getProperty("tongbao.test.postgres.user", "postgres");
    private static final String PASSWORD = System.getProperty("tongbao.test.postgres.password", "");

    private final String name;

    private TestDatabase(String name) {
        this.name = name;
    }

    /** Creates {@code tongbao_test_<prefix>_<random>}. */
    public static TestDatabase create(String prefix) {
        String name = ("tongbao_test_" + prefix + "_"
                        + UUID.randomUUID().toString().replace("-", "").substring(0, 12))
                .toLowerCase(Locale.ROOT);
        admin("CREATE DATABASE " + name);
        return new TestDatabase(name);
    }

    /** The database's name. */
    public String name() {
        return name;
    }

    /** A JDBC URL for this database. */
    public String jdbcUrl() {
        return "jdbc:postgresql://" + HOST + ":" + PORT + "/" + name;
    }

    /** The user to connect as. */
    public String username() {
        return USER;
    }

    /** The password to connect with (empty under trust auth). */
    public String password() {
        return PASSWORD;
    }

    /** A new connection to this database; the caller closes it. */
    public Connection connect() throws SQLException {
        return DriverManager.getConnection(jdbcUrl(), USER, PASSWORD);
    }

    @Override
    public void close() {
        admin("DROP DATABASE IF EXISTS " + name + " WITH (FORCE)");
    }

    private static void admin(String sql) {
        String url = "jdbc:postgresql://" + HOST + ":" + PORT + "/postgres";
        try (Connection connection = DriverManager.getConnection(url, USER, PASSWORD);
                Statement statement = connection.createStatement()) {
            statement.execute(sql);
        } catch (SQLException e) {
            throw new IllegalStateException("PostgreSQL at " + HOST + ":" + PORT + " refused: " + sql, e);
        }
    }
}
