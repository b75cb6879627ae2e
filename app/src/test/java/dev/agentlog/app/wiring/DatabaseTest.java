package dev.agentlog.app.wiring;

import static org.assertj.core.api.Assertions.assertThat;

import com.zaxxer.hikari.HikariDataSource;
import dev.agentlog.app.e2e.TestRuntime;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.List;
import org.junit.jupiter.api.Test;

class DatabaseTest {

    /** The sink's lookups must be planned for their parameters, not by a generic plan made on an empty table. */
    @Test
    void shouldPlanEveryStatementForItsParameters() throws Exception {
        TestRuntime runtime = TestRuntime.get();
        try (HikariDataSource pool = Database.pool(runtime.postgres.jdbcUrl(), runtime.postgres.user(), "", 1, "test");
             Connection c = pool.getConnection();
             Statement s = c.createStatement();
             ResultSet rs = s.executeQuery("SHOW plan_cache_mode")) {
            rs.next();
            assertThat(rs.getString(1)).isEqualTo("force_custom_plan");
        }
    }

    /** A client gone from the network is let go by the server within ~30 s, not hours (SinkHostCutOffTest). */
    @Test
    void shouldAskTheServerToNoticeAClientGoneFromTheNetwork() throws Exception {
        TestRuntime runtime = TestRuntime.get();
        try (HikariDataSource pool = Database.pool(runtime.postgres.jdbcUrl(), runtime.postgres.user(), "", 1, "test");
             Connection c = pool.getConnection();
             Statement s = c.createStatement();
             ResultSet rs = s.executeQuery("SELECT current_setting('tcp_keepalives_idle'), "
                     + "current_setting('tcp_keepalives_interval'), current_setting('tcp_keepalives_count'), "
                     + "current_setting('tcp_user_timeout')")) {
            rs.next();
            assertThat(List.of(rs.getString(1), rs.getString(2), rs.getString(3), rs.getString(4)))
                    .containsExactly("10", "5", "3", "30000");
        }
    }
}
