package tw.tongbao.gateway.acknowledgement;

import jakarta.servlet.http.HttpServletRequest;
import java.io.IOException;
import java.io.InputStream;
import org.springframework.http.HttpHeaders;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestHeader;
import org.springframework.web.bind.annotation.RestController;
import tools.jackson.databind.json.JsonMapper;
import tw.tongbao.core.agency.Agency;
import tw.tongbao.core.signature.WebhookSignature;

/**
 * Agencies confirm or refuse what they were delivered (CONTRACT §5). No sign-in token: the agency signs the exact
 * body with its own secret, and this controller checks that itself.
 */
@RestController
class AcknowledgementController {

    static final String PATH = "/api/v1/agency/acknowledgements";

    /** Far more than any acknowledgement needs; the body is read no further. */
    static final int MAX_BODY_BYTES = 16 * 1024;

    private final AgencySignatures signatures;
    private final Acknowledgements acknowledgements;
    private final JsonMapper json;

    AcknowledgementController(AgencySignatures signatures, Acknowledgements acknowledgements, JsonMapper json) {
        this.signatures = signatures;
        this.acknowledgements = acknowledgements;
        this.json = json;
    }

    @PostMapping(PATH)
    ResponseEntity<String> acknowledge(
            @RequestHeader(name = AgencySignatures.AGENCY_HEADER, required = false) String agencyCode,
            @RequestHeader(name = WebhookSignature.ID_HEADER, required = false) String id,
            @RequestHeader(name = WebhookSignature.TIMESTAMP_HEADER, required = false) String timestamp,
            @RequestHeader(name = WebhookSignature.SIGNATURE_HEADER, required = false) String signature,
            HttpServletRequest request)
            throws IOException {
        byte[] body = readBody(request);
        Agency agency = signatures.authenticate(agencyCode, id, timestamp, signature, body);
        Acknowledgement acknowledgement = AcknowledgementReader.read(body, json);
        StoredAnswer answer = acknowledgements.apply(agency.code(), id, acknowledgement);
        ResponseEntity.BodyBuilder response = ResponseEntity.status(answer.status())
                .contentType(answer.isProblem() ? MediaType.APPLICATION_PROBLEM_JSON : MediaType.APPLICATION_JSON);
        if (answer.retryLater()) {
            response.header(HttpHeaders.RETRY_AFTER, Integer.toString(AcknowledgementAnswer.RETRY_AFTER_SECONDS));
        }
        return response.body(answer.body());
    }

    /** The exact bytes the agency signed, refusing anything over {@link #MAX_BODY_BYTES} before it is parsed. */
    private static byte[] readBody(HttpServletRequest request) throws IOException {
        if (request.getContentLengthLong() > MAX_BODY_BYTES) {
            throw new AcknowledgementTooLarge(MAX_BODY_BYTES);
        }
        try (InputStream in = request.getInputStream()) {
            byte[] body = in.readNBytes(MAX_BODY_BYTES + 1);
            if (body.length > MAX_BODY_BYTES) {
                throw new AcknowledgementTooLarge(MAX_BODY_BYTES);
            }
            return body;
        }
    }
}
