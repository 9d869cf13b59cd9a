package tw.tongbao.core.routing;

import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import tw.tongbao.core.agency.Agency;
import tw.tongbao.core.agency.AgencyCode;
import tw.tongbao.core.agency.AgencyRegistry;
import tw.tongbao.core.agency.Basis;
import tw.tongbao.core.change.ChangeType;

/**
 * Who is told of a change: every {@code LAW} agency that takes the type, and a {@code CONSENT} agency only when
 * the citizen chose it.
 */
public final class RecipientPolicy {

    private final AgencyRegistry registry;

    public RecipientPolicy(AgencyRegistry registry) {
        this.registry = registry;
    }

    /** The agencies to notify, in registry order; call {@link #problemsWith} first. */
    public List<Agency> recipients(ChangeType type, Set<String> chosen) {
        return registry.all().stream()
                .filter(agency -> agency.subscribesTo(type))
                .filter(agency -> agency.basis() == Basis.LAW
                        || chosen.contains(agency.code().value()))
                .toList();
    }

    /** Why the citizen's choice of consent-based agencies cannot stand; empty when it can. */
    public List<String> problemsWith(ChangeType type, Set<String> chosen) {
        List<String> problems = new ArrayList<>();
        for (String code : chosen) {
            AgencyCode parsed = parseOrNull(code);
            Agency agency = parsed == null ? null : registry.find(parsed).orElse(null);
            if (agency == null) {
                problems.add("no agency " + code + " in the registry");
            } else if (agency.basis() == Basis.LAW) {
                problems.add(code + " is notified by law and cannot be chosen");
            } else if (!agency.subscribesTo(type)) {
                problems.add(code + " does not take " + type);
            }
        }
        return problems;
    }

    private static AgencyCode parseOrNull(String code) {
        try {
            return new AgencyCode(code);
        } catch (IllegalArgumentException e) {
            return null;
        }
    }
}
