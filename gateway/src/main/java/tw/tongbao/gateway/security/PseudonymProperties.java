package tw.tongbao.gateway.security;

import org.springframework.boot.context.properties.ConfigurationProperties;

/**
 * The key of per-agency subject pseudonyms ({@code tongbao.pseudonym.*}).
 *
 * @param key base64 of at least 32 random bytes (env {@code TONGBAO_PSEUDONYM_KEY}); the default is public and for
 *     development only, and logs a warning at start-up
 */
@ConfigurationProperties("tongbao.pseudonym")
public record PseudonymProperties(String key) {

    /** Public development key: every real deployment must set its own (changing it changes every subjectRef). */
    static final String DEVELOPMENT_KEY = "dG9uZ2Jhby1kZXZlbG9wbWVudC1wc2V1ZG9ueW0ta2V5LW5vdC1zZWNyZXQ=";

    public PseudonymProperties {
        key = key == null || key.isBlank() ? DEVELOPMENT_KEY : key.strip();
    }

    /** Whether the public development key is in use. */
    boolean isDevelopmentKey() {
        return DEVELOPMENT_KEY.equals(key);
    }
}
