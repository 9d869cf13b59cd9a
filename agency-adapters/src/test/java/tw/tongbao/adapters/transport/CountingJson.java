package tw.tongbao.adapters.transport;

import java.util.concurrent.atomic.AtomicInteger;
import tools.jackson.core.JsonParser;
import tools.jackson.databind.BeanDescription;
import tools.jackson.databind.DeserializationConfig;
import tools.jackson.databind.DeserializationContext;
import tools.jackson.databind.ValueDeserializer;
import tools.jackson.databind.deser.ValueDeserializerModifier;
import tools.jackson.databind.deser.std.DelegatingDeserializer;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.module.SimpleModule;
import tw.tongbao.core.envelope.ChangeFiled;

/**
 * A JSON mapper that counts the {@link ChangeFiled} values it parses, whichever code asks it to: proof of how often a
 * change is parsed that holds for any caching (or none) in the code under test.
 */
public final class CountingJson {

    public final AtomicInteger changesParsed = new AtomicInteger();

    public final JsonMapper json;

    public CountingJson() {
        json = JsonMapper.builder()
                .addModule(counting(changesParsed::incrementAndGet))
                .build();
    }

    /** A module that runs {@code parsed} each time a mapper it is added to parses a {@link ChangeFiled}. */
    public static SimpleModule counting(Runnable parsed) {
        return new SimpleModule("count-changes").setDeserializerModifier(new ValueDeserializerModifier() {
            @Override
            public ValueDeserializer<?> modifyDeserializer(
                    DeserializationConfig config, BeanDescription.Supplier description, ValueDeserializer<?> found) {
                return description.getBeanClass() == ChangeFiled.class ? new Counting(found, parsed) : found;
            }
        });
    }

    private static final class Counting extends DelegatingDeserializer {

        private final Runnable parsed;

        Counting(ValueDeserializer<?> delegate, Runnable parsed) {
            super(delegate);
            this.parsed = parsed;
        }

        @Override
        protected ValueDeserializer<?> newDelegatingInstance(ValueDeserializer<?> delegate) {
            return new Counting(delegate, parsed);
        }

        @Override
        public Object deserialize(JsonParser parser, DeserializationContext context) {
            parsed.run();
            return super.deserialize(parser, context);
        }
    }
}
