package tw.tongbao.simulator.stats;

import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import org.springframework.stereotype.Component;
import tw.tongbao.core.agency.Agency;
import tw.tongbao.core.agency.AgencyCode;
import tw.tongbao.core.agency.AgencyRegistry;

/** The counters of every simulated agency, in registry order. */
@Component
public class DeliveryStats {

    private final Map<AgencyCode, AgencyCounters> counters = new LinkedHashMap<>();
    private final Map<AgencyCode, String> protocols = new LinkedHashMap<>();

    public DeliveryStats(AgencyRegistry registry) {
        for (Agency agency : registry.all()) {
            counters.put(agency.code(), new AgencyCounters());
            protocols.put(
                    agency.code(),
                    agency.protocol().name().toLowerCase(Locale.ROOT).replace('_', '-'));
        }
    }

    /** The counters of one agency of the registry. */
    public AgencyCounters of(AgencyCode code) {
        AgencyCounters found = counters.get(code);
        if (found == null) {
            throw new AgencyRegistry.UnknownAgency(code.value());
        }
        return found;
    }

    /** Per agency code: its protocol and counts. */
    public Map<String, Map<String, Object>> snapshot() {
        Map<String, Map<String, Object>> all = new LinkedHashMap<>();
        counters.forEach((code, agencyCounters) -> {
            Map<String, Object> entry = new LinkedHashMap<>();
            entry.put("protocol", protocols.get(code));
            entry.putAll(agencyCounters.snapshot());
            all.put(code.value(), entry);
        });
        return all;
    }
}
