package tw.tongbao.adapters;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.springframework.amqp.core.Binding;
import org.springframework.amqp.core.BindingBuilder;
import org.springframework.amqp.core.Declarable;
import org.springframework.amqp.core.Declarables;
import org.springframework.amqp.core.DirectExchange;
import org.springframework.amqp.core.ExchangeBuilder;
import org.springframework.amqp.core.HeadersExchange;
import org.springframework.amqp.core.Queue;
import org.springframework.amqp.core.QueueBuilder;
import org.springframework.amqp.core.TopicExchange;
import org.springframework.amqp.rabbit.connection.ConnectionFactory;
import org.springframework.amqp.support.converter.JacksonJsonMessageConverter;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import tools.jackson.databind.json.JsonMapper;
import tw.tongbao.core.agency.Agency;
import tw.tongbao.core.agency.AgencyRegistry;
import tw.tongbao.core.messaging.Topology;

/** The broker objects the adapters share with the gateway (docs/architecture.md), and how messages are written. */
@Configuration(proxyBeanMethods = false)
class BrokerConfiguration {

    /** Every exchange, queue and binding, declared with the same arguments as the gateway's. */
    @Bean
    Declarables tongbaoTopology(AgencyRegistry registry) {
        List<Declarable> declarables = new ArrayList<>();
        HeadersExchange changes = ExchangeBuilder.headersExchange(Topology.CHANGES_EXCHANGE)
                .durable(true)
                .build();
        declarables.add(changes);
        for (Agency agency : registry.all()) {
            String code = agency.code().value();
            Queue queue =
                    QueueBuilder.durable(Topology.agencyQueue(code)).quorum().build();
            Binding binding = BindingBuilder.bind(queue)
                    .to(changes)
                    .whereAll(Map.of(Topology.addressedHeader(code), Topology.ADDRESSED))
                    .match();
            declarables.add(queue);
            declarables.add(binding);
        }
        DirectExchange reports = ExchangeBuilder.directExchange(Topology.REPORTS_EXCHANGE)
                .durable(true)
                .build();
        Queue reportsQueue =
                QueueBuilder.durable(Topology.REPORTS_QUEUE).quorum().build();
        declarables.add(reports);
        declarables.add(reportsQueue);
        declarables.add(BindingBuilder.bind(reportsQueue).to(reports).with(Topology.REPORTS_ROUTING_KEY));
        Queue healthQueue = QueueBuilder.durable(Topology.AGENCY_HEALTH_QUEUE)
                .quorum()
                .maxLength(Topology.AGENCY_HEALTH_QUEUE_MAX_LENGTH)
                .build();
        declarables.add(healthQueue);
        declarables.add(BindingBuilder.bind(healthQueue).to(reports).with(Topology.AGENCY_HEALTH_ROUTING_KEY));
        TopicExchange alerts = ExchangeBuilder.topicExchange(Topology.ALERTS_EXCHANGE)
                .durable(true)
                .build();
        Queue alertsQueue = QueueBuilder.durable(Topology.ALERTS_QUEUE).quorum().build();
        declarables.add(alerts);
        declarables.add(alertsQueue);
        declarables.add(BindingBuilder.bind(alertsQueue).to(alerts).with("#"));
        TopicExchange control = ExchangeBuilder.topicExchange(Topology.CONTROL_EXCHANGE)
                .durable(true)
                .build();
        Queue controlQueue =
                QueueBuilder.durable(Topology.CONTROL_QUEUE).quorum().build();
        declarables.add(control);
        declarables.add(controlQueue);
        declarables.add(BindingBuilder.bind(controlQueue).to(control).with(Topology.CONTROL_BINDING));
        return new Declarables(declarables);
    }

    /** The packages of the message types; the converter trusts exact package names only (no wildcards). */
    static final String[] MESSAGE_PACKAGES = {
        "tw.tongbao.core.envelope", "tw.tongbao.core.report", "tw.tongbao.core.control"
    };

    /** JSON with Jackson 3; only Tongbao's own message types are trusted. */
    @Bean
    JacksonJsonMessageConverter jacksonJsonMessageConverter(JsonMapper jsonMapper) {
        return new JacksonJsonMessageConverter(jsonMapper, MESSAGE_PACKAGES);
    }

    /** Refuses to start unless reports can be confirmed one by one (a report must never be lost silently). */
    @Bean
    static PublisherConfirmGuard publisherConfirmGuard() {
        return new PublisherConfirmGuard();
    }

    /** Checks the connection factory's confirm type as soon as it exists. */
    static final class PublisherConfirmGuard implements org.springframework.beans.factory.config.BeanPostProcessor {

        @Override
        public Object postProcessAfterInitialization(Object bean, String beanName) {
            if (bean instanceof ConnectionFactory factory && !factory.isPublisherConfirms()) {
                throw new IllegalStateException("spring.rabbitmq.publisher-confirm-type must be 'correlated'"
                        + " (simple confirms: " + factory.isSimplePublisherConfirms() + "): the report relay"
                        + " deletes a report only on its correlated broker confirm");
            }
            return bean;
        }
    }
}
