package tw.tongbao.core.signature;

import java.util.Base64;

/**
 * A Standard Webhooks secret: {@code whsec_} and the base64 of 24–64 random bytes; the HMAC key is those bytes.
 *
 * @param key the decoded key bytes
 */
public record WebhookSecret(byte[] key) {

    private static final String PREFIX = "whsec_";

    public WebhookSecret {
        if (key == null || key.length < 24 || key.length > 64) {
            throw new IllegalArgumentException("a webhook secret must hold 24 to 64 bytes");
        }
        key = key.clone();
    }

    /** Parses {@code whsec_…}; the message never repeats the secret. */
    public static WebhookSecret parse(String text) {
        if (text == null || !text.startsWith(PREFIX)) {
            throw new IllegalArgumentException("a webhook secret must start with " + PREFIX);
        }
        try {
            return new WebhookSecret(Base64.getDecoder().decode(text.substring(PREFIX.length())));
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException(
                    "a webhook secret must be " + PREFIX + " followed by base64 of 24 to 64 bytes");
        }
    }

    @Override
    public byte[] key() {
        return key.clone();
    }

    @Override
    public String toString() {
        return PREFIX + "****";
    }

    @Override
    public boolean equals(Object other) {
        return other instanceof WebhookSecret that && java.util.Arrays.equals(key, that.key);
    }

    @Override
    public int hashCode() {
        return java.util.Arrays.hashCode(key);
    }
}
