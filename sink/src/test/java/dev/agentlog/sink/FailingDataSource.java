package dev.agentlog.sink;

import java.io.PrintWriter;
import java.lang.reflect.InvocationHandler;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Proxy;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.SQLFeatureNotSupportedException;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.logging.Logger;
import javax.sql.DataSource;

/**
 * The test PostgreSQL, but getConnection() first throws the queued failures (PostgreSQL down, bad password); and it
 * records the SQL of every statement its connections prepare.
 */
final class FailingDataSource implements DataSource {
    private final DataSource delegate = TestPostgres.dataSource();
    private final Deque<SQLException> failures = new ArrayDeque<>();
    private final List<String> prepared = new CopyOnWriteArrayList<>();
    private SQLException always;

    /** The SQL of the statements prepared so far, in order (clear() forgets them). */
    List<String> prepared() {
        return prepared;
    }

    FailingDataSource failNext(int times, String sqlState) {
        for (int i = 0; i < times; i++) {
            failures.add(new SQLException("test failure " + sqlState, sqlState));
        }
        return this;
    }

    FailingDataSource failAlways(String sqlState) {
        always = new SQLException("test failure " + sqlState, sqlState);
        return this;
    }

    @Override
    public synchronized Connection getConnection() throws SQLException {
        if (always != null) {
            throw always;
        }
        SQLException next = failures.poll();
        if (next != null) {
            throw next;
        }
        return recording(delegate.getConnection());
    }

    private Connection recording(Connection connection) {
        InvocationHandler handler = (proxy, method, args) -> {
            if (method.getName().equals("prepareStatement") && args != null && args[0] instanceof String sql) {
                prepared.add(sql);
            }
            try {
                return method.invoke(connection, args);
            } catch (InvocationTargetException e) {
                throw e.getCause();
            }
        };
        return (Connection) Proxy.newProxyInstance(Connection.class.getClassLoader(), new Class<?>[] {Connection.class},
                handler);
    }

    @Override
    public Connection getConnection(String username, String password) throws SQLException {
        return getConnection();
    }

    @Override
    public PrintWriter getLogWriter() {
        return null;
    }

    @Override
    public void setLogWriter(PrintWriter out) {}

    @Override
    public void setLoginTimeout(int seconds) {}

    @Override
    public int getLoginTimeout() {
        return 0;
    }

    @Override
    public Logger getParentLogger() throws SQLFeatureNotSupportedException {
        throw new SQLFeatureNotSupportedException();
    }

    @Override
    public <T> T unwrap(Class<T> iface) throws SQLException {
        throw new SQLException("not a wrapper");
    }

    @Override
    public boolean isWrapperFor(Class<?> iface) {
        return false;
    }
}
