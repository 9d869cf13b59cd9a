package tw.tongbao.adapters.restjson;

import java.util.Map;
import java.util.concurrent.CompletableFuture;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.stereotype.Component;
import tw.tongbao.adapters.transport.AgencyTransport;
import tw.tongbao.adapters.transport.AttemptLog;
import tw.tongbao.adapters.transport.AttemptResult;
import tw.tongbao.adapters.transport.OutboundDelivery;
import tw.tongbao.core.agency.Agency;
import tw.tongbao.core.agency.Protocol;
import tw.tongbao.core.envelope.CloudEventEnvelope;

/** Delivers a change as a signed CloudEvents 1.0 structured JSON POST. */
@Component
public class RestJsonTransport implements AgencyTransport {

    private static final Logger log = LoggerFactory.getLogger(RestJsonTransport.class);

    private final SignedHttpPost http;

    public RestJsonTransport(SignedHttpPost http) {
        this.http = http;
    }

    @Override
    public Protocol protocol() {
        return Protocol.REST_JSON;
    }

    @Override
    public CompletableFuture<AttemptResult> attempt(Agency agency, OutboundDelivery delivery) {
        byte[] body = CloudEventEnvelope.bytes(delivery.change(), delivery.addressee(), delivery.data());
        return http.post(agency, delivery, CloudEventEnvelope.CONTENT_TYPE, Map.of(), body)
                .thenApply(outcome -> AttemptLog.debug(log, "rest-json", agency, delivery, outcome.byHttpStatus()));
    }
}
