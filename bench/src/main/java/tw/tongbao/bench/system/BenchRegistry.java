package tw.tongbao.bench.system;

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
import org.yaml.snakeyaml.DumperOptions;
import org.yaml.snakeyaml.Yaml;

/**
 * The reference registry (notifier-core's {@code tongbao/registry.yml}, all eight agencies) with fresh secrets,
 * endpoints on the benchmark's sinks and, unless the reference limits are kept, per-agency limits lifted so that
 * the agencies are not what limits throughput.
 */
public final class BenchRegistry {

    private final List<Map<String, Object>> agencies = new ArrayList<>();

    private BenchRegistry() {}

    /** The eight reference agencies. */
    @SuppressWarnings("unchecked")
    public static BenchRegistry reference() {
        BenchRegistry registry = new BenchRegistry();
        try (InputStream in = BenchRegistry.class.getClassLoader().getResourceAsStream("tongbao/registry.yml")) {
            if (in == null) {
                throw new IllegalStateException("tongbao/registry.yml is not on the class path (notifier-core)");
            }
            Map<String, Object> root = new Yaml().load(in);
            for (Map<String, Object> agency :
                    (List<Map<String, Object>>) ((Map<String, Object>) root.get("tongbao")).get("agencies")) {
                Map<String, Object> copy = new LinkedHashMap<>(agency);
                copy.put("secret", freshSecret());
                copy.remove("previousSecret");
                registry.agencies.add(copy);
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return registry;
    }

    /** The agency codes in registry order. */
    public List<String> codes() {
        return agencies.stream().map(a -> (String) a.get("code")).toList();
    }

    /** An agency's entry. */
    public Map<String, Object> agency(String code) {
        return agencies.stream()
                .filter(a -> code.equals(a.get("code")))
                .findFirst()
                .orElseThrow(() -> new IllegalArgumentException("no agency " + code));
    }

    /** The registry value of one key (e.g. {@code protocol}, {@code secret}, {@code charset}). */
    public String get(String code, String key) {
        Object value = agency(code).get(key);
        return value == null ? null : value.toString();
    }

    /** Sets one key of one agency. */
    public BenchRegistry set(String code, String key, Object value) {
        agency(code).put(key, value);
        return this;
    }

    /** Sets one key of every agency. */
    public BenchRegistry setAll(String key, Object value) {
        agencies.forEach(a -> a.put(key, value));
        return this;
    }

    /** Writes {@code tongbao.agencies} as YAML. */
    public Path writeTo(Path file) {
        DumperOptions options = new DumperOptions();
        options.setDefaultFlowStyle(DumperOptions.FlowStyle.BLOCK);
        try {
            Files.writeString(
                    file,
                    new Yaml(options).dump(Map.of("tongbao", Map.of("agencies", agencies))),
                    StandardCharsets.UTF_8);
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
