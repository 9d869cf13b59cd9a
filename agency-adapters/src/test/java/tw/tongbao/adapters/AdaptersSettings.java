package tw.tongbao.adapters;

import java.util.HashMap;
import java.util.Map;
import org.springframework.boot.context.properties.bind.Binder;
import org.springframework.boot.context.properties.source.MapConfigurationPropertySource;

/** Adapters' settings for tests that run parts of the engine without Spring, bound as the application binds them. */
public final class AdaptersSettings {

    private AdaptersSettings() {}

    /**
     * The defaults but for {@code settings}, given by their names under {@code tongbao.adapters} (e.g. {@code
     * "claim-linger"}) with values as a configuration file would write them; a {@link java.time.Duration} may be
     * given as itself.
     */
    public static AdaptersProperties with(Map<String, ?> settings) {
        Map<String, Object> named = new HashMap<>();
        settings.forEach((name, value) -> named.put("tongbao.adapters." + name, value.toString()));
        return new Binder(new MapConfigurationPropertySource(named))
                .bindOrCreate("tongbao.adapters", AdaptersProperties.class);
    }
}
