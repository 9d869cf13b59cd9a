package tw.tongbao.gateway.status;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.util.List;
import java.util.function.Function;

/**
 * Binds one column of many rows as one SQL array parameter, so a whole batch is written by one statement over
 * {@code unnest(...)} rather than one statement per row.
 */
final class SqlArrays<T> {

    private final Connection connection;
    private final List<T> rows;

    SqlArrays(Connection connection, List<T> rows) {
        this.connection = connection;
        this.rows = rows;
    }

    /** Binds parameter {@code index} to the array of {@code column} over every row, as {@code sqlType[]}. */
    void set(PreparedStatement statement, int index, String sqlType, Function<T, Object> column) throws SQLException {
        Object[] values = rows.stream().map(column).toArray();
        statement.setArray(index, connection.createArrayOf(sqlType, values));
    }
}
