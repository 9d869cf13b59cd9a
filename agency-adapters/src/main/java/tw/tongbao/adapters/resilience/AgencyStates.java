package tw.tongbao.adapters.resilience;

import java.util.Optional;

/** Where agency states are kept. */
public interface AgencyStates {

    /** The stored state of one agency, if it was ever changed. */
    Optional<AgencyState> find(String agency);

    /** Stores (inserts or replaces) one agency's state. */
    void save(AgencyState state);
}
