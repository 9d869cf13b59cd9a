package tw.tongbao.adapters.transport;

import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.URI;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.Test;
import tw.tongbao.adapters.AdaptersProperties;
import tw.tongbao.adapters.resilience.AgencyGuards;
import tw.tongbao.adapters.resilience.ResilienceProperties;
import tw.tongbao.core.agency.Agency;
import tw.tongbao.core.agency.AgencyCode;
import tw.tongbao.core.agency.AgencyRegistry;
import tw.tongbao.core.agency.Basis;
import tw.tongbao.core.agency.Protocol;
import tw.tongbao.core.change.ChangeType;

class DispatchersTests {

    private final AgencyRegistry registry = new AgencyRegistry(List.of(
            agency("NTA", Protocol.REST_JSON, URI.create("http://localhost:1/nta")),
            agency("CEC", Protocol.BATCH_CSV, null)));

    @Test
    void refusesToStartWhenAnAgencysProtocolHasNoTransport() {
        assertThatThrownBy(() -> dispatchers(List.of(transport(Protocol.REST_JSON))))
                .isInstanceOf(Dispatchers.MissingTransport.class)
                .hasMessageContaining("CEC")
                .hasMessageContaining("BATCH_CSV");
    }

    @Test
    void refusesTwoTransportsForOneProtocol() {
        assertThatThrownBy(() -> dispatchers(List.of(
                        transport(Protocol.REST_JSON), transport(Protocol.REST_JSON), transport(Protocol.BATCH_CSV))))
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("two transports speak REST_JSON");
    }

    private Dispatchers dispatchers(List<AgencyTransport> transports) {
        return new Dispatchers(
                registry,
                transports,
                new AgencyGuards(registry, ResilienceProperties.defaults()),
                null,
                null,
                null,
                null,
                AdaptersProperties.defaults(),
                null,
                null,
                null,
                List.of());
    }

    private static AgencyTransport transport(Protocol protocol) {
        return new AgencyTransport() {
            @Override
            public Protocol protocol() {
                return protocol;
            }

            @Override
            public CompletableFuture<AttemptResult> attempt(Agency agency, OutboundDelivery delivery) {
                return new CompletableFuture<>();
            }
        };
    }

    private static Agency agency(String code, Protocol protocol, URI endpoint) {
        return new Agency(
                new AgencyCode(code),
                Map.of(),
                protocol,
                endpoint,
                "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw",
                null,
                Basis.LAW,
                "law",
                Set.of(ChangeType.ADDRESS_CHANGE),
                Set.of("address"),
                0,
                0,
                null,
                null,
                null,
                0,
                null);
    }
}
