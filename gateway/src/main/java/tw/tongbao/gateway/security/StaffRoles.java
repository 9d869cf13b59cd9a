package tw.tongbao.gateway.security;

import java.util.Collection;
import java.util.List;
import java.util.Optional;
import org.springframework.core.convert.converter.Converter;
import org.springframework.security.core.GrantedAuthority;
import org.springframework.security.core.authority.SimpleGrantedAuthority;
import org.springframework.security.oauth2.jwt.Jwt;

/** Turns the token's {@code roles} claim into {@code ROLE_OPERATOR} / {@code ROLE_AUDITOR}, ignoring other values. */
final class StaffRoles implements Converter<Jwt, Collection<GrantedAuthority>> {

    static final String CLAIM = "roles";

    @Override
    public Collection<GrantedAuthority> convert(Jwt jwt) {
        List<String> roles;
        try {
            roles = jwt.getClaimAsStringList(CLAIM);
        } catch (IllegalArgumentException e) {
            // A malformed roles claim grants nothing rather than failing a citizen's request.
            return List.of();
        }
        if (roles == null) {
            return List.of();
        }
        return roles.stream()
                .map(StaffRole::of)
                .flatMap(Optional::stream)
                .distinct()
                .<GrantedAuthority>map(role -> new SimpleGrantedAuthority(role.authority()))
                .toList();
    }
}
