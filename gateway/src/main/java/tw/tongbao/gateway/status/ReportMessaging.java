package tw.tongbao.gateway.status;

import org.springframework.amqp.core.AcknowledgeMode;
import org.springframework.amqp.core.BindingBuilder;
import org.springframework.amqp.core.Declarables;
import org.springframework.amqp.core.DirectExchange;
import org.springframework.amqp.core.ExchangeBuilder;
import org.springframework.amqp.core.Queue;
import org.springframework.amqp.core.QueueBuilder;
import org.springframework.amqp.rabbit.config.SimpleRabbitListenerContainerFactory;
import org.springframework.amqp.rabbit.connection.ConnectionFactory;
import org.springframework.amqp.support.converter.JacksonJsonMessageConverter;
import org.springframework.boot.amqp.autoconfigure.SimpleRabbitListenerContainerFactoryConfigurer;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import tools.jackson.databind.json.JsonMapper;
import tw.tongbao.core.messaging.Topology;

/** The reports exchange and the gateway's reports queue, how report messages are read, and how they are batched. */
@Configuration(proxyBeanMethods = false)
class ReportMessaging {

    /** The listener container factory that hands {@link ReportListener} its reports in batches. */
    static final String BATCH_CONTAINER_FACTORY = "reportBatchContainerFactory";

    @Bean
    Declarables reportDeclarables() {
        DirectExchange reports = ExchangeBuilder.directExchange(Topology.REPORTS_EXCHANGE)
                .durable(true)
                .build();
        Queue queue = QueueBuilder.durable(Topology.REPORTS_QUEUE).quorum().build();
        return new Declarables(
                reports, queue, BindingBuilder.bind(queue).to(reports).with(Topology.REPORTS_ROUTING_KEY));
    }

    /**
     * JSON with Jackson 3; only the packages of the messages the gateway takes are trusted (Spring AMQP matches trusted
     * packages exactly, so a wildcard such as {@code tw.tongbao.core.*} would trust none).
     */
    @Bean
    JacksonJsonMessageConverter jacksonJsonMessageConverter(JsonMapper jsonMapper) {
        return new JacksonJsonMessageConverter(jsonMapper, "tw.tongbao.core.report", "tw.tongbao.core.control");
    }

    /**
     * Batches gathered on the consumer side: one transaction per batch instead of one per report, while a lone report
     * waits only {@code receiveTimeout}. Acknowledged automatically, so only after the listener returns, that is after
     * its transaction committed.
     */
    @Bean(BATCH_CONTAINER_FACTORY)
    SimpleRabbitListenerContainerFactory reportBatchContainerFactory(
            SimpleRabbitListenerContainerFactoryConfigurer configurer,
            ConnectionFactory connectionFactory,
            ReportProperties properties) {
        SimpleRabbitListenerContainerFactory factory = new SimpleRabbitListenerContainerFactory();
        configurer.configure(factory, connectionFactory);
        factory.setAcknowledgeMode(AcknowledgeMode.AUTO);
        factory.setConsumerBatchEnabled(true);
        factory.setBatchListener(true);
        factory.setBatchSize(properties.messagesAtOnce());
        factory.setReceiveTimeout(properties.receiveTimeout().toMillis());
        factory.setBatchReceiveTimeout(properties.maxBatchWait().toMillis());
        // The next batch is already on its way while one is written.
        factory.setPrefetchCount(2 * properties.messagesAtOnce());
        return factory;
    }
}
