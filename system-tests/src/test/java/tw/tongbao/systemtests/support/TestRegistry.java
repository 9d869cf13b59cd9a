package tw.tongbao.systemtests.support;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.yaml.snakeyaml.DumperOptions;
import org.yaml.snakeyaml.Yaml;

/**
 * The reference registry (notifier-core's {@code tongbao/registry.yml}) narrowed to some agencies and pointed at
 * test agencies, with fresh secrets and a compressed retry schedule.
 */
public final class TestRegistry {

    private final Map<String, Map<String, Object>> agencies = new LinkedHashMap<>();

    private TestRegistry() {}

    /** The reference entries of the given agency codes, in registry order. */
    @SuppressWarnings("unchecked")
    public static TestRegistry of(Set<String> codes) {
        TestRegistry registry = new TestRegistry();
        try (InputStream in = TestRegistry.class.getClassLoader().getResourceAsStream("tongbao/registry.yml")) {
            Map<String, Object> root = new Yaml().load(in);
            List<Map<String, Object>> all =
                    (List<Map<String, Object>>) ((Map<String, Object>) root.get("tongbao")).get("agencies");
            for (Map<String, Object> agency : all) {
                String code = (String) agency.get("code");
                if (codes.contains(code)) {
                    Map<String, Object> copy = new LinkedHashMap<>(agency);
                    copy.put("secret", freshSecret());
                    copy.remove("previousSecret");
                    registry.agencies.put(code, copy);
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        if (!registry.agencies.keySet().equals(codes)) {
            throw new IllegalArgumentException("unknown agency among " + codes);
        }
        return registry;
    }

    /** Sets one registry key of one agency. */
    public TestRegistry set(String code, String key, Object value) {
        agencies.get(code).put(key, value);
        return this;
    }

    /** Sets one registry key of every agency. */
    public TestRegistry setAll(String key, Object value) {
        agencies.values().forEach(agency -> agency.put(key, value));
        return this;
    }

    /** The agency's entry as written. */
    public Map<String, Object> agency(String code) {
        return agencies.get(code);
    }

    /** The agency's current signing secret. */
    public String secret(String code) {
        return (String) agencies.get(code).get("secret");
    }

    /** The agency's protocol as written in the registry. */
    public String protocol(String code) {
        return (String) agencies.get(code).get("protocol");
    }

    /** Writes the registry as YAML under {@code tongbao.agencies}. */
    public Path writeTo(Path file) {
        DumperOptions options = new DumperOptions();
        options.setDefaultFlowStyle(DumperOptions.FlowStyle.BLOCK);
        Map<String, Object> root = Map.of("tongbao", Map.of("agencies", new ArrayList<>(agencies.values())));
        try {
            Files.writeString(file, new Yaml(options).dump(root), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return file;
    }

    private static String freshSecret() {
        byte[] key = new byte[32];
        new SecureRandom().nextBytes(key);
        return "whsec_" + Base64.getEncoder().encodeToString(key);
    }
}
