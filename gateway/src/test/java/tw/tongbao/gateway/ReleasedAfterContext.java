package tw.tongbao.gateway;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;
import java.lang.reflect.Field;
import java.lang.reflect.Modifier;
import java.util.Collection;
import java.util.SortedMap;
import java.util.TreeMap;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.springframework.beans.factory.DisposableBean;

/**
 * Releases a test class's {@link Release}-marked static fields (database, vhost, connections) after Spring has closed
 * its dirtied context, which uses them until then.
 *
 * <p>Register it with {@code @ExtendWith} before {@code @SpringBootTest}: JUnit calls after-all callbacks in reverse
 * order of registration, so this one runs after the SpringExtension's, which closes a {@code @DirtiesContext} context.
 *
 * <p>Fields are released in ascending {@link Release#order()}, written out because neither Java nor JUnit promises the
 * order in which reflection lists fields; number the resource made last 1, as try-with-resources would close it first.
 * A null field (its {@code @BeforeAll} failed) is skipped. A value is closed if {@link AutoCloseable} and destroyed if
 * a Spring {@link DisposableBean} (a {@code CachingConnectionFactory}); anything else fails, naming the field. When a
 * release fails the others still run, and the first failure is thrown with the later ones suppressed. Marking an
 * instance field, or two fields with one order, fails before anything is released.
 */
public final class ReleasedAfterContext implements AfterAllCallback {

    /** Marks a static field of the test class to release after its context is closed. */
    @Documented
    @Retention(RetentionPolicy.RUNTIME)
    @Target(ElementType.FIELD)
    public @interface Release {

        /** The field's place in the release, 1 first; distinct within a test class. */
        int order();
    }

    @Override
    public void afterAll(ExtensionContext extension) throws Exception {
        release(extension.getRequiredTestClass());
    }

    /** Releases the marked static fields of the test class in the documented order. */
    static void release(Class<?> testClass) throws Exception {
        Exception failure = null;
        for (Field field : marked(testClass)) {
            try {
                field.setAccessible(true);
                release(field, field.get(null));
            } catch (Exception e) {
                if (failure == null) {
                    failure = e;
                } else {
                    failure.addSuppressed(e);
                }
            }
        }
        if (failure != null) {
            throw failure;
        }
    }

    private static Collection<Field> marked(Class<?> testClass) {
        SortedMap<Integer, Field> byOrder = new TreeMap<>();
        for (Field field : testClass.getDeclaredFields()) {
            Release release = field.getAnnotation(Release.class);
            if (release == null) {
                continue;
            }
            if (!Modifier.isStatic(field.getModifiers())) {
                throw new IllegalStateException(name(field) + " is marked @Release but is not static");
            }
            Field taken = byOrder.putIfAbsent(release.order(), field);
            if (taken != null) {
                throw new IllegalStateException(name(taken) + " and " + name(field)
                        + " are both marked @Release(order = " + release.order() + ")");
            }
        }
        return byOrder.values();
    }

    private static void release(Field field, Object value) throws Exception {
        if (value == null) {
            return;
        }
        // As in a Spring container, a bean that is both disposable and closeable is destroyed, not closed.
        if (value instanceof DisposableBean bean) {
            bean.destroy();
        } else if (value instanceof AutoCloseable closeable) {
            closeable.close();
        } else {
            throw new IllegalStateException(name(field) + " is marked @Release but holds a "
                    + value.getClass().getName() + ", neither AutoCloseable nor DisposableBean");
        }
    }

    private static String name(Field field) {
        return field.getDeclaringClass().getSimpleName() + "." + field.getName();
    }
}
