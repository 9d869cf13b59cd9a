package tw.tongbao.gateway.security;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.springframework.security.authentication.AnonymousAuthenticationToken;
import org.springframework.security.core.authority.SimpleGrantedAuthority;
import org.springframework.security.oauth2.jwt.Jwt;
import org.springframework.security.oauth2.server.resource.authentication.JwtAuthenticationToken;

class FilerArgumentResolverTests {

    @Test
    void readsTheFilerFromTheTokensSubAndName() {
        Filer filer = FilerArgumentResolver.resolve(token(jwt("A123456789", "王小明")));

        assertThat(filer.id().value()).isEqualTo("A123456789");
        assertThat(filer.name()).isEqualTo("王小明");
    }

    @Test
    void allowsATokenWithoutAName() {
        assertThat(FilerArgumentResolver.resolve(token(jwt("A123456789", null))).name())
                .isNull();
    }

    @Test
    void refusesARequestWithoutAToken() {
        assertThatThrownBy(() -> FilerArgumentResolver.resolve(null)).isInstanceOf(FilerNotAuthenticated.class);
        assertThatThrownBy(() -> FilerArgumentResolver.resolve(new AnonymousAuthenticationToken(
                        "key", "anonymous", List.of(new SimpleGrantedAuthority("ROLE_ANONYMOUS")))))
                .isInstanceOf(FilerNotAuthenticated.class);
    }

    @Test
    void refusesASubThatIsNotANationalId() {
        assertThatThrownBy(() -> FilerArgumentResolver.resolve(token(jwt("A123456788", null))))
                .isInstanceOf(FilerNotAuthenticated.class)
                .hasMessageContaining("sub");
        assertThatThrownBy(() -> FilerArgumentResolver.resolve(token(jwt("operator-7", null))))
                .isInstanceOf(FilerNotAuthenticated.class);
    }

    private static JwtAuthenticationToken token(Jwt jwt) {
        return new JwtAuthenticationToken(jwt);
    }

    static Jwt jwt(String subject, String name) {
        Jwt.Builder jwt = Jwt.withTokenValue("t")
                .header("alg", "RS256")
                .subject(subject)
                .issuedAt(Instant.now())
                .expiresAt(Instant.now().plusSeconds(60));
        if (name != null) {
            jwt.claim("name", name);
        }
        return jwt.build();
    }
}
