package tw.tongbao.bench.system;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.List;

/** The benchmark's own PostgreSQL databases on 127.0.0.1:5432 (user postgres, trust auth): create, use, drop. */
public final class Databases {

    private static final String SERVER = "jdbc:postgresql://127.0.0.1:5432/";
    private static final String USER = "postgres";

    private Databases() {}

    /** The JDBC URL of a database. */
    public static String url(String name) {
        return SERVER + name;
    }

    /** The user the benchmark and the applications connect as. */
    public static String user() {
        return USER;
    }

    /** Creates an empty database. */
    public static void create(String name) {
        execute("postgres", "CREATE DATABASE " + requireSafe(name));
    }

    /** Drops a database, ending its sessions first. */
    public static void drop(String name) {
        execute(
                "postgres",
                "SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = '" + requireSafe(name) + "'");
        execute("postgres", "DROP DATABASE IF EXISTS " + requireSafe(name));
    }

    /**
     * The settings of the server that move a write-heavy run's figures, as {@code SHOW} prints them: the same code
     * filled and drained at different speeds on PostgreSQL's defaults and on a server sized for the machine, so a
     * report says which it ran on.
     */
    static final List<String> SETTINGS = List.of(
            "shared_buffers",
            "max_wal_size",
            "min_wal_size",
            "checkpoint_timeout",
            "wal_compression",
            "synchronous_commit",
            "fsync",
            "autovacuum");

    /** The server's version and {@link #SETTINGS}, e.g. "15.20: shared_buffers 128MB, …"; "?" when it cannot tell. */
    public static String serverSettings() {
        String sql = "SELECT current_setting('server_version') || ': ' || string_agg(s.name || ' '"
                + " || current_setting(s.name), ', ' ORDER BY s.n) FROM unnest(?::text[]) WITH ORDINALITY AS s(name, n)";
        try (Connection connection = DriverManager.getConnection(url("postgres"), USER, "");
                PreparedStatement statement = connection.prepareStatement(sql)) {
            statement.setArray(1, connection.createArrayOf("text", SETTINGS.toArray()));
            try (var rows = statement.executeQuery()) {
                return rows.next() ? rows.getString(1) : "?";
            }
        } catch (SQLException e) {
            return "? (" + e.getMessage() + ")";
        }
    }

    /** Pauses or resumes agencies the way the adapters' own pause does: their row in {@code agency_state}. */
    public static void setPaused(String database, List<String> agencies, boolean paused) {
        String sql = "INSERT INTO agency_state (agency, paused, disabled, reason, updated_at)"
                + " VALUES (?, ?, false, ?, now()) ON CONFLICT (agency) DO UPDATE SET paused = EXCLUDED.paused,"
                + " reason = EXCLUDED.reason, updated_at = EXCLUDED.updated_at";
        try (Connection connection = DriverManager.getConnection(url(database), USER, "");
                PreparedStatement statement = connection.prepareStatement(sql)) {
            for (String agency : agencies) {
                statement.setString(1, agency);
                statement.setBoolean(2, paused);
                statement.setString(3, paused ? "paused by the benchmark's backlog test" : null);
                statement.executeUpdate();
            }
        } catch (SQLException e) {
            throw new IllegalStateException("cannot " + (paused ? "pause" : "resume") + " agencies", e);
        }
    }

    /** A single number from a query, or -1 when the query fails (e.g. the table is not there yet). */
    public static long count(String database, String sql) {
        try (Connection connection = DriverManager.getConnection(url(database), USER, "");
                Statement statement = connection.createStatement();
                var rows = statement.executeQuery(sql)) {
            return rows.next() ? rows.getLong(1) : -1;
        } catch (SQLException e) {
            return -1;
        }
    }

    private static void execute(String database, String sql) {
        try (Connection connection = DriverManager.getConnection(url(database), USER, "");
                Statement statement = connection.createStatement()) {
            statement.execute(sql);
        } catch (SQLException e) {
            throw new IllegalStateException("PostgreSQL refused: " + sql, e);
        }
    }

    private static String requireSafe(String name) {
        if (!name.matches("[a-z0-9_]+")) {
            throw new IllegalArgumentException("unsafe database name " + name);
        }
        return name;
    }
}
