package tw.tongbao.core.signature;

import java.nio.charset.StandardCharsets;
import java.security.InvalidKeyException;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.List;
import java.util.stream.Collectors;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/** Standard Webhooks {@code v1} signatures: HMAC-SHA256 over {@code id.timestamp.body}. */
public final class WebhookSignature {

    /** Header carrying the message id (= delivery id). */
    public static final String ID_HEADER = "webhook-id";
    /** Header carrying the Unix seconds of the attempt. */
    public static final String TIMESTAMP_HEADER = "webhook-timestamp";
    /** Header carrying one or more space-separated {@code v1,<base64>} signatures. */
    public static final String SIGNATURE_HEADER = "webhook-signature";
    /** How far a timestamp may be from now before the message counts as stale. */
    public static final Duration TOLERANCE = Duration.ofMinutes(5);

    private WebhookSignature() {}

    /** The {@code webhook-signature} value: one {@code v1,…} per secret, space-separated, in the given order. */
    public static String sign(List<WebhookSecret> secrets, String id, long timestamp, byte[] body) {
        if (secrets.isEmpty()) {
            throw new IllegalArgumentException("signing needs at least one secret");
        }
        return secrets.stream().map(secret -> sign(secret, id, timestamp, body)).collect(Collectors.joining(" "));
    }

    /** One {@code v1,<base64>} signature. */
    public static String sign(WebhookSecret secret, String id, long timestamp, byte[] body) {
        return "v1," + Base64.getEncoder().encodeToString(hmac(secret, id, timestamp, body));
    }

    /** Whether any {@code v1} signature in the header verifies under any secret, and the timestamp is fresh. */
    public static boolean verify(
            List<WebhookSecret> secrets,
            String id,
            String timestamp,
            String signatureHeader,
            byte[] body,
            Instant now) {
        if (id == null || timestamp == null || signatureHeader == null) {
            return false;
        }
        long seconds;
        try {
            seconds = Long.parseLong(timestamp.trim());
        } catch (NumberFormatException e) {
            return false;
        }
        if (Math.abs(now.getEpochSecond() - seconds) > TOLERANCE.toSeconds()) {
            return false;
        }
        for (String candidate : signatureHeader.trim().split(" +")) {
            if (!candidate.startsWith("v1,")) {
                continue;
            }
            byte[] presented;
            try {
                presented = Base64.getDecoder().decode(candidate.substring(3));
            } catch (IllegalArgumentException e) {
                continue;
            }
            for (WebhookSecret secret : secrets) {
                if (MessageDigest.isEqual(presented, hmac(secret, id, seconds, body))) {
                    return true;
                }
            }
        }
        return false;
    }

    private static byte[] hmac(WebhookSecret secret, String id, long timestamp, byte[] body) {
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(new SecretKeySpec(secret.key(), "HmacSHA256"));
            mac.update((id + "." + timestamp + ".").getBytes(StandardCharsets.UTF_8));
            return mac.doFinal(body);
        } catch (NoSuchAlgorithmException | InvalidKeyException e) {
            throw new IllegalStateException("HmacSHA256 is unavailable", e);
        }
    }
}
