package tw.tongbao.adapters.transport;

import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Proxy;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.BiFunction;
import javax.sql.DataSource;
import org.springframework.jdbc.datasource.DelegatingDataSource;

/** Counts the statements code sends to PostgreSQL through a data source: each execution, and each row of a batch. */
final class StatementCounter {

    private StatementCounter() {}

    /** {@code target}, counting into {@code statements} every prepared statement executed or added to a batch. */
    static DataSource counting(DataSource target, AtomicInteger statements) {
        return new DelegatingDataSource(target) {
            @Override
            public Connection getConnection() throws SQLException {
                Connection connection = super.getConnection();
                return proxy(Connection.class, connection, (name, result) -> {
                    if (result instanceof PreparedStatement statement) {
                        return proxy(PreparedStatement.class, statement, (call, returned) -> {
                            if (call.equals("addBatch")
                                    || call.equals("execute")
                                    || call.equals("executeQuery")
                                    || call.equals("executeUpdate")
                                    || call.equals("executeLargeUpdate")) {
                                statements.incrementAndGet();
                            }
                            return returned;
                        });
                    }
                    return result;
                });
            }
        };
    }

    /** {@code target} as a {@code type} that hands each call's name and result to {@code after}, which may replace it. */
    private static <T> T proxy(Class<T> type, T target, BiFunction<String, Object, Object> after) {
        return type.cast(Proxy.newProxyInstance(type.getClassLoader(), new Class<?>[] {type}, (proxy, method, args) -> {
            try {
                return after.apply(method.getName(), method.invoke(target, args));
            } catch (InvocationTargetException e) {
                throw e.getCause();
            }
        }));
    }
}
