package tw.tongbao.gateway.demo;

import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.jwk.JWKSet;
import com.nimbusds.jose.jwk.RSAKey;
import com.nimbusds.jose.jwk.gen.RSAKeyGenerator;
import com.nimbusds.jose.jwk.source.ImmutableJWKSet;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.UUID;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.security.oauth2.jose.jws.SignatureAlgorithm;
import org.springframework.security.oauth2.jwt.JwsHeader;
import org.springframework.security.oauth2.jwt.JwtClaimsSet;
import org.springframework.security.oauth2.jwt.JwtDecoder;
import org.springframework.security.oauth2.jwt.JwtEncoderParameters;
import org.springframework.security.oauth2.jwt.JwtValidators;
import org.springframework.security.oauth2.jwt.NimbusJwtDecoder;
import org.springframework.security.oauth2.jwt.NimbusJwtEncoder;
import tw.tongbao.core.change.NationalId;
import tw.tongbao.gateway.security.StaffRole;

/**
 * A stand-in sign-in service for local trials: an RSA key pair made at start-up (in memory only) that signs RS256
 * tokens shaped like the real ones (CONTRACT §2) and verifies them.
 */
final class DemoIssuer {

    private static final Logger log = LoggerFactory.getLogger(DemoIssuer.class);

    static final String ISSUER = "tongbao-demo";
    static final Duration LIFETIME = Duration.ofHours(1);
    private static final int NAME_LIMIT = 100;

    private final RSAKey key;
    private final NimbusJwtEncoder encoder;
    private final Clock clock;

    DemoIssuer(Clock clock) {
        this.clock = clock;
        try {
            key = new RSAKeyGenerator(2048)
                    .keyID(UUID.randomUUID().toString())
                    .algorithm(JWSAlgorithm.RS256)
                    .generate();
        } catch (JOSEException e) {
            throw new IllegalStateException("cannot make the demo issuer's RSA key pair", e);
        }
        encoder = new NimbusJwtEncoder(new ImmutableJWKSet<>(new JWKSet(key)));
    }

    /** Signs a token for the given filer; throws {@link InvalidDemoTokenRequest} for input a real issuer would not sign. */
    DemoToken mint(String subject, String name, List<String> roles) {
        List<DemoTokenProblem> problems = new ArrayList<>();
        String sub = subject == null ? "" : subject.strip().toUpperCase(Locale.ROOT);
        if (!NationalId.isValid(sub)) {
            problems.add(new DemoTokenProblem("sub", "must be a valid national ID, e.g. A123456789"));
        }
        String fullName = name == null ? "" : name.strip();
        if (fullName.isEmpty() || fullName.length() > NAME_LIMIT) {
            problems.add(new DemoTokenProblem("name", "must be 1 to " + NAME_LIMIT + " characters"));
        }
        List<String> staffRoles = roles == null
                ? List.of()
                : roles.stream()
                        .map(String::strip)
                        .filter(r -> !r.isEmpty())
                        .distinct()
                        .toList();
        if (staffRoles.stream().anyMatch(role -> StaffRole.of(role).isEmpty())) {
            problems.add(new DemoTokenProblem("roles", "may only hold OPERATOR and AUDITOR"));
        }
        if (!problems.isEmpty()) {
            throw new InvalidDemoTokenRequest(problems);
        }
        Instant now = clock.instant();
        JwtClaimsSet.Builder claims = JwtClaimsSet.builder()
                .issuer(ISSUER)
                .subject(sub)
                .claim("name", fullName)
                .issuedAt(now)
                .expiresAt(now.plus(LIFETIME))
                .id(UUID.randomUUID().toString());
        if (!staffRoles.isEmpty()) {
            claims.claim("roles", staffRoles);
        }
        JwsHeader header =
                JwsHeader.with(SignatureAlgorithm.RS256).keyId(key.getKeyID()).build();
        String token = encoder.encode(JwtEncoderParameters.from(header, claims.build()))
                .getTokenValue();
        log.info("Demo issuer signed a token for {} with roles {}", new NationalId(sub).masked(), staffRoles);
        return new DemoToken(token, "Bearer", LIFETIME.toSeconds());
    }

    /** The public half of the key as a JWK set, for anyone who wants to verify demo tokens themselves. */
    Map<String, Object> jwkSet() {
        return new JWKSet(key.toPublicJWK()).toJSONObject();
    }

    /** Verifies tokens this issuer signed: signature, expiry and issuer. */
    JwtDecoder decoder() {
        try {
            NimbusJwtDecoder decoder =
                    NimbusJwtDecoder.withPublicKey(key.toRSAPublicKey()).build();
            decoder.setJwtValidator(JwtValidators.createDefaultWithIssuer(ISSUER));
            return decoder;
        } catch (JOSEException e) {
            throw new IllegalStateException("cannot read the demo issuer's public key", e);
        }
    }
}
