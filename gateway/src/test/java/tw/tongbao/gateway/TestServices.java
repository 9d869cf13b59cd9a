package tw.tongbao.gateway;

import org.springframework.test.context.DynamicPropertyRegistry;
import tw.tongbao.core.testing.TestDatabase;
import tw.tongbao.core.testing.TestVhost;

/** Points a gateway test context at its own database and vhost on the real PostgreSQL and RabbitMQ. */
public final class TestServices {

    private TestServices() {}

    /** The datasource and broker properties of the given database and vhost. */
    public static void register(DynamicPropertyRegistry registry, TestDatabase database, TestVhost vhost) {
        registry.add("spring.datasource.url", database::jdbcUrl);
        registry.add("spring.datasource.username", database::username);
        registry.add("spring.datasource.password", database::password);
        registry.add("spring.rabbitmq.host", vhost::host);
        registry.add("spring.rabbitmq.port", vhost::port);
        registry.add("spring.rabbitmq.virtual-host", vhost::name);
        registry.add("spring.rabbitmq.username", vhost::username);
        registry.add("spring.rabbitmq.password", vhost::password);
    }
}
