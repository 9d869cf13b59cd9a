package tw.tongbao.gateway.security;

import jakarta.servlet.DispatcherType;
import java.util.List;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.http.HttpMethod;
import org.springframework.security.config.annotation.web.builders.HttpSecurity;
import org.springframework.security.config.annotation.web.configurers.AbstractHttpConfigurer;
import org.springframework.security.config.http.SessionCreationPolicy;
import org.springframework.security.config.observation.SecurityObservationSettings;
import org.springframework.security.oauth2.jwt.JwtDecoder;
import org.springframework.security.oauth2.server.resource.authentication.JwtAuthenticationConverter;
import org.springframework.security.web.SecurityFilterChain;
import tools.jackson.databind.json.JsonMapper;

/**
 * The gateway as an OAuth2 resource server: every request needs a bearer token from a trusted sign-in service
 * (CONTRACT §2) except the open paths below; sessions and CSRF are off because nothing rides on cookies.
 */
@Configuration(proxyBeanMethods = false)
class SecurityConfiguration {

    /** Reachable without a token: health probes, agency acknowledgements (signed by the agency), the web assets. */
    static final OpenPaths GATEWAY_OPEN_PATHS = OpenPaths.of(
            "/actuator/health",
            "/actuator/health/**",
            "/api/v1/agency/acknowledgements",
            "/",
            "/*.html",
            "/favicon.ico",
            "/css/**",
            "/js/**",
            "/schemas/**",
            "/xsd/**",
            "/v3/api-docs",
            "/v3/api-docs/**",
            "/swagger-ui.html",
            "/swagger-ui/**");

    static final String OPS_API = "/api/v1/ops/**";

    /**
     * No Spring Security observations: with them every filter of the chain, the authentication and the authorisation
     * is wrapped in an observation per request (about 5 % of a filing's CPU), and no operator reads those series;
     * requests are still timed as {@code http.server.requests}. Docs/benchmarks/2026-11-26-findings.md.
     */
    @Bean
    static SecurityObservationSettings securityObservations() {
        return SecurityObservationSettings.noObservations();
    }

    @Bean
    SecurityFilterChain apiSecurity(
            HttpSecurity http,
            ObjectProvider<JwtDecoder> decoders,
            ObjectProvider<OpenPaths> contributedOpenPaths,
            JsonMapper json)
            throws Exception {
        JwtDecoder decoder = decoders.getIfAvailable();
        if (decoder == null) {
            throw new IssuerTrustNotConfigured();
        }
        List<String> open = contributedOpenPaths
                .orderedStream()
                .flatMap(paths -> paths.patterns().stream())
                .toList();
        TokenProblems problems = new TokenProblems(json);
        http.csrf(AbstractHttpConfigurer::disable)
                .sessionManagement(session -> session.sessionCreationPolicy(SessionCreationPolicy.STATELESS))
                .requestCache(cache -> cache.disable())
                .authorizeHttpRequests(requests -> {
                    // Error dispatches only render the problem of a request already judged.
                    requests.dispatcherTypeMatchers(DispatcherType.ERROR).permitAll();
                    requests.requestMatchers(GATEWAY_OPEN_PATHS.patterns().toArray(String[]::new))
                            .permitAll();
                    if (!open.isEmpty()) {
                        requests.requestMatchers(open.toArray(String[]::new)).permitAll();
                    }
                    requests.requestMatchers(HttpMethod.GET, OPS_API)
                            .hasAnyRole(StaffRole.OPERATOR.name(), StaffRole.AUDITOR.name());
                    requests.requestMatchers(HttpMethod.HEAD, OPS_API)
                            .hasAnyRole(StaffRole.OPERATOR.name(), StaffRole.AUDITOR.name());
                    requests.requestMatchers(OPS_API).hasRole(StaffRole.OPERATOR.name());
                    requests.anyRequest().authenticated();
                })
                .oauth2ResourceServer(server -> server.jwt(
                                jwt -> jwt.decoder(decoder).jwtAuthenticationConverter(authenticationConverter()))
                        .authenticationEntryPoint(problems)
                        .accessDeniedHandler(problems))
                .exceptionHandling(exceptions ->
                        exceptions.authenticationEntryPoint(problems).accessDeniedHandler(problems));
        return http.build();
    }

    private static JwtAuthenticationConverter authenticationConverter() {
        JwtAuthenticationConverter converter = new JwtAuthenticationConverter();
        converter.setJwtGrantedAuthoritiesConverter(new StaffRoles());
        converter.setPrincipalClaimName("sub");
        return converter;
    }
}
