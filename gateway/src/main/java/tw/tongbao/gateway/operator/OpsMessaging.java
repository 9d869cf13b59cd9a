package tw.tongbao.gateway.operator;

import org.springframework.amqp.core.Binding;
import org.springframework.amqp.core.BindingBuilder;
import org.springframework.amqp.core.Declarables;
import org.springframework.amqp.core.ExchangeBuilder;
import org.springframework.amqp.core.Queue;
import org.springframework.amqp.core.QueueBuilder;
import org.springframework.amqp.core.TopicExchange;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import tw.tongbao.core.messaging.Topology;

/**
 * The control exchange and queue (so a command waits for adapters that are not up yet), the health-snapshot queue
 * and the alerts exchange and queue, declared with exactly the adapters' arguments (a mismatch is refused by the
 * broker).
 */
@Configuration(proxyBeanMethods = false)
class OpsMessaging {

    @Bean
    Declarables operatorDeclarables() {
        TopicExchange control = ExchangeBuilder.topicExchange(Topology.CONTROL_EXCHANGE)
                .durable(true)
                .build();
        Queue controlQueue =
                QueueBuilder.durable(Topology.CONTROL_QUEUE).quorum().build();
        Queue healthQueue = QueueBuilder.durable(Topology.AGENCY_HEALTH_QUEUE)
                .quorum()
                .maxLength(Topology.AGENCY_HEALTH_QUEUE_MAX_LENGTH)
                .build();
        // The reports exchange itself is declared by the status feature; bind to it by name.
        Binding healthBinding = new Binding(
                Topology.AGENCY_HEALTH_QUEUE,
                Binding.DestinationType.QUEUE,
                Topology.REPORTS_EXCHANGE,
                Topology.AGENCY_HEALTH_ROUTING_KEY,
                null);
        TopicExchange alerts = ExchangeBuilder.topicExchange(Topology.ALERTS_EXCHANGE)
                .durable(true)
                .build();
        Queue alertsQueue = QueueBuilder.durable(Topology.ALERTS_QUEUE).quorum().build();
        return new Declarables(
                control,
                controlQueue,
                BindingBuilder.bind(controlQueue).to(control).with(Topology.CONTROL_BINDING),
                healthQueue,
                healthBinding,
                alerts,
                alertsQueue,
                BindingBuilder.bind(alertsQueue).to(alerts).with("#"));
    }
}
