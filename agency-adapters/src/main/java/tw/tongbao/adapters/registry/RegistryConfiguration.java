package tw.tongbao.adapters.registry;

import java.util.List;
import org.springframework.boot.context.properties.bind.Bindable;
import org.springframework.boot.context.properties.bind.Binder;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.env.Environment;
import tw.tongbao.core.agency.Agency;
import tw.tongbao.core.agency.AgencyRegistry;

/** Binds {@code tongbao.agencies} into the {@link AgencyRegistry}, refusing to start on an invalid registry. */
@Configuration(proxyBeanMethods = false)
class RegistryConfiguration {

    static final String PREFIX = "tongbao.agencies";

    @Bean
    AgencyRegistry agencyRegistry(Environment environment) {
        return load(Binder.get(environment));
    }

    /** Reads and checks the registry from any binder. */
    static AgencyRegistry load(Binder binder) {
        List<Agency> agencies;
        try {
            agencies = binder.bind(PREFIX, Bindable.listOf(Agency.class)).orElse(List.of());
        } catch (RuntimeException e) {
            throw new InvalidAgencyRegistry(rootMessage(e), e);
        }
        if (agencies.isEmpty()) {
            throw new InvalidAgencyRegistry(
                    "no agencies are declared under " + PREFIX + " (is TONGBAO_REGISTRY pointing at the registry?)",
                    null);
        }
        try {
            return new AgencyRegistry(agencies);
        } catch (IllegalArgumentException e) {
            throw new InvalidAgencyRegistry(e.getMessage(), e);
        }
    }

    private static String rootMessage(Throwable e) {
        Throwable cause = e;
        while (cause.getCause() != null && cause.getCause() != cause) {
            cause = cause.getCause();
        }
        String where = e.getMessage() == null ? "" : e.getMessage() + ": ";
        return where + cause.getMessage();
    }
}
