package tw.tongbao.gateway.status;

import org.springframework.amqp.core.BindingBuilder;
import org.springframework.amqp.core.Declarables;
import org.springframework.amqp.core.DirectExchange;
import org.springframework.amqp.core.ExchangeBuilder;
import org.springframework.amqp.core.Queue;
import org.springframework.amqp.core.QueueBuilder;
import org.springframework.amqp.support.converter.JacksonJsonMessageConverter;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import tools.jackson.databind.json.JsonMapper;
import tw.tongbao.core.messaging.Topology;

/** The reports exchange and the gateway's reports queue, and how report messages are read. */
@Configuration(proxyBeanMethods = false)
class ReportMessaging {

    @Bean
    Declarables reportDeclarables() {
        DirectExchange reports = ExchangeBuilder.directExchange(Topology.REPORTS_EXCHANGE)
                .durable(true)
                .build();
        Queue queue = QueueBuilder.durable(Topology.REPORTS_QUEUE).quorum().build();
        return new Declarables(
                reports, queue, BindingBuilder.bind(queue).to(reports).with(Topology.REPORTS_ROUTING_KEY));
    }

    /** JSON with Jackson 3; only Tongbao's own message types are trusted. */
    @Bean
    JacksonJsonMessageConverter jacksonJsonMessageConverter(JsonMapper jsonMapper) {
        return new JacksonJsonMessageConverter(jsonMapper, "tw.tongbao.core.*");
    }
}
