package tw.tongbao.gateway.demo;

import com.fasterxml.jackson.annotation.JsonProperty;

/**
 * A token as OAuth2 token endpoints answer it.
 *
 * @param accessToken the signed JWT
 * @param tokenType always {@code Bearer}
 * @param expiresIn seconds until it expires
 */
record DemoToken(
        @JsonProperty("access_token") String accessToken,
        @JsonProperty("token_type") String tokenType,
        @JsonProperty("expires_in") long expiresIn) {}
