package tw.tongbao.adapters.resilience;

import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

/** Agency states kept in memory for tests: an agency is never paused unless a test says so. */
public final class InMemoryAgencyStates implements AgencyStates {

    private final Map<String, AgencyState> rows = new ConcurrentHashMap<>();

    @Override
    public Optional<AgencyState> find(String agency) {
        return Optional.ofNullable(rows.get(agency));
    }

    @Override
    public void save(AgencyState state) {
        rows.put(state.agency(), state);
    }
}
