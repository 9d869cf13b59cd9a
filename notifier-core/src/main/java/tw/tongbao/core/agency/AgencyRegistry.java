package tw.tongbao.core.agency;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/** The agencies Tongbao knows, by code, in registry order. */
public final class AgencyRegistry {

    private final Map<AgencyCode, Agency> byCode = new LinkedHashMap<>();

    public AgencyRegistry(List<Agency> agencies) {
        for (Agency agency : agencies) {
            if (byCode.putIfAbsent(agency.code(), agency) != null) {
                throw new IllegalArgumentException("agency " + agency.code() + " is declared twice in the registry");
            }
        }
    }

    /** Every agency, in registry order. */
    public List<Agency> all() {
        return List.copyOf(byCode.values());
    }

    /** The agency with this code, if declared. */
    public Optional<Agency> find(AgencyCode code) {
        return Optional.ofNullable(byCode.get(code));
    }

    /** The agency with this code, or {@link UnknownAgency}. */
    public Agency get(AgencyCode code) {
        return find(code).orElseThrow(() -> new UnknownAgency(code.value()));
    }

    /** Thrown when a code names no agency in the registry. */
    public static final class UnknownAgency extends IllegalArgumentException {
        public UnknownAgency(String code) {
            super("no agency " + code + " in the registry");
        }
    }
}
