package tw.tongbao.gateway.operator;

import java.time.Instant;
import java.util.EnumSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import org.springframework.http.ResponseEntity;
import org.springframework.security.oauth2.server.resource.authentication.JwtAuthenticationToken;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;
import tw.tongbao.core.control.DeliveryCommand;
import tw.tongbao.core.delivery.DeliveryStatus;
import tw.tongbao.gateway.audit.Actor;
import tw.tongbao.gateway.audit.CitizenReads;

/** Deliveries for operators: search with attempt logs (an audited read), retry, cancel, bulk retry. */
@RestController
@RequestMapping("/api/v1/ops/deliveries")
class DeliveryOpsController {

    private static final Set<DeliveryStatus> RETRYABLE = EnumSet.of(DeliveryStatus.PARKED, DeliveryStatus.REJECTED);
    private static final Set<DeliveryStatus> CANCELLABLE =
            EnumSet.of(DeliveryStatus.PENDING, DeliveryStatus.RETRYING, DeliveryStatus.PARKED, DeliveryStatus.REJECTED);

    private final DeliveryQueries deliveries;
    private final OperatorActions actions;
    private final CitizenReads reads;
    private final OpsProperties properties;

    DeliveryOpsController(
            DeliveryQueries deliveries, OperatorActions actions, CitizenReads reads, OpsProperties properties) {
        this.deliveries = deliveries;
        this.actions = actions;
        this.reads = reads;
        this.properties = properties;
    }

    @GetMapping
    Map<String, Object> search(
            @RequestParam(required = false) String status,
            @RequestParam(required = false) String agency,
            @RequestParam(required = false) String receipt,
            @RequestParam(required = false) String since,
            @RequestParam(required = false) String until,
            @RequestParam(defaultValue = "0") int page,
            @RequestParam(defaultValue = "20") int size,
            JwtAuthenticationToken authentication) {
        if (page < 0 || size < 1 || size > 200) {
            throw new InvalidOpsRequest("size", "page must be 0 or more and size 1 to 200");
        }
        DeliveryFilter filter = DeliveryFilter.parse(status, agency, receipt, since, until);
        DeliveryQueries.Found found = deliveries.search(filter, page, size);
        Map<String, Object> query = new LinkedHashMap<>();
        query.put("status", filter.status() == null ? null : filter.status().name());
        query.put("agency", filter.agency());
        query.put("receipt", filter.receipt());
        query.put("since", filter.since() == null ? null : filter.since().toString());
        query.put("until", filter.until() == null ? null : filter.until().toString());
        reads.record(Actor.of(authentication), "change.read", found.shown(), query);
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("page", page);
        body.put("size", size);
        body.put("total", found.total());
        body.put("items", found.items());
        return body;
    }

    @PostMapping("/{id}/retry")
    ResponseEntity<Map<String, Object>> retry(
            @PathVariable UUID id,
            @RequestBody(required = false) OpsRequests.Reason body,
            JwtAuthenticationToken authentication) {
        DeliveryQueries.Current delivery = deliveries.find(id).orElseThrow(() -> new DeliveryNotFound(id));
        if (!RETRYABLE.contains(delivery.status())) {
            throw new DeliveryNotActionable(id, delivery.status(), "retried (only PARKED or REJECTED)");
        }
        String reason = OpsRequests.reasonOf(body);
        Actor actor = Actor.of(authentication);
        DeliveryCommand command = new DeliveryCommand(
                id, delivery.agency(), DeliveryCommand.Action.RETRY, actor.subject(), reason, UUID.randomUUID());
        return OpsAnswers.accepted(
                actions.act(actor, "delivery.retry", id.toString(), reason, facts(delivery), command));
    }

    @PostMapping("/{id}/cancel")
    ResponseEntity<Map<String, Object>> cancel(
            @PathVariable UUID id,
            @RequestBody(required = false) OpsRequests.Reason body,
            JwtAuthenticationToken authentication) {
        String reason = OpsRequests.reasonOf(body);
        if (reason == null) {
            throw new InvalidOpsRequest("reason", "a cancel needs a reason");
        }
        DeliveryQueries.Current delivery = deliveries.find(id).orElseThrow(() -> new DeliveryNotFound(id));
        if (!CANCELLABLE.contains(delivery.status())) {
            throw new DeliveryNotActionable(id, delivery.status(), "cancelled");
        }
        Actor actor = Actor.of(authentication);
        DeliveryCommand command = new DeliveryCommand(
                id, delivery.agency(), DeliveryCommand.Action.CANCEL, actor.subject(), reason, UUID.randomUUID());
        return OpsAnswers.accepted(
                actions.act(actor, "delivery.cancel", id.toString(), reason, facts(delivery), command));
    }

    /** Retries every delivery matching the filter (PARKED by default, or REJECTED): one command each. */
    @PostMapping("/retry")
    ResponseEntity<Map<String, Object>> retryAll(
            @RequestBody(required = false) OpsRequests.BulkRetry body, JwtAuthenticationToken authentication) {
        OpsRequests.BulkRetry filter = body == null ? new OpsRequests.BulkRetry(null, null, null, null, null) : body;
        DeliveryStatus status = filter.status() == null || filter.status().isBlank()
                ? DeliveryStatus.PARKED
                : DeliveryFilter.status(filter.status());
        if (!RETRYABLE.contains(status)) {
            throw new InvalidOpsRequest("status", "only PARKED or REJECTED deliveries can be retried");
        }
        DeliveryFilter parsed = DeliveryFilter.parse(null, filter.agency(), null, filter.since(), filter.until());
        List<DeliveryQueries.Current> matching = deliveries.matching(
                parsed.agency(), status, parsed.since(), parsed.until(), properties.bulkRetryLimit());
        Actor actor = Actor.of(authentication);
        String reason = OpsRequests.reasonOf(new OpsRequests.Reason(filter.reason()));
        List<DeliveryCommand> commands = matching.stream()
                .map(delivery -> new DeliveryCommand(
                        delivery.id(),
                        delivery.agency(),
                        DeliveryCommand.Action.RETRY,
                        actor.subject(),
                        reason,
                        UUID.randomUUID()))
                .toList();
        Map<String, Object> facts = new LinkedHashMap<>();
        facts.put("agency", parsed.agency());
        facts.put("status", status.name());
        facts.put("since", text(parsed.since()));
        facts.put("until", text(parsed.until()));
        facts.put("deliveries", matching.stream().map(d -> d.id().toString()).toList());
        OperatorActions.Outcome outcome =
                actions.actAll(actor, "deliveries.bulk-retry", parsed.agency(), reason, facts, commands);
        return OpsAnswers.accepted(outcome, Map.of("count", matching.size()));
    }

    private static Map<String, Object> facts(DeliveryQueries.Current delivery) {
        Map<String, Object> facts = new LinkedHashMap<>();
        facts.put("agency", delivery.agency());
        facts.put("statusSeen", delivery.status().name());
        return facts;
    }

    private static String text(Instant instant) {
        return instant == null ? null : instant.toString();
    }
}
