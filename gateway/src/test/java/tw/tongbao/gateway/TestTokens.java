package tw.tongbao.gateway;

import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JOSEObjectType;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.crypto.RSASSASigner;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.KeyPairGenerator;
import java.security.PrivateKey;
import java.security.spec.PKCS8EncodedKeySpec;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.Date;
import java.util.List;
import java.util.UUID;
import java.util.function.UnaryOperator;

/**
 * Mints RS256 sign-in tokens (CONTRACT §2) with the test key pair the gateway trusts in tests
 * ({@code src/test/resources/application.properties}).
 */
public final class TestTokens {

    /** Where the gateway finds the matching public key in tests. */
    public static final String PUBLIC_KEY_LOCATION = "classpath:tongbao-test-jwt/public.pem";

    private static final PrivateKey TRUSTED_KEY = loadPrivateKey("/tongbao-test-jwt/private.pem");

    private TestTokens() {}

    /** A citizen's token: {@code sub} = national ID, {@code name} = 王小明, valid for an hour. */
    public static String citizen(String nationalId) {
        return citizen(nationalId, "王小明");
    }

    /** A citizen's token with the given name. */
    public static String citizen(String nationalId, String name) {
        return sign(TRUSTED_KEY, claims(nationalId, name).build());
    }

    /** A staff member's token carrying the given {@code roles}. */
    public static String staff(String subject, String... roles) {
        return sign(
                TRUSTED_KEY,
                claims(subject, "職員").claim("roles", List.of(roles)).build());
    }

    /** A citizen's token that expired a while ago. */
    public static String expired(String nationalId) {
        Instant past = Instant.now().minus(Duration.ofHours(2));
        return sign(
                TRUSTED_KEY,
                claims(nationalId, "王小明")
                        .issueTime(Date.from(past))
                        .expirationTime(Date.from(past.plus(Duration.ofHours(1))))
                        .build());
    }

    /** A well-formed citizen's token signed by a key the gateway does not trust. */
    public static String signedByAnotherKey(String nationalId) {
        try {
            KeyPairGenerator generator = KeyPairGenerator.getInstance("RSA");
            generator.initialize(2048);
            return sign(
                    generator.generateKeyPair().getPrivate(),
                    claims(nationalId, "王小明").build());
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }

    /** A trusted token with claims adjusted by the caller. */
    public static String custom(UnaryOperator<JWTClaimsSet.Builder> adjust) {
        return sign(TRUSTED_KEY, adjust.apply(claims(null, null)).build());
    }

    /** The {@code Authorization} header value for a token. */
    public static String bearer(String token) {
        return "Bearer " + token;
    }

    private static JWTClaimsSet.Builder claims(String subject, String name) {
        Instant now = Instant.now();
        JWTClaimsSet.Builder claims = new JWTClaimsSet.Builder()
                .issuer("https://signin.test.tongbao.tw")
                .issueTime(Date.from(now))
                .expirationTime(Date.from(now.plus(Duration.ofHours(1))))
                .jwtID(UUID.randomUUID().toString());
        if (subject != null) {
            claims.subject(subject);
        }
        if (name != null) {
            claims.claim("name", name);
        }
        return claims;
    }

    private static String sign(PrivateKey key, JWTClaimsSet claims) {
        SignedJWT jwt = new SignedJWT(
                new JWSHeader.Builder(JWSAlgorithm.RS256)
                        .type(JOSEObjectType.JWT)
                        .build(),
                claims);
        try {
            jwt.sign(new RSASSASigner(key));
        } catch (JOSEException e) {
            throw new IllegalStateException(e);
        }
        return jwt.serialize();
    }

    private static PrivateKey loadPrivateKey(String resource) {
        try (InputStream in = TestTokens.class.getResourceAsStream(resource)) {
            if (in == null) {
                throw new IllegalStateException(resource + " is missing from the test classpath");
            }
            String pem = new String(in.readAllBytes(), StandardCharsets.US_ASCII)
                    .replaceAll("-----[A-Z ]+-----", "")
                    .replaceAll("\\s", "");
            return KeyFactory.getInstance("RSA")
                    .generatePrivate(new PKCS8EncodedKeySpec(Base64.getDecoder().decode(pem)));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }
}
