package tw.tongbao.gateway.acknowledgement;

import java.time.Clock;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.stereotype.Component;
import tw.tongbao.core.agency.Agency;
import tw.tongbao.core.agency.AgencyCode;
import tw.tongbao.core.agency.AgencyRegistry;
import tw.tongbao.core.signature.WebhookSecret;
import tw.tongbao.core.signature.WebhookSignature;

/**
 * Proves a request comes from the agency it names: a Standard Webhooks signature over the exact body bytes under
 * one of that agency's own secrets, with a timestamp at most five minutes from the gateway's clock.
 */
@Component
class AgencySignatures {

    /** The header naming the agency that signed. */
    static final String AGENCY_HEADER = "tongbao-agency";

    static final int MAX_ID_LENGTH = 255;

    private static final Logger log = LoggerFactory.getLogger(AgencySignatures.class);

    private final AgencyRegistry registry;
    private final Clock clock;

    AgencySignatures(AgencyRegistry registry, Clock clock) {
        this.registry = registry;
        this.clock = clock;
    }

    /** The agency that signed, or {@link AgencyNotAuthenticated} saying what is missing or wrong. */
    Agency authenticate(String agencyCode, String id, String timestamp, String signature, byte[] body) {
        if (agencyCode == null || agencyCode.isBlank()) {
            throw new AgencyNotAuthenticated("the " + AGENCY_HEADER + " header is required");
        }
        Agency agency = code(agencyCode.strip())
                .flatMap(registry::find)
                .orElseThrow(() -> new AgencyNotAuthenticated(AGENCY_HEADER + " names no agency Tongbao knows"));
        if (id == null || id.isBlank() || timestamp == null || signature == null) {
            throw new AgencyNotAuthenticated(
                    "the webhook-id, webhook-timestamp and webhook-signature headers are" + " required");
        }
        if (id.length() > MAX_ID_LENGTH) {
            throw new AgencyNotAuthenticated("webhook-id must be at most " + MAX_ID_LENGTH + " characters");
        }
        Instant now = clock.instant();
        long seconds;
        try {
            seconds = Long.parseLong(timestamp.strip());
        } catch (NumberFormatException e) {
            throw new AgencyNotAuthenticated("webhook-timestamp must be Unix seconds");
        }
        if (Math.abs(now.getEpochSecond() - seconds) > WebhookSignature.TOLERANCE.toSeconds()) {
            throw new AgencyNotAuthenticated("webhook-timestamp is more than 5 minutes away from the gateway's clock");
        }
        if (!WebhookSignature.verify(secrets(agency), id, timestamp, signature, body, now)) {
            log.info("acknowledgement {} claiming to be from {} refused: no signature matches", id, agency.code());
            throw new AgencyNotAuthenticated(
                    "no webhook-signature matches the body under " + agency.code() + "'s secret");
        }
        return agency;
    }

    private static List<WebhookSecret> secrets(Agency agency) {
        try {
            return agency.secrets().stream().map(WebhookSecret::parse).toList();
        } catch (IllegalArgumentException e) {
            // A misconfigured secret can verify nothing; the message never repeats the secret.
            log.warn("agency {} has an unusable signing secret: {}", agency.code(), e.getMessage());
            return List.of();
        }
    }

    private static Optional<AgencyCode> code(String text) {
        try {
            return Optional.of(new AgencyCode(text));
        } catch (IllegalArgumentException e) {
            return Optional.empty();
        }
    }
}
