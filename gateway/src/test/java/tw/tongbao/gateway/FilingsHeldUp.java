package tw.tongbao.gateway;

import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import tw.tongbao.core.testing.TestDatabase;

/**
 * Holds up every filing at its first write, its subject's sequence number, until closed: a transaction that holds
 * {@code subject_sequence} in share mode (reads go on). Closing rolls it back and lets the filings commit.
 */
final class FilingsHeldUp implements AutoCloseable {

    private final Connection holder;

    private FilingsHeldUp(Connection holder) {
        this.holder = holder;
    }

    /** Holds up the filings of the gateway on {@code database} from now on. */
    static FilingsHeldUp in(TestDatabase database) throws SQLException {
        Connection holder = database.connect();
        try {
            holder.setAutoCommit(false);
            try (Statement statement = holder.createStatement()) {
                statement.execute("lock table subject_sequence in share mode");
            }
            return new FilingsHeldUp(holder);
        } catch (SQLException e) {
            holder.close();
            throw e;
        }
    }

    @Override
    public void close() throws SQLException {
        try (holder) {
            holder.rollback();
        }
    }
}
