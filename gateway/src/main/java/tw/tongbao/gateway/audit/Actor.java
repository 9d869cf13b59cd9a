package tw.tongbao.gateway.audit;

import java.util.List;
import java.util.Objects;
import java.util.TreeSet;
import org.springframework.security.core.GrantedAuthority;
import org.springframework.security.oauth2.server.resource.authentication.JwtAuthenticationToken;

/**
 * Who acts or reads, as the audit log records it: the token's {@code sub}, its {@code name} and staff roles.
 *
 * @param subject the token's {@code sub}
 * @param name the token's {@code name}, or null
 * @param roles the staff roles it carries, without the {@code ROLE_} prefix, sorted
 */
public record Actor(String subject, String name, List<String> roles) {

    public Actor {
        Objects.requireNonNull(subject, "subject");
        if (subject.isBlank()) {
            throw new IllegalArgumentException("an actor needs a subject");
        }
        roles = List.copyOf(new TreeSet<>(roles));
    }

    /** The actor behind a verified bearer token. */
    public static Actor of(JwtAuthenticationToken authentication) {
        List<String> roles = authentication.getAuthorities().stream()
                .map(GrantedAuthority::getAuthority)
                .filter(authority -> authority != null && authority.startsWith("ROLE_"))
                .map(authority -> authority.substring("ROLE_".length()))
                .toList();
        return new Actor(
                authentication.getToken().getSubject(),
                authentication.getToken().getClaimAsString("name"),
                roles);
    }

    /** The roles as stored: comma-separated, sorted. */
    String rolesText() {
        return String.join(",", roles);
    }
}
