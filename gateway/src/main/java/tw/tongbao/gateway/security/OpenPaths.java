package tw.tongbao.gateway.security;

import java.util.List;

/**
 * Paths anyone may reach without a bearer token; a feature that serves such paths contributes a bean of its own.
 *
 * @param patterns path patterns such as {@code /demo/**}
 */
public record OpenPaths(List<String> patterns) {

    public OpenPaths {
        patterns = List.copyOf(patterns);
    }

    /** Open paths from the given patterns. */
    public static OpenPaths of(String... patterns) {
        return new OpenPaths(List.of(patterns));
    }
}
