package tw.tongbao.adapters.resilience;

import java.time.Instant;

/**
 * Whether the dispatcher may claim an agency's deliveries ({@code agency_state}).
 *
 * @param agency the agency's code
 * @param paused an operator paused it
 * @param disabled it answered 410; an operator must enable it again
 * @param reason why it was last paused or disabled, or null
 * @param updatedAt when it last changed
 */
public record AgencyState(String agency, boolean paused, boolean disabled, String reason, Instant updatedAt) {

    /** An agency nobody has touched: active. */
    public static AgencyState active(String agency, Instant at) {
        return new AgencyState(agency, false, false, null, at);
    }

    /** Whether its deliveries may be claimed. */
    public boolean isActive() {
        return !paused && !disabled;
    }

    AgencyState withPaused(boolean value, String why, Instant at) {
        return new AgencyState(agency, value, disabled, why, at);
    }

    AgencyState withDisabled(boolean value, String why, Instant at) {
        return new AgencyState(agency, paused, value, why, at);
    }
}
