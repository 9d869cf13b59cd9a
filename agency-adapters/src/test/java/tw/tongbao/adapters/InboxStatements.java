package tw.tongbao.adapters;

import org.springframework.jdbc.core.simple.JdbcClient;

/**
 * Counts, in the database itself, the INSERT statements run on {@code adapter_message} and {@code adapter_delivery} and
 * the transactions they ran in: a test-only statement trigger logs each such statement with its transaction id, whatever
 * code ran it and whether it inserted a row ({@code ON CONFLICT DO NOTHING} still counts). Only committed statements are
 * logged, since the log row is written in the statement's own transaction.
 */
final class InboxStatements implements AutoCloseable {

    private final JdbcClient jdbc;

    private InboxStatements(JdbcClient jdbc) {
        this.jdbc = jdbc;
    }

    /** Installs the log and its triggers; {@link #close} removes them. */
    static InboxStatements install(JdbcClient jdbc) {
        jdbc.sql("CREATE TABLE IF NOT EXISTS test_insert_log (tbl text NOT NULL, txid bigint NOT NULL)")
                .update();
        jdbc.sql(
                        "CREATE OR REPLACE FUNCTION test_log_insert() RETURNS trigger LANGUAGE plpgsql AS $$"
                                + " BEGIN INSERT INTO test_insert_log VALUES (TG_TABLE_NAME, txid_current()); RETURN NULL; END $$")
                .update();
        for (String table : new String[] {"adapter_message", "adapter_delivery"}) {
            jdbc.sql("DROP TRIGGER IF EXISTS test_log_insert ON " + table).update();
            jdbc.sql("CREATE TRIGGER test_log_insert AFTER INSERT ON " + table
                            + " FOR EACH STATEMENT EXECUTE FUNCTION test_log_insert()")
                    .update();
        }
        InboxStatements statements = new InboxStatements(jdbc);
        statements.reset();
        return statements;
    }

    /** Forgets what was logged so far. */
    void reset() {
        jdbc.sql("TRUNCATE test_insert_log").update();
    }

    /** INSERT statements on {@code adapter_message}: each one an attempt to store messages. */
    long messageInserts() {
        return count("SELECT count(*) FROM test_insert_log WHERE tbl = 'adapter_message'");
    }

    /** Transactions that inserted into {@code adapter_message}. */
    long messageTransactions() {
        return count("SELECT count(DISTINCT txid) FROM test_insert_log WHERE tbl = 'adapter_message'");
    }

    /** INSERT statements on {@code adapter_delivery}. */
    long deliveryInserts() {
        return count("SELECT count(*) FROM test_insert_log WHERE tbl = 'adapter_delivery'");
    }

    /** Transactions that inserted into {@code adapter_delivery}. */
    long deliveryTransactions() {
        return count("SELECT count(DISTINCT txid) FROM test_insert_log WHERE tbl = 'adapter_delivery'");
    }

    private long count(String sql) {
        return jdbc.sql(sql).query(Long.class).single();
    }

    @Override
    public void close() {
        for (String table : new String[] {"adapter_message", "adapter_delivery"}) {
            jdbc.sql("DROP TRIGGER IF EXISTS test_log_insert ON " + table).update();
        }
        jdbc.sql("DROP FUNCTION IF EXISTS test_log_insert()").update();
        jdbc.sql("DROP TABLE IF EXISTS test_insert_log").update();
    }
}
