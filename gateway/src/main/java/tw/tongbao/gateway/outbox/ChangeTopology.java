package tw.tongbao.gateway.outbox;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.springframework.amqp.core.Binding;
import org.springframework.amqp.core.BindingBuilder;
import org.springframework.amqp.core.Declarable;
import org.springframework.amqp.core.Declarables;
import org.springframework.amqp.core.ExchangeBuilder;
import org.springframework.amqp.core.HeadersExchange;
import org.springframework.amqp.core.Queue;
import org.springframework.amqp.core.QueueBuilder;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import tw.tongbao.core.agency.Agency;
import tw.tongbao.core.agency.AgencyRegistry;
import tw.tongbao.core.messaging.Topology;

/** The changes exchange and one quorum queue per registry agency, with the same arguments the adapters declare. */
@Configuration(proxyBeanMethods = false)
class ChangeTopology {

    @Bean
    Declarables changeDeclarables(AgencyRegistry registry) {
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
        return new Declarables(declarables);
    }
}
