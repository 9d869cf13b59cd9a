package tw.tongbao.gateway.operator;

import java.time.Clock;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
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
import tw.tongbao.core.agency.AgencyRegistry;
import tw.tongbao.core.control.AgencyCommand;
import tw.tongbao.core.control.ReplayCommand;
import tw.tongbao.gateway.audit.Actor;

/** Agencies for operators: their health, their last hour, alerts, and pause / resume / enable / replay. */
@RestController
@RequestMapping("/api/v1/ops")
class AgencyOpsController {

    private final AgencyOverviews overviews;
    private final DeliveryQueries deliveries;
    private final Alerts alerts;
    private final OperatorActions actions;
    private final AgencyRegistry registry;
    private final Clock clock;

    AgencyOpsController(
            AgencyOverviews overviews,
            DeliveryQueries deliveries,
            Alerts alerts,
            OperatorActions actions,
            AgencyRegistry registry,
            Clock clock) {
        this.overviews = overviews;
        this.deliveries = deliveries;
        this.alerts = alerts;
        this.actions = actions;
        this.registry = registry;
        this.clock = clock;
    }

    @GetMapping("/agencies")
    List<AgencyOverview> agencies() {
        return overviews.all();
    }

    /** Delivered and failed tries per minute over the last hour, oldest minute first, 60 entries. */
    @GetMapping("/agencies/{code}/history")
    Map<String, Object> history(@PathVariable String code) {
        String agency = known(code);
        Instant thisMinute = clock.instant().truncatedTo(ChronoUnit.MINUTES);
        Instant from = thisMinute.minus(59, ChronoUnit.MINUTES);
        Map<Instant, long[]> counts = deliveries.perMinute(agency, from);
        List<Map<String, Object>> minutes = new ArrayList<>();
        for (Instant minute = from; !minute.isAfter(thisMinute); minute = minute.plus(1, ChronoUnit.MINUTES)) {
            long[] figures = counts.getOrDefault(minute, new long[2]);
            Map<String, Object> entry = new LinkedHashMap<>();
            entry.put("minute", minute);
            entry.put("delivered", figures[0]);
            entry.put("failed", figures[1]);
            minutes.add(entry);
        }
        return Map.of("agency", agency, "minutes", minutes);
    }

    @GetMapping("/alerts")
    List<Alerts.StoredAlert> alerts(
            @RequestParam(required = false) String agency, @RequestParam(defaultValue = "50") int limit) {
        if (limit < 1 || limit > 1000) {
            throw new InvalidOpsRequest("limit", "limit must be 1 to 1000");
        }
        return alerts.newest(agency == null || agency.isBlank() ? null : agency.toUpperCase(Locale.ROOT), limit);
    }

    @PostMapping("/agencies/{code}/pause")
    ResponseEntity<Map<String, Object>> pause(
            @PathVariable String code,
            @RequestBody(required = false) OpsRequests.Reason body,
            JwtAuthenticationToken authentication) {
        return agencyCommand(code, AgencyCommand.Action.PAUSE, OpsRequests.reasonOf(body), authentication);
    }

    @PostMapping("/agencies/{code}/resume")
    ResponseEntity<Map<String, Object>> resume(
            @PathVariable String code,
            @RequestBody(required = false) OpsRequests.Reason body,
            JwtAuthenticationToken authentication) {
        return agencyCommand(code, AgencyCommand.Action.RESUME, OpsRequests.reasonOf(body), authentication);
    }

    @PostMapping("/agencies/{code}/enable")
    ResponseEntity<Map<String, Object>> enable(
            @PathVariable String code,
            @RequestBody(required = false) OpsRequests.Reason body,
            JwtAuthenticationToken authentication) {
        return agencyCommand(code, AgencyCommand.Action.ENABLE, OpsRequests.reasonOf(body), authentication);
    }

    @PostMapping("/agencies/{code}/replay")
    ResponseEntity<Map<String, Object>> replay(
            @PathVariable String code,
            @RequestBody(required = false) OpsRequests.Replay body,
            JwtAuthenticationToken authentication) {
        String agency = known(code);
        if (body == null) {
            throw new InvalidOpsRequest("since", "a replay needs since, until and reason");
        }
        Instant since = required("since", body.since());
        Instant until = required("until", body.until());
        if (!since.isBefore(until)) {
            throw new InvalidOpsRequest("until", "until must be after since");
        }
        String reason = OpsRequests.reasonOf(new OpsRequests.Reason(body.reason()));
        if (reason == null) {
            throw new InvalidOpsRequest("reason", "a replay needs a reason");
        }
        Actor actor = Actor.of(authentication);
        ReplayCommand command = new ReplayCommand(agency, since, until, actor.subject(), reason, UUID.randomUUID());
        Map<String, Object> facts = new LinkedHashMap<>();
        facts.put("since", since.toString());
        facts.put("until", until.toString());
        return OpsAnswers.accepted(actions.act(actor, "agency.replay", agency, reason, facts, command));
    }

    private ResponseEntity<Map<String, Object>> agencyCommand(
            String code, AgencyCommand.Action action, String reason, JwtAuthenticationToken authentication) {
        String agency = known(code);
        Actor actor = Actor.of(authentication);
        AgencyCommand command =
                new AgencyCommand(agency, action, actor.subject(), reason, clock.instant(), UUID.randomUUID());
        String name = "agency." + action.name().toLowerCase(Locale.ROOT);
        return OpsAnswers.accepted(actions.act(actor, name, agency, reason, Map.of(), command));
    }

    private String known(String code) {
        String agency = code.toUpperCase(Locale.ROOT);
        if (registry.all().stream().noneMatch(a -> a.code().value().equals(agency))) {
            throw new AgencyNotFound(code);
        }
        return agency;
    }

    private static Instant required(String field, String value) {
        Instant instant = DeliveryFilter.instant(field, value);
        if (instant == null) {
            throw new InvalidOpsRequest(field, field + " is required");
        }
        return instant;
    }
}
