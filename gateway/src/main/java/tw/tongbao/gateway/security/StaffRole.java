package tw.tongbao.gateway.security;

import java.util.Optional;

/** A staff role a sign-in token may carry in its {@code roles} claim (CONTRACT §2, §7). */
public enum StaffRole {
    /** Runs deliveries: reads and acts on the operator API. */
    OPERATOR,
    /** Reads the operator API, never acts. */
    AUDITOR;

    /** The Spring Security authority of this role, e.g. {@code ROLE_OPERATOR}. */
    public String authority() {
        return "ROLE_" + name();
    }

    /** The role a claim value names, or empty for anything else (unknown roles grant nothing). */
    public static Optional<StaffRole> of(String claimValue) {
        for (StaffRole role : values()) {
            if (role.name().equals(claimValue)) {
                return Optional.of(role);
            }
        }
        return Optional.empty();
    }
}
