package tw.tongbao.gateway.security;

import java.util.Objects;
import tw.tongbao.core.change.NationalId;

/**
 * The authenticated person making a request; controllers take it as a parameter and never read headers themselves.
 *
 * @param id the filer's national ID
 * @param name the filer's name as the sign-in service knows it, or null
 */
public record Filer(NationalId id, String name) {

    public Filer {
        Objects.requireNonNull(id, "filer id");
        name = name == null || name.isBlank() ? null : name.strip();
    }
}
