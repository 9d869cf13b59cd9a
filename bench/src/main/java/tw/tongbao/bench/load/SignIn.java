package tw.tongbao.bench.load;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.PrivateKey;
import java.security.Signature;
import java.time.Instant;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.Map;
import tools.jackson.databind.json.JsonMapper;

/**
 * The benchmark's own sign-in service: an RSA key pair whose public half the gateway trusts (PEM file), and RS256
 * bearer tokens with the filer's national ID as {@code sub} and name as {@code name} (CONTRACT §2).
 */
public final class SignIn {

    private static final JsonMapper JSON = JsonMapper.builder().build();
    private static final Base64.Encoder URL = Base64.getUrlEncoder().withoutPadding();
    private static final String HEADER =
            URL.encodeToString("{\"alg\":\"RS256\",\"typ\":\"JWT\"}".getBytes(StandardCharsets.UTF_8));

    private final PrivateKey privateKey;
    private final Path publicKeyPem;

    private SignIn(PrivateKey privateKey, Path publicKeyPem) {
        this.privateKey = privateKey;
        this.publicKeyPem = publicKeyPem;
    }

    /** A fresh key pair; the public key is written as PEM to {@code publicKeyPem}. */
    public static SignIn create(Path publicKeyPem) {
        try {
            KeyPairGenerator generator = KeyPairGenerator.getInstance("RSA");
            generator.initialize(2048);
            KeyPair pair = generator.generateKeyPair();
            String pem = "-----BEGIN PUBLIC KEY-----\n"
                    + Base64.getMimeEncoder(64, "\n".getBytes(StandardCharsets.US_ASCII))
                            .encodeToString(pair.getPublic().getEncoded())
                    + "\n-----END PUBLIC KEY-----\n";
            Files.writeString(publicKeyPem, pem, StandardCharsets.US_ASCII);
            return new SignIn(pair.getPrivate(), publicKeyPem);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("cannot make an RSA key pair", e);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The PEM file of the public key (for {@code TONGBAO_JWT_PUBLIC_KEY}). */
    public Path publicKeyPem() {
        return publicKeyPem;
    }

    /** A bearer token for the filer, valid for two hours. */
    public String token(String nationalId, String name) {
        Instant now = Instant.now();
        Map<String, Object> claims = new LinkedHashMap<>();
        claims.put("sub", nationalId);
        claims.put("name", name);
        claims.put("iat", now.getEpochSecond());
        claims.put("exp", now.plusSeconds(7200).getEpochSecond());
        String signingInput = HEADER + "." + URL.encodeToString(JSON.writeValueAsBytes(claims));
        try {
            Signature rsa = Signature.getInstance("SHA256withRSA");
            rsa.initSign(privateKey);
            rsa.update(signingInput.getBytes(StandardCharsets.US_ASCII));
            return signingInput + "." + URL.encodeToString(rsa.sign());
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("cannot sign a token", e);
        }
    }
}
