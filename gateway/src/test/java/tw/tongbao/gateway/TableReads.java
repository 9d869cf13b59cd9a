package tw.tongbao.gateway;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * What one piece of work read of some tables, from PostgreSQL's statistics of the connection that ran it: to show that
 * a read costs the same however many rows the tables hold.
 *
 * @param wholeScans sequential scans of the table
 * @param rows rows read by those scans and fetched through indexes
 * @param indexEntries entries its indexes returned (an index-only scan of every row fetches none)
 */
public record TableReads(long wholeScans, long rows, long indexEntries) {

    /**
     * Runs {@code work} in one transaction with serial plans, so that this backend's own statistics see every row it
     * reads, and answers what it read of each of {@code tables}.
     */
    public static Map<String, TableReads> during(
            TransactionTemplate transaction, JdbcTemplate jdbc, Runnable work, String... tables) {
        return transaction.execute(status -> {
            jdbc.execute("set local max_parallel_workers_per_gather = 0");
            Map<String, TableReads> before = read(jdbc, tables);
            work.run();
            Map<String, TableReads> after = read(jdbc, tables);
            after.replaceAll((table, reads) -> reads.minus(before.get(table)));
            return after;
        });
    }

    /** Asserts that none of the tables was read whole, nor more than {@code most} of its rows or index entries. */
    public static void assertNoneReadWhole(Map<String, TableReads> reads, long most) {
        reads.forEach((table, read) -> {
            assertThat(read.wholeScans()).as("whole scans of %s", table).isZero();
            assertThat(read.rows()).as("rows of %s read", table).isLessThanOrEqualTo(most);
            assertThat(read.indexEntries())
                    .as("index entries of %s read", table)
                    .isLessThanOrEqualTo(most);
        });
    }

    private TableReads minus(TableReads before) {
        return new TableReads(wholeScans - before.wholeScans, rows - before.rows, indexEntries - before.indexEntries);
    }

    /** This transaction's reads, and earlier ones' not yet sent to the statistics (PostgreSQL 15 shows those too). */
    private static Map<String, TableReads> read(JdbcTemplate jdbc, String... tables) {
        Map<String, TableReads> reads = new HashMap<>();
        jdbc.query(
                "select t.relname, t.seq_scan, t.seq_tup_read + coalesce(t.idx_tup_fetch, 0) as rows,"
                        + " (select coalesce(sum(pg_stat_get_xact_tuples_returned(i.indexrelid)), 0)"
                        + "   from pg_index i where i.indrelid = t.relid) as index_entries"
                        + " from pg_stat_xact_user_tables t where t.relname = any(?)",
                rs -> {
                    reads.put(
                            rs.getString("relname"),
                            new TableReads(rs.getLong("seq_scan"), rs.getLong("rows"), rs.getLong("index_entries")));
                },
                (Object) tables);
        assertThat(reads.keySet()).containsExactlyInAnyOrderElementsOf(List.of(tables));
        return reads;
    }
}
