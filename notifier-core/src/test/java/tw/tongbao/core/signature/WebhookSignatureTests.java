package tw.tongbao.core.signature;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.standardwebhooks.Webhook;
import java.net.http.HttpHeaders;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class WebhookSignatureTests {

    private static final String SECRET = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw";
    private static final String ID = "msg_p5jXN8AQM9LWM0D4loKWxJek";
    private static final long TIMESTAMP = 1614265330;
    private static final byte[] BODY = "{\"test\": 2432232314}".getBytes(StandardCharsets.UTF_8);

    @Test
    void signsThePublishedTestVector() {
        String signature = WebhookSignature.sign(WebhookSecret.parse(SECRET), ID, TIMESTAMP, BODY);

        assertThat(signature).isEqualTo("v1,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE=");
    }

    @Test
    void referenceVerifierAcceptsOurSignature() throws Exception {
        long now = Instant.now().getEpochSecond();
        String signature = WebhookSignature.sign(List.of(WebhookSecret.parse(SECRET)), ID, now, BODY);

        HttpHeaders headers = HttpHeaders.of(
                Map.of(
                        "webhook-id", List.of(ID),
                        "webhook-timestamp", List.of(Long.toString(now)),
                        "webhook-signature", List.of(signature)),
                (a, b) -> true);
        new Webhook(SECRET).verify(new String(BODY, StandardCharsets.UTF_8), headers);
    }

    @Test
    void signsWithEverySecretDuringRotationSpaceSeparated() {
        WebhookSecret current = WebhookSecret.parse(SECRET);
        WebhookSecret previous = WebhookSecret.parse("whsec_" + "A".repeat(32));

        String header = WebhookSignature.sign(List.of(current, previous), ID, TIMESTAMP, BODY);

        assertThat(header.split(" ")).hasSize(2).allMatch(part -> part.startsWith("v1,"));
        Instant then = Instant.ofEpochSecond(TIMESTAMP);
        assertThat(WebhookSignature.verify(List.of(previous), ID, "" + TIMESTAMP, header, BODY, then))
                .isTrue();
        assertThat(WebhookSignature.verify(List.of(current), ID, "" + TIMESTAMP, header, BODY, then))
                .isTrue();
    }

    @Test
    void rejectsTamperedBodyWrongSecretAndStaleTimestamp() {
        WebhookSecret secret = WebhookSecret.parse(SECRET);
        String header = WebhookSignature.sign(secret, ID, TIMESTAMP, BODY);
        Instant then = Instant.ofEpochSecond(TIMESTAMP);

        byte[] tampered = "{\"test\": 2432232315}".getBytes(StandardCharsets.UTF_8);
        assertThat(WebhookSignature.verify(List.of(secret), ID, "" + TIMESTAMP, header, tampered, then))
                .isFalse();
        assertThat(WebhookSignature.verify(
                        List.of(WebhookSecret.parse("whsec_" + "B".repeat(32))),
                        ID,
                        "" + TIMESTAMP,
                        header,
                        BODY,
                        then))
                .isFalse();
        assertThat(WebhookSignature.verify(List.of(secret), ID, "" + TIMESTAMP, header, BODY, then.plusSeconds(301)))
                .isFalse();
        assertThat(WebhookSignature.verify(List.of(secret), ID, "soon", header, BODY, then))
                .isFalse();
    }

    @Test
    void refusesMalformedSecretsWithoutEchoingThem() {
        assertThatThrownBy(() -> WebhookSecret.parse("MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw"))
                .hasMessageNotContaining("MfKQ9r8G");
        assertThatThrownBy(() -> WebhookSecret.parse("whsec_c2hvcnQ=")).hasMessageContaining("24 to 64 bytes");
        assertThat(WebhookSecret.parse(SECRET).toString()).doesNotContain("MfKQ");
    }
}
