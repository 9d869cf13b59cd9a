package tw.tongbao.gateway.security;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.springframework.security.core.GrantedAuthority;
import org.springframework.security.oauth2.jwt.Jwt;

class StaffRolesTests {

    private final StaffRoles roles = new StaffRoles();

    @Test
    void grantsOperatorAndAuditorAsSpringRoles() {
        assertThat(authorities(jwtWithRoles(List.of("OPERATOR", "AUDITOR"))))
                .containsExactly("ROLE_OPERATOR", "ROLE_AUDITOR");
    }

    @Test
    void grantsNothingForUnknownRolesOrNoClaim() {
        assertThat(authorities(jwtWithRoles(List.of("ADMIN", "operator")))).isEmpty();
        assertThat(authorities(jwtWithRoles(null))).isEmpty();
    }

    private List<String> authorities(Jwt jwt) {
        return roles.convert(jwt).stream().map(GrantedAuthority::getAuthority).toList();
    }

    private static Jwt jwtWithRoles(List<String> values) {
        Jwt.Builder jwt = Jwt.withTokenValue("t")
                .header("alg", "RS256")
                .subject("A123456789")
                .issuedAt(Instant.now())
                .expiresAt(Instant.now().plusSeconds(60));
        if (values != null) {
            jwt.claim("roles", values);
        }
        return jwt.build();
    }
}
