package tw.tongbao.adapters.transport;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.net.URI;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import tw.tongbao.adapters.AdaptersProperties;
import tw.tongbao.adapters.instance.AdapterInstance;
import tw.tongbao.adapters.report.ReportRelay;
import tw.tongbao.adapters.resilience.AgencyGuards;
import tw.tongbao.adapters.resilience.ResilienceProperties;
import tw.tongbao.core.agency.Agency;
import tw.tongbao.core.agency.AgencyCode;
import tw.tongbao.core.agency.AgencyRegistry;
import tw.tongbao.core.agency.Basis;
import tw.tongbao.core.agency.Protocol;
import tw.tongbao.core.answer.AgencyAnswer;
import tw.tongbao.core.change.ChangeType;
import tw.tongbao.core.envelope.ChangeFiled;
import tw.tongbao.core.fixtures.Changes;

/**
 * The dispatchers of one instance share the changes they parse: a change stored for several agencies is parsed once
 * while their deliveries are claimed close together, and each agency still receives only the fields it is entitled to.
 */
class SharedChangeParsesIntegrationTests {

    /** Entitled to the address, not to the national ID or the name. */
    private static final Agency NHIA = EngineDatabase.AGENCY;

    /** Entitled to the national ID and the name, not to the address. */
    private static final Agency NTA = new Agency(
            new AgencyCode("NTA"),
            Map.of("en", "NTA"),
            Protocol.REST_JSON,
            URI.create("http://localhost:1/NTA"),
            "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw",
            null,
            Basis.LAW,
            "law",
            Set.of(ChangeType.values()),
            Set.of("subjectId", "name"),
            0,
            0,
            null,
            null,
            null,
            0,
            null);

    @RegisterExtension
    static final EngineDatabase db = EngineDatabase.emptiedBeforeEach("sharedparse");

    private final CountingJson counting = new CountingJson();
    private final Map<String, OutboundDelivery> sent = new ConcurrentHashMap<>();
    private final List<AgencyDispatcher> dispatchers = new ArrayList<>();
    private AdapterInstance instance;

    @AfterEach
    void stop() {
        dispatchers.forEach(AgencyDispatcher::stop);
        instance.stop();
    }

    @Test
    void deliveriesOfOneChangeToSeveralAgenciesParseItOnceAndEachGetsOnlyItsFields() {
        ChangeFiled change = Changes.addressChange("NHIA", "NTA");
        db.arrive(change, NHIA.code().value());
        db.arrive(change, NTA.code().value());
        DispatchContext context = context();

        // One after the other, as claims close together go: two dispatchers missing at once would both parse.
        start(NHIA, context);
        await().until(() -> sent.containsKey("NHIA"));
        start(NTA, context);
        await().until(() -> sent.containsKey("NTA"));

        assertThat(counting.changesParsed).hasValue(1);
        assertThat(sent.get("NHIA").data()).containsKey("address").doesNotContainKeys("subjectId", "name");
        assertThat(sent.get("NTA").data())
                .containsEntry("subjectId", change.subjectId())
                .containsEntry("name", change.subjectName())
                .doesNotContainKeys("address", "previousAddress");
        assertThat(sent.get("NTA").addressee())
                .isEqualTo(change.addresseeFor("NTA").orElseThrow());
        assertThat(sent.get("NHIA").addressee())
                .isEqualTo(change.addresseeFor("NHIA").orElseThrow());
    }

    private DispatchContext context() {
        AdaptersProperties properties = AdaptersProperties.defaults();
        instance = new AdapterInstance(db.jdbc, properties);
        instance.start();
        return new DispatchContext(
                db.claims,
                db.settlement,
                db.control,
                new ReportRelay(db.reports, null, properties),
                properties,
                counting.json,
                Clock.systemUTC(),
                instance,
                List.of());
    }

    private void start(Agency agency, DispatchContext context) {
        AgencyGuards guards = new AgencyGuards(new AgencyRegistry(List.of(agency)), ResilienceProperties.defaults());
        AgencyDispatcher dispatcher = new AgencyDispatcher(
                agency, new Recording(), guards.of(agency.code().value()), context);
        dispatchers.add(dispatcher);
        dispatcher.start();
    }

    /** An agency that takes every delivery, remembering what it was sent. */
    private final class Recording implements AgencyTransport {
        @Override
        public Protocol protocol() {
            return Protocol.REST_JSON;
        }

        @Override
        public CompletableFuture<AttemptResult> attempt(Agency agency, OutboundDelivery delivery) {
            sent.put(agency.code().value(), delivery);
            return CompletableFuture.completedFuture(
                    new AttemptResult(AgencyAnswer.DELIVERED, Instant.now(), 5, 202, null, null, null));
        }
    }
}
