package tw.tongbao.bench.load;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyFactory;
import java.security.PublicKey;
import java.security.Signature;
import java.security.spec.X509EncodedKeySpec;
import java.util.Base64;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

class SignInTests {

    @Test
    void tokensVerifyUnderThePublishedPublicKeyAndNameTheFiler(@TempDir Path directory) throws Exception {
        SignIn signIn = SignIn.create(directory.resolve("public.pem"));

        String[] parts = signIn.token("A123456789", "陳志明").split("\\.");

        String pem = Files.readString(signIn.publicKeyPem())
                .replace("-----BEGIN PUBLIC KEY-----", "")
                .replace("-----END PUBLIC KEY-----", "")
                .replaceAll("\\s", "");
        PublicKey key = KeyFactory.getInstance("RSA")
                .generatePublic(new X509EncodedKeySpec(Base64.getDecoder().decode(pem)));
        Signature rsa = Signature.getInstance("SHA256withRSA");
        rsa.initVerify(key);
        rsa.update((parts[0] + "." + parts[1]).getBytes(StandardCharsets.US_ASCII));
        assertThat(rsa.verify(Base64.getUrlDecoder().decode(parts[2]))).isTrue();
        JsonNode claims =
                JsonMapper.builder().build().readTree(Base64.getUrlDecoder().decode(parts[1]));
        assertThat(claims.path("sub").asString()).isEqualTo("A123456789");
        assertThat(claims.path("name").asString()).isEqualTo("陳志明");
        assertThat(claims.path("exp").asLong()).isGreaterThan(claims.path("iat").asLong());
    }
}
