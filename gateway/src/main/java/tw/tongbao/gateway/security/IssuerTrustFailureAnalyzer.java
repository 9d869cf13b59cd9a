package tw.tongbao.gateway.security;

import org.springframework.boot.diagnostics.AbstractFailureAnalyzer;
import org.springframework.boot.diagnostics.FailureAnalysis;

/** Explains a start-up without a trusted token issuer in plain words instead of a bean-creation stack trace. */
class IssuerTrustFailureAnalyzer extends AbstractFailureAnalyzer<IssuerTrustNotConfigured> {

    @Override
    protected FailureAnalysis analyze(Throwable rootFailure, IssuerTrustNotConfigured cause) {
        return new FailureAnalysis(
                "No sign-in service is trusted: neither a JWK set URI nor a public key is configured, and the demo"
                        + " profile is off.",
                "Set SPRING_SECURITY_OAUTH2_RESOURCESERVER_JWT_JWKSETURI to the issuer's JWK set URI, or"
                        + " TONGBAO_JWT_PUBLIC_KEY to the path of its PEM public key; for a local trial start the"
                        + " gateway with --spring.profiles.active=demo.",
                cause);
    }
}
