package tw.tongbao.adapters.transport;

import java.time.Clock;
import java.time.Duration;
import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.springframework.context.SmartLifecycle;
import org.springframework.stereotype.Component;
import tools.jackson.databind.json.JsonMapper;
import tw.tongbao.adapters.AdaptersProperties;
import tw.tongbao.adapters.instance.AdapterInstance;
import tw.tongbao.adapters.report.ReportRelay;
import tw.tongbao.adapters.resilience.AgencyControl;
import tw.tongbao.adapters.resilience.AgencyGuards;
import tw.tongbao.core.agency.Agency;
import tw.tongbao.core.agency.AgencyRegistry;
import tw.tongbao.core.agency.Protocol;

/** One {@link AgencyDispatcher} per registry agency, each with the transport for its protocol. */
@Component
public class Dispatchers implements SmartLifecycle {

    /** How long a stop waits, for all agencies together, for tries already finished to be settled. */
    private static final Duration SETTLE_ON_STOP = Duration.ofSeconds(5);

    private final Map<String, AgencyDispatcher> byCode = new LinkedHashMap<>();
    private volatile boolean running;

    public Dispatchers(
            AgencyRegistry registry,
            List<AgencyTransport> transports,
            AgencyGuards guards,
            DeliveryClaims claims,
            DeliverySettlement settlement,
            AgencyControl control,
            ReportRelay relay,
            AdaptersProperties properties,
            JsonMapper json,
            Clock clock,
            AdapterInstance instance,
            List<AttemptObserver> observers) {
        Map<Protocol, AgencyTransport> byProtocol = byProtocol(transports);
        // Every agency is checked before any dispatcher (with its threads) is made.
        for (Agency agency : registry.all()) {
            if (!byProtocol.containsKey(agency.protocol())) {
                throw new MissingTransport(agency, byProtocol.keySet());
            }
        }
        // One context for every agency: their dispatchers share its parsed changes.
        DispatchContext context = new DispatchContext(
                claims, settlement, control, relay, properties, json, clock, instance, List.copyOf(observers));
        for (Agency agency : registry.all()) {
            String code = agency.code().value();
            byCode.put(code, new AgencyDispatcher(agency, byProtocol.get(agency.protocol()), guards.of(code), context));
        }
    }

    /** Tells an agency's dispatcher that new deliveries may be due. */
    public void wake(String agency) {
        AgencyDispatcher dispatcher = byCode.get(agency);
        if (dispatcher != null && running) {
            dispatcher.wake();
        }
    }

    @Override
    public void start() {
        byCode.values().forEach(AgencyDispatcher::start);
        running = true;
    }

    @Override
    public void stop() {
        running = false;
        byCode.values().forEach(AgencyDispatcher::stop);
        long deadline = System.nanoTime() + SETTLE_ON_STOP.toNanos();
        byCode.values().forEach(dispatcher -> dispatcher.awaitStopped(deadline));
    }

    @Override
    public boolean isRunning() {
        return running;
    }

    @Override
    public int getPhase() {
        return SmartLifecycle.DEFAULT_PHASE - 50;
    }

    private static Map<Protocol, AgencyTransport> byProtocol(List<AgencyTransport> transports) {
        Map<Protocol, AgencyTransport> byProtocol = new EnumMap<>(Protocol.class);
        for (AgencyTransport transport : transports) {
            AgencyTransport other = byProtocol.putIfAbsent(transport.protocol(), transport);
            if (other != null) {
                throw new IllegalStateException("two transports speak " + transport.protocol() + ": "
                        + other.getClass().getName() + " and "
                        + transport.getClass().getName());
            }
        }
        return byProtocol;
    }

    /** Thrown at start-up when a registry agency speaks a protocol no transport implements. */
    public static final class MissingTransport extends IllegalStateException {
        MissingTransport(Agency agency, java.util.Set<Protocol> available) {
            super("agency " + agency.code() + " speaks " + agency.protocol() + " but no AgencyTransport for it is"
                    + " available (transports found: " + available + ")");
        }
    }
}
