package tw.tongbao.adapters;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import org.springframework.amqp.rabbit.core.RabbitTemplate;
import tw.tongbao.core.delivery.DeliveryStatus;
import tw.tongbao.core.messaging.Topology;
import tw.tongbao.core.report.DeliveryReportBatch;
import tw.tongbao.core.report.DeliveryReported;

/** Takes what reached the gateway's reports queue and keeps it by delivery, as the gateway would see it. */
final class ReportsProbe {

    private final RabbitTemplate rabbit;
    private final Map<UUID, List<DeliveryReported>> byDelivery = new ConcurrentHashMap<>();

    ReportsProbe(RabbitTemplate rabbit) {
        this.rabbit = rabbit;
    }

    /** Every report of one delivery received so far, in arrival order. */
    synchronized List<DeliveryReported> of(UUID deliveryId) {
        Object received;
        while ((received = rabbit.receiveAndConvert(Topology.REPORTS_QUEUE)) != null) {
            for (DeliveryReported report : ((DeliveryReportBatch) received).reports()) {
                byDelivery
                        .computeIfAbsent(report.deliveryId(), id -> new CopyOnWriteArrayList<>())
                        .add(report);
            }
        }
        return new ArrayList<>(byDelivery.getOrDefault(deliveryId, List.of()));
    }

    /** The latest report of one delivery with this status, if any. */
    Optional<DeliveryReported> find(UUID deliveryId, DeliveryStatus status) {
        return of(deliveryId).stream().filter(r -> r.status() == status).reduce((a, b) -> b);
    }
}
