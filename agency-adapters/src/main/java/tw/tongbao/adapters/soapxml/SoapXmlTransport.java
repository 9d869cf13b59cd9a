package tw.tongbao.adapters.soapxml;

import java.time.Instant;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.stereotype.Component;
import tw.tongbao.adapters.restjson.HttpOutcome;
import tw.tongbao.adapters.restjson.SignedHttpPost;
import tw.tongbao.adapters.transport.AgencyTransport;
import tw.tongbao.adapters.transport.AttemptLog;
import tw.tongbao.adapters.transport.AttemptResult;
import tw.tongbao.adapters.transport.OutboundDelivery;
import tw.tongbao.core.agency.Agency;
import tw.tongbao.core.agency.Protocol;
import tw.tongbao.core.answer.AgencyAnswer;

/** Delivers a change as a signed SOAP 1.1 {@code ChangeNotification}; reads SOAP faults as well as HTTP statuses. */
@Component
public class SoapXmlTransport implements AgencyTransport {

    /** The media type of a SOAP 1.1 message. */
    public static final String CONTENT_TYPE = "text/xml; charset=utf-8";
    /** The SOAP 1.1 action of the one operation agencies implement. */
    public static final String SOAP_ACTION = "\"urn:tongbao:notification:v1#ChangeNotification\"";

    private static final Logger log = LoggerFactory.getLogger(SoapXmlTransport.class);

    private final SignedHttpPost http;

    public SoapXmlTransport(SignedHttpPost http) {
        this.http = http;
    }

    @Override
    public Protocol protocol() {
        return Protocol.SOAP_XML;
    }

    @Override
    public CompletableFuture<AttemptResult> attempt(Agency agency, OutboundDelivery delivery) {
        byte[] body;
        try {
            body = ChangeNotificationXml.bytes(delivery.change(), delivery.addressee(), delivery.data());
        } catch (ChangeNotificationXml.NotRepresentableInXml e) {
            return CompletableFuture.completedFuture(
                    new AttemptResult(AgencyAnswer.REJECTED, Instant.now(), 0, null, null, e.getMessage(), null));
        }
        return http.post(agency, delivery, CONTENT_TYPE, Map.of("SOAPAction", SOAP_ACTION), body)
                .thenApply(outcome -> AttemptLog.debug(log, "soap-xml", agency, delivery, read(outcome)));
    }

    // A fault decides whatever the status (SOAP 1.1 sends them with 500, some servers with 200 or 4xx).
    static AttemptResult read(HttpOutcome outcome) {
        if (!outcome.answered()) {
            return outcome.byHttpStatus();
        }
        Optional<SoapFault> fault = SoapFault.read(outcome.body());
        if (fault.isPresent() && fault.get().blamesMessage()) {
            return outcome.as(
                    AgencyAnswer.REJECTED, "SOAP Client fault: " + fault.get().reason());
        }
        if (fault.isPresent() && fault.get().blamesAgency()) {
            return outcome.as(
                    AgencyAnswer.TRANSIENT_FAILURE,
                    "SOAP Server fault: " + fault.get().reason());
        }
        return outcome.byHttpStatus();
    }
}
