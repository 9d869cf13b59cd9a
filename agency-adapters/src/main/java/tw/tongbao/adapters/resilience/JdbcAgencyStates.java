package tw.tongbao.adapters.resilience;

import java.sql.Timestamp;
import java.util.Optional;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Repository;

/** Agency states in the {@code agency_state} table. */
@Repository
class JdbcAgencyStates implements AgencyStates {

    private final JdbcClient jdbc;

    JdbcAgencyStates(JdbcClient jdbc) {
        this.jdbc = jdbc;
    }

    @Override
    public Optional<AgencyState> find(String agency) {
        return jdbc.sql("SELECT agency, paused, disabled, reason, updated_at FROM agency_state WHERE agency = :agency")
                .param("agency", agency)
                .query((rs, n) -> new AgencyState(
                        rs.getString("agency"),
                        rs.getBoolean("paused"),
                        rs.getBoolean("disabled"),
                        rs.getString("reason"),
                        rs.getTimestamp("updated_at").toInstant()))
                .optional();
    }

    @Override
    public void save(AgencyState state) {
        jdbc.sql("INSERT INTO agency_state (agency, paused, disabled, reason, updated_at)"
                        + " VALUES (:agency, :paused, :disabled, :reason, :at) ON CONFLICT (agency) DO UPDATE SET"
                        + " paused = EXCLUDED.paused, disabled = EXCLUDED.disabled, reason = EXCLUDED.reason,"
                        + " updated_at = EXCLUDED.updated_at")
                .param("agency", state.agency())
                .param("paused", state.paused())
                .param("disabled", state.disabled())
                .param("reason", state.reason())
                .param("at", Timestamp.from(state.updatedAt()))
                .update();
    }
}
