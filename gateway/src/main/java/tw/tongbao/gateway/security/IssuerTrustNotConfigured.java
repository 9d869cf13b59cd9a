package tw.tongbao.gateway.security;

/** Thrown at start-up when the gateway has been told of no sign-in service whose tokens it may trust. */
public final class IssuerTrustNotConfigured extends IllegalStateException {

    IssuerTrustNotConfigured() {
        super("The gateway trusts no sign-in service, so it could not authenticate any request. Set"
                + " spring.security.oauth2.resourceserver.jwt.jwk-set-uri (the issuer's JWK set URI) or"
                + " TONGBAO_JWT_PUBLIC_KEY (path to the issuer's PEM public key), or run the local demo issuer with"
                + " --spring.profiles.active=demo (never in production).");
    }
}
