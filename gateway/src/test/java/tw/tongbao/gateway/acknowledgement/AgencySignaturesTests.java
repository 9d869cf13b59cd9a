package tw.tongbao.gateway.acknowledgement;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import org.junit.jupiter.api.Test;
import tw.tongbao.core.agency.Agency;
import tw.tongbao.core.agency.AgencyCode;
import tw.tongbao.core.agency.AgencyRegistry;
import tw.tongbao.core.fixtures.ReferenceAgencies;
import tw.tongbao.core.signature.WebhookSecret;
import tw.tongbao.core.signature.WebhookSignature;

/** Who may acknowledge: only the named agency, signing the exact bytes with its own secret, recently. */
class AgencySignaturesTests {

    private static final Instant NOW = Instant.parse("2026-11-26T09:00:00Z");
    private static final AgencyRegistry REGISTRY = ReferenceAgencies.registry();
    private static final byte[] BODY =
            "{\"deliveryId\":\"0d6c3f0e-0000-4000-8000-000000000001\",\"outcome\":\"APPLIED\"}"
                    .getBytes(StandardCharsets.UTF_8);

    private final AgencySignatures signatures = new AgencySignatures(REGISTRY, Clock.fixed(NOW, ZoneOffset.UTC));

    @Test
    void acceptsTheAgencysOwnSignature() {
        String signature = sign("CEC", "ack-1", NOW.getEpochSecond(), BODY);

        Agency agency = signatures.authenticate("CEC", "ack-1", ts(NOW.getEpochSecond()), signature, BODY);

        assertThat(agency.code().value()).isEqualTo("CEC");
    }

    @Test
    void acceptsAnyOfSeveralSignaturesDuringKeyRotation() {
        String other = sign("NTA", "ack-1", NOW.getEpochSecond(), BODY);
        String own = sign("CEC", "ack-1", NOW.getEpochSecond(), BODY);

        assertThat(signatures.authenticate("CEC", "ack-1", ts(NOW.getEpochSecond()), other + " " + own, BODY))
                .isNotNull();
    }

    @Test
    void refusesAnotherAgencysSignatureUnderItsOwnName() {
        String signature = sign("NTA", "ack-1", NOW.getEpochSecond(), BODY);

        assertThatThrownBy(() -> signatures.authenticate("CEC", "ack-1", ts(NOW.getEpochSecond()), signature, BODY))
                .isInstanceOf(AgencyNotAuthenticated.class)
                .hasMessageContaining("no webhook-signature matches");
    }

    @Test
    void refusesABodyChangedAfterSigning() {
        String signature = sign("CEC", "ack-1", NOW.getEpochSecond(), BODY);
        byte[] changed = new String(BODY, StandardCharsets.UTF_8)
                .replace("APPLIED", "REJECTED")
                .getBytes(StandardCharsets.UTF_8);

        assertThatThrownBy(() -> signatures.authenticate("CEC", "ack-1", ts(NOW.getEpochSecond()), signature, changed))
                .isInstanceOf(AgencyNotAuthenticated.class);
    }

    @Test
    void refusesATimestampMoreThanFiveMinutesOff() {
        long stale = NOW.minusSeconds(301).getEpochSecond();
        long future = NOW.plusSeconds(301).getEpochSecond();

        assertThatThrownBy(() ->
                        signatures.authenticate("CEC", "ack-1", ts(stale), sign("CEC", "ack-1", stale, BODY), BODY))
                .isInstanceOf(AgencyNotAuthenticated.class)
                .hasMessageContaining("5 minutes");
        assertThatThrownBy(() ->
                        signatures.authenticate("CEC", "ack-1", ts(future), sign("CEC", "ack-1", future, BODY), BODY))
                .isInstanceOf(AgencyNotAuthenticated.class);
        long edge = NOW.minusSeconds(300).getEpochSecond();
        assertThat(signatures.authenticate("CEC", "ack-1", ts(edge), sign("CEC", "ack-1", edge, BODY), BODY))
                .isNotNull();
    }

    @Test
    void refusesUnknownAgenciesAndMissingHeaders() {
        String signature = sign("CEC", "ack-1", NOW.getEpochSecond(), BODY);
        String now = ts(NOW.getEpochSecond());

        for (String agency : new String[] {null, "", "XYZ", "not a code"}) {
            assertThatThrownBy(() -> signatures.authenticate(agency, "ack-1", now, signature, BODY))
                    .isInstanceOf(AgencyNotAuthenticated.class);
        }
        assertThatThrownBy(() -> signatures.authenticate("CEC", null, now, signature, BODY))
                .isInstanceOf(AgencyNotAuthenticated.class);
        assertThatThrownBy(() -> signatures.authenticate("CEC", "ack-1", "yesterday", signature, BODY))
                .isInstanceOf(AgencyNotAuthenticated.class);
        assertThatThrownBy(() -> signatures.authenticate("CEC", "ack-1", now, null, BODY))
                .isInstanceOf(AgencyNotAuthenticated.class);
    }

    private static String sign(String agency, String id, long timestamp, byte[] body) {
        List<WebhookSecret> secrets = REGISTRY.get(new AgencyCode(agency)).secrets().stream()
                .map(WebhookSecret::parse)
                .toList();
        return WebhookSignature.sign(secrets, id, timestamp, body);
    }

    private static String ts(long seconds) {
        return Long.toString(seconds);
    }
}
