package tw.tongbao.adapters.resilience;

import java.util.LinkedHashMap;
import java.util.Map;
import org.springframework.stereotype.Component;
import tw.tongbao.core.agency.Agency;
import tw.tongbao.core.agency.AgencyRegistry;

/** One {@link AgencyGuard} per registry agency. */
@Component
public class AgencyGuards {

    private final Map<String, AgencyGuard> byCode = new LinkedHashMap<>();

    public AgencyGuards(AgencyRegistry registry, ResilienceProperties properties) {
        for (Agency agency : registry.all()) {
            byCode.put(agency.code().value(), new AgencyGuard(agency, properties));
        }
    }

    /** The guard of one agency. */
    public AgencyGuard of(String code) {
        AgencyGuard guard = byCode.get(code);
        if (guard == null) {
            throw new IllegalArgumentException("no agency " + code + " in the registry");
        }
        return guard;
    }
}
